"""<Dial><Conference> as an operation: Twilio's room limits, startConferenceOnEnter (a
participant who may not start the room waits in it, hearing the wait music, until one who
may joins), coach, and endConferenceOnExit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...flow import verbs as V
from ...sim.bridge import ConferenceOp
from ...sim.ops import PENDING, Op

if TYPE_CHECKING:
    from ...sim.leg import Leg


@dataclass
class ConferenceVerb:
    conference: V.Conference
    end_on_exit: bool = False
    max_participants: int = 250
    start_on_enter: bool = True
    coach: str | None = None  # the CallSid of the participant this one coaches
    resume: bool = False  # the wait is over: take over the participant already in the room

    def sim_op(self, runner: Any) -> Op:
        op = TwimlConferenceOp(runner, self.conference)
        op.owner = self
        return op


class TwimlConferenceOp(ConferenceOp):
    owner: ConferenceVerb

    def start(self) -> Any:
        leg, owner = self.leg, self.owner
        if not leg.answered:
            leg.answer()
        room = self.runner.carrier.conference_room(self.verb.id)
        self.room = room
        part = room.participants.get(leg.sid)
        if owner.resume:
            if part is None:  # it left while waiting (the room ended, a kick)
                return V.Done(detail={"left": "conference-ended"})
            part["op"], leg.op = self, self
            leg.trace("conference", action="started", room=room.name, conference=room.sid)
            return PENDING
        if len(room.participants) >= owner.max_participants:
            leg.trace("conference", action="full", room=self.verb.id)
            return V.Done(detail={"full": True})
        leg.op = self
        if self.verb.beep:
            leg.trace("beep", why="entering conference")
        extra: dict[str, Any] = {"start_on_enter": owner.start_on_enter}
        if owner.coach:
            extra["coach"] = owner.coach
        room.join(leg, self, start=owner.start_on_enter, **extra)
        if leg.party is not None:
            leg.party.on_bridge(leg)
        if room.participants.get(leg.sid, {}).get("waiting"):
            self.done = True  # the interpreter plays the wait music; `room_started` ends it
            return V.Done(detail={"waiting": True})
        return PENDING

    def room_started(self) -> None:
        """The conference started while this participant waited: cut its wait music."""
        release_wait(self.leg, self)

    def on_hangup(self) -> None:
        if self.owner.end_on_exit:
            end_conference(self.room, self.leg)
        super().on_hangup()


def release_wait(leg: Leg, conference_op: Any) -> None:
    """Finish whatever a waiting participant is doing (its wait TwiML's current verb)."""
    op = leg.op
    if op is not None and op is not conference_op and not op.done:
        op.finish(V.Done(detail={"conference": "changed"}))


def drop(room: Any, part: dict, why: str, left: str) -> None:
    """Take a participant out of the room; its <Dial> ends (or its wait music stops) and
    its TwiML goes on."""
    op = part["op"]
    waiting = op is not None and op.done  # the wait TwiML plays; the first op has finished
    room.leave(part["leg"], why)
    if op is None:
        return
    if waiting:
        release_wait(part["leg"], op)
    else:
        op.finish(V.Done(detail={"left": left}))


def end_conference(room: Any, leaving: Any) -> None:
    """endConferenceOnExit: everyone else leaves; their <Dial> ends and their TwiML goes on."""
    room.end_reason = "participant-with-end-conference-on-exit-left"
    room.ended_by = leaving.sid
    for sid, part in list(room.participants.items()):
        if sid != leaving.sid:
            drop(room, part, "the conference ended", "conference-ended")
