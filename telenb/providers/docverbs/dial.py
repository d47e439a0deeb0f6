"""<Dial> to numbers, clients or SIP as an operation: Twilio's transfer, with record,
timeLimit, answerOnBridge, screening (<Number url>), sequential dialing and hangupOnStar."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...flow import verbs as V
from ...sim.bridge import TransferOp
from ...sim.ops import Op

if TYPE_CHECKING:
    from ...sim.leg import Leg


@dataclass
class DialVerb:
    transfer: V.Transfer
    record: bool = False
    time_limit: float | None = None
    recording: Any = None  # filled in when `record`
    placed: list = field(default_factory=list)  # the legs it placed
    on_placed: Any = None  # called with those legs as soon as they exist
    answer_on_bridge: bool = False  # the caller hears ringing until the callee answers
    screens: dict = field(default_factory=dict)  # address -> (url, method) of <Number url>
    screen: Any = None  # starts the screening TwiML: screen(child_leg, (url, method), op)
    bridged: bool = False  # the caller and the callee were connected (DialBridged)
    sequential: bool = False  # try the nouns one after another, each for `timeout` seconds
    hangup_on_star: bool = False  # the caller's * ends the bridge; the caller's TwiML goes on

    def sim_op(self, runner: Any) -> Op:
        op = TwimlDialOp(runner, self.transfer)
        op.owner = self
        return op


class TwimlDialOp(TransferOp):
    """<Dial> to numbers, clients or SIP: the transfer, plus record and timeLimit."""

    owner: DialVerb

    def start(self) -> Any:
        if not self.leg.answered and not self.owner.answer_on_bridge:
            self.leg.answer()
        self.recording_started = False
        result = super().start()
        if not self.owner.sequential:
            self.owner.placed = list(self.children)
            if self.owner.on_placed is not None:
                self.owner.on_placed(self.owner.placed)
        return result

    # -- sequential="true": one noun at a time, in document order ------------------------------
    def place(self, from_: str, direction: str, parent: Any) -> None:
        if not self.owner.sequential:
            super().place(from_, direction, parent)
            return
        self.children, self.failures, self.winner = [], [], None
        self.pending = list(self.verb.to)
        self.placing = (from_, direction, parent)
        self._place_next()

    def _place_next(self) -> None:
        from_, direction, parent = self.placing
        child = self.runner.carrier.place_leg(
            from_, self.pending.pop(0), direction, parent=parent, listener=self,
            headers=self.verb.headers,
        )  # fmt: skip
        self.children.append(child)
        self.owner.placed.append(child)
        if self.owner.on_placed is not None:
            self.owner.on_placed([child])
        self.ring_timer = self.after(self.verb.timeout, self._no_answer)

    def _no_answer(self) -> None:
        if not self.owner.sequential:
            super()._no_answer()
            return
        current = self.children[-1]  # its failure moves on to the next noun (leg_status)
        if not current.ended:
            current.hangup("network", "no answer before the timeout", status="no-answer")

    def _next_after_failure(self, leg: Leg, status: str) -> bool:
        """Sequential dialing: a failed attempt moves on; the last one ends the <Dial>."""
        if status not in ("busy", "failed", "no-answer", "canceled") or not self.children:
            return False
        if self.done or self.canceling or self.winner is not None or leg is not self.children[-1]:
            return False
        self.failures.append(status)
        self.clock.cancel(self.ring_timer)
        if self.pending:
            self._place_next()
        else:
            self.finish(V.DialOutcome(status if status in ("busy", "no-answer") else "failed"))
        return True

    # -- hangupOnStar: the caller's * hangs up the called party -------------------------------
    @property
    def keys_in_bridge(self) -> bool:
        """Keys the caller presses while bridged come here (only with hangupOnStar)."""
        return self.owner.hangup_on_star

    def on_key(self, key: str) -> None:
        winner = self.winner
        if winner is not None and self.leg.peer is winner:
            if key == "*" and self.owner.hangup_on_star:
                self.leg.trace("hangup-on-star", callee=winner.sid)
                winner.hangup("caller", "the caller pressed * (hangupOnStar)")
            else:
                self.leg.trace("unheard", mode="dtmf", value=key, why="keys go nowhere in a bridge")
            return
        super().on_key(key)

    screening: Any = None  # the answered callee hearing its <Number url> TwiML

    def answered(self, child: Any) -> None:
        screen = self.owner.screens.get(child.to)
        if screen is not None and self.owner.screen is not None:
            # Twilio runs the url's TwiML on the callee's leg first; the caller keeps waiting
            self.screening = child
            child.trace("screen", url=screen[0], caller=self.leg.sid)
            self.owner.screen(child, screen, self)
            return
        self.connect(child)

    def screened(self, child: Any) -> None:
        """The screening TwiML ran to its end with the callee still there: bridge them."""
        self.screening = None
        if not self.done and not child.ended and not self.leg.ended:
            self.connect(child)

    def leg_status(self, leg: Leg, status: str) -> None:
        if leg is self.screening and leg.ended:  # the callee declined (or hung up) first
            self.screening = None
            self.finish(
                V.DialOutcome("answered", leg.sid, leg.duration, leg.answered_by, ended_by="callee")
            )
            return
        if self.owner.sequential and self._next_after_failure(leg, status):
            return
        super().leg_status(leg, status)

    def on_hangup(self) -> None:
        child, self.screening = self.screening, None
        if child is not None and not child.ended:
            child.hangup("network", "the caller hung up during screening")
        super().on_hangup()

    def connect(self, child: Any) -> None:
        self.owner.bridged = True
        if not self.leg.answered:  # answerOnBridge: the caller is answered with the callee
            self.leg.answer()
        super().answered(child)
        if self.owner.record and self.leg.recorder is None:
            self.runner.carrier.recordings.start_call(self.leg, None, False)
            self.recording_started = True
        if self.owner.time_limit:
            self.after(self.owner.time_limit, child.hangup, "network", "the Dial timeLimit")

    def finish(self, outcome: Any) -> None:
        if self.recording_started and not self.done:
            carrier = self.runner.carrier
            rec = carrier.recordings.stop_call(self.leg)
            if rec is None:  # the caller hung up: the leg stopped it already
                recs = [r for r in carrier.recordings if r.call_sid == self.leg.sid]
                rec = recs[-1] if recs else None
            self.owner.recording = rec
        super().finish(outcome)
