"""<Dial><Conference> as an operation: Twilio's room limits and endConferenceOnExit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ....flow import verbs as V
from ....sim.bridge import ConferenceOp
from ....sim.ops import Op


@dataclass
class ConferenceVerb:
    conference: V.Conference
    end_on_exit: bool = False
    max_participants: int = 250

    def sim_op(self, runner: Any) -> Op:
        op = TwimlConferenceOp(runner, self.conference)
        op.owner = self
        return op


class TwimlConferenceOp(ConferenceOp):
    owner: ConferenceVerb

    def start(self) -> Any:
        if not self.leg.answered:
            self.leg.answer()
        room = self.runner.carrier.conference_room(self.verb.id)
        if len(room.participants) >= self.owner.max_participants:
            self.leg.trace("conference", action="full", room=self.verb.id)
            return V.Done(detail={"full": True})
        self.room = room
        return super().start()

    def on_hangup(self) -> None:
        if self.owner.end_on_exit:
            end_conference(self.room, self.leg)
        super().on_hangup()


def end_conference(room: Any, leaving: Any) -> None:
    """endConferenceOnExit: everyone else leaves; their <Dial> ends and their TwiML goes on."""
    for sid, part in list(room.participants.items()):
        if sid == leaving.sid:
            continue
        room.leave(part["leg"], "the conference ended")
        part["op"].finish(V.Done(detail={"left": "conference-ended"}))
