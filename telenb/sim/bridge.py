"""Verbs that involve other legs: transfer (bridge the caller to a new leg), outbound dial
(Tropo's `call()`), and conferences."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..flow import verbs as V
from .ops import PENDING, Op, Question

if TYPE_CHECKING:
    from .carrier import Carrier
    from .leg import Leg


class _Placing(Op):
    """Shared by transfer and dial: place legs, first to answer wins, collect failures."""

    def place(self, from_: str, direction: str, parent: Leg | None) -> None:
        carrier = self.runner.carrier
        self.children: list[Leg] = []
        self.failures: list[str] = []
        self.winner: Leg | None = None
        for dest in self.verb.to:
            child = carrier.place_leg(
                from_, dest, direction, parent=parent, listener=self, headers=self.verb.headers
            )
            self.children.append(child)
        self.ring_timer = self.after(self.verb.timeout, self._no_answer)

    canceling = False  # the caller gave up: children ending now are not failures

    def leg_status(self, leg: Leg, status: str) -> None:
        if self.done or self.canceling or (self.winner is not None and leg is not self.winner):
            return
        if status == "in-progress" and self.winner is None:
            self.winner = leg
            self.clock.cancel(self.ring_timer)
            for other in self.children:
                if other is not leg and not other.ended:
                    other.hangup("network", "another destination answered", status="canceled")
            self.answered(leg)
        elif status in ("busy", "failed", "no-answer", "canceled") and self.winner is None:
            self.failures.append(status)
            if all(c.ended for c in self.children):
                kind = (
                    "busy"
                    if "busy" in self.failures
                    else ("no-answer" if "no-answer" in self.failures else "failed")
                )
                self.finish(V.DialOutcome(kind))

    def _no_answer(self) -> None:
        for child in self.children:
            if not child.ended:
                child.hangup("network", "no answer before the timeout", status="no-answer")
        if not self.done:
            self.finish(V.DialOutcome("no-answer"))

    def answered(self, leg: Leg) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class TransferOp(_Placing):
    verb: V.Transfer
    bridging = True  # while it runs, the caller talks to people, not to this flow

    def start(self) -> Any:
        v, leg, carrier = self.verb, self.leg, self.runner.carrier
        caller_id = carrier.normalize(v.caller_id) if v.caller_id else leg.from_
        leg.trace("transfer", to=", ".join(v.to), timeout=v.timeout)
        if v.ring_audio:
            leg.trace("play", url=v.ring_audio, why="while ringing")
        leg.op = self
        self.place(caller_id, "outbound-dial", leg)
        if v.terminator and leg.party is not None:
            # while it rings, the caller may key the terminator to give up
            now = self.clock.now
            self.question = Question(None, now, now, now, v.terminator, "dtmf")
            leg.party.on_question(leg, self.question)
        return PENDING

    def answered(self, child: Leg) -> None:
        self.runner.carrier.bridge(self.leg, child)

    def on_key(self, key: str) -> None:
        if self.winner is None and key == self.verb.terminator:
            self.canceling = True
            for child in self.children:
                if not child.ended:
                    child.hangup("caller", "transfer canceled by the caller", status="canceled")
            self.finish(V.DialOutcome("canceled"))
        else:
            super().on_key(key)

    def bridge_ended(self, other: Leg, by: str) -> None:
        """The far end hung up: the flow goes on with the caller."""
        self.finish(
            V.DialOutcome(
                "answered", other.sid, other.duration, other.answered_by, ended_by="callee"
            )
        )

    def on_hangup(self) -> None:
        if self.winner is not None:
            w = self.winner
            self.finish(
                V.DialOutcome("hangup", w.sid, w.duration, w.answered_by, ended_by="caller")
            )
        else:
            self.finish(V.DialOutcome("hangup"))


class DialOp(_Placing):
    """Tropo's call(): the answered leg becomes the flow's call."""

    verb: V.Dial

    def __init__(self, runner: Any, verb: V.Dial):
        self.runner = runner
        self.verb = verb
        self.leg = None  # type: ignore[assignment]  # the answered leg becomes the call
        self.clock = runner.carrier.clock
        self.timers = []
        self.done = False

    def start(self) -> Any:
        carrier = self.runner.carrier
        caller_id = (
            carrier.normalize(self.verb.caller_id)
            if self.verb.caller_id
            else (carrier.default_caller_id)
        )
        self.runner.channel = self.verb.channel
        self.place(caller_id, "outbound-api", None)
        return PENDING

    def answered(self, leg: Leg) -> None:
        self.runner.attach(leg)
        self.finish(V.DialOutcome("answered", leg.sid, answered_by=leg.answered_by))

    def finish(self, outcome: Any) -> None:
        if self.done:
            return
        self.done = True
        for t in self.timers:
            self.clock.cancel(t)
        self.runner.complete(outcome)


class Conference:
    """A conference room: participants hear each other; it ends when the last one leaves."""

    def __init__(self, carrier: Carrier, sid: str, name: str):
        self.carrier, self.sid, self.name = carrier, sid, name
        self.participants: dict[str, dict[str, Any]] = {}
        self.status = "init"
        self.created = carrier.clock.now
        self.ended_at: float | None = None
        self.max_participants = 0
        self.started = False  # audio is mixed: someone who may start it has joined
        self.end_reason: str | None = None
        self.ended_by: str | None = None  # the CallSid whose leaving ended it
        self.recorder: Any = None  # a CallRecorder for the room's mix (Twilio's record)
        # observers hear room events: fn(event, leg or None); event is start, end, join,
        # leave, mute, unmute, hold, unhold (a front door turns them into its callbacks)
        self.observers: list[Callable[[str, Leg | None], None]] = []

    def notify(self, event: str, leg: Leg | None = None) -> None:
        for fn in list(self.observers):
            fn(event, leg)

    def join(self, leg: Leg, op: ConferenceOp, *, start: bool = True, **extra: Any) -> None:
        """`start` False: the participant waits (hears nobody, is heard by nobody) until one
        who may start the conference joins.  `extra` goes into the participant's record
        (Twilio's coach target, for one)."""
        self.participants[leg.sid] = {
            "leg": leg,
            "op": op,
            "muted": op.verb.mute,
            "joined": self.carrier.clock.now,
            "waiting": not (start or self.started),
            **extra,
        }
        self.max_participants = max(self.max_participants, len(self.participants))
        leg.conference = self
        leg.trace(
            "conference",
            action="join",
            room=self.name,
            conference=self.sid,
            participants=len(self.participants),
            muted=op.verb.mute,
        )
        self._announce(op.verb.join_prompt, "join", leg)
        self.notify("join", leg)
        if start and not self.started:
            self.started = True
            self.status = "in-progress"
            self.notify("start")
            for part in self.participants.values():
                if part.get("waiting"):
                    part["waiting"] = False
                    started = getattr(part["op"], "room_started", None)
                    if started is not None:
                        started()

    def leave(self, leg: Leg, why: str = "hangup") -> None:
        part = self.participants.pop(leg.sid, None)
        if part is None:
            return
        self._announce(part["op"].verb.leave_prompt, "leave", leg)
        leg.conference = None
        leg.trace(
            "conference",
            action="leave",
            room=self.name,
            why=why,
            participants=len(self.participants),
        )
        self.notify("leave", leg)
        if not self.participants:
            self.status = "completed"
            self.ended_at = self.carrier.clock.now
            self.end_reason = self.end_reason or "last-participant-left"
            self.notify("end")

    def _announce(self, prompt: str | None, action: str, who: Leg) -> None:
        """A joinPrompt/leavePrompt: everyone in the room hears it (Tropo played it to all)."""
        if not prompt:
            return
        for part in self.participants.values():
            part["leg"].trace(
                "conference", action=f"{action}-prompt", room=self.name, text=prompt,
                about=who.sid,
            )  # fmt: skip

    def speak(self, leg: Leg, utt: Any, start: float) -> None:
        me = self.participants.get(leg.sid, {})
        if me.get("muted") or me.get("hold") or me.get("waiting"):  # out of the room
            leg.trace("muted", text=utt.text)
            return
        by = leg.from_ if leg.direction == "inbound" else leg.to
        coached = me.get("coach")  # a coach is heard only by the participant it coaches
        for sid, part in self.participants.items():
            if sid == leg.sid or part.get("hold") or part.get("waiting"):
                continue
            if coached is None or sid == coached:
                part["leg"].hear(by, utt, start)
        if self.recorder is not None and coached is None:
            self.recorder.add(leg, by, utt.text, start, utt.duration, utt.audio)

    def key(self, leg: Leg, key: str) -> None:
        part = self.participants.get(leg.sid)
        if part and key == part["op"].verb.terminator:
            self.leave(leg, "terminator")
            part["op"].finish(V.Done(detail={"left": "terminator"}))

    def __repr__(self) -> str:
        return (
            f"<Conference {self.name!r} {self.sid[:8]} {self.status}, "
            f"{len(self.participants)} in the room, {self.max_participants} at most>"
        )


class ConferenceOp(Op):
    verb: V.Conference

    def start(self) -> Any:
        room = self.runner.carrier.conference_room(self.verb.id)
        self.leg.op = self
        if self.verb.beep:
            self.leg.trace("beep", why="entering conference")
        room.join(self.leg, self)
        if self.leg.party is not None:
            self.leg.party.on_bridge(self.leg)
        return PENDING
