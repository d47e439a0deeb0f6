"""`transfer` on a real SIP call: telenb as a B2BUA, the caller bridged to a second leg.

The worker places an INVITE to each destination (all at once; the first to answer wins and
the others are CANCELled, as on the simulator), then connects the two calls' audio both
ways in pjmedia's conference bridge.  The second leg is a `SipCall` of direction
``outbound-dial`` sharing the caller's event queue and trace, so the trace records its
statuses exactly as the simulator's does for its child leg.  Outcomes are the simulator's
`DialOutcome`s: ``answered`` once the callee hangs up (the flow goes on with the caller),
``hangup`` when the caller does (the callee gets a BYE), ``busy`` / ``failed`` /
``no-answer`` / ``canceled`` when nobody answered.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ...errors import FlowError
from ...flow import verbs as V

if TYPE_CHECKING:
    from .session import SipCall

FAILED = ("busy", "failed", "no-answer", "canceled")


def transfer(call: SipCall, verb: V.Transfer) -> V.DialOutcome:
    """Ring `verb.to`, bridge the first to answer, and wait until either side hangs up."""
    if verb.record:
        raise FlowError("the SIP backend cannot record a transfer yet (record=True)")
    backend = call.backend
    targets = [backend.check_target(to) for to in verb.to]  # all refused before any INVITE
    call.trace("transfer", to=", ".join(targets), timeout=verb.timeout)
    legs = [backend.place(to, verb.headers, "outbound-dial", parent=call) for to in targets]
    if verb.ring_audio:
        call.trace("play", url=verb.ring_audio, why="while ringing")
        path, _ = call.render(V.Say(verb.ring_audio))
        call.playing = True
        call.send("play", path=str(path))
    call.digits.clear()
    winner = _ring(call, verb, legs)
    if call.playing and not call.ended:
        call.send("stop_play")
        call.wait_until(lambda: not call.playing, 5.0)
    if winner is None:
        return _unanswered(call, verb, legs)
    call.send("bridge", other=winner.cid)
    call.trace("bridge", to=winner.sid)
    winner.trace("bridge", to=call.sid)
    while not call.ended and not winner.ended:  # as long as both talk
        call.pump(0.2)
    duration = _talked(winner)
    if winner.ended and not call.ended:  # the callee hung up: back to the flow
        call.send("unbridge")
        call.trace("unbridge", by="callee")
        return V.DialOutcome("answered", winner.sid, duration, ended_by="callee")
    winner.hung_up_by = "caller"
    winner.hangup()  # the caller hung up: BYE to the callee
    return V.DialOutcome("hangup", winner.sid, _talked(winner), ended_by="caller")


def _ring(call: SipCall, verb: V.Transfer, legs: list[SipCall]) -> SipCall | None:
    """The first leg to answer (the rest CANCELled), or None: all failed, the ring timed
    out, the caller hung up or keyed the terminator."""
    deadline = time.monotonic() + verb.timeout

    def answered(leg: SipCall) -> bool:
        return leg.confirmed or (verb.answer_on_media and leg.codec is not None)

    while not call.ended:
        won = next((leg for leg in legs if answered(leg) and not leg.ended), None)
        if won is not None:
            for other in legs:
                if other is not won and not other.ended:
                    other.set_status("canceled", "another destination answered")
                    other.hung_up_by = "network"
                    other.hangup()
            return won
        if all(leg.ended for leg in legs):
            return None
        if verb.terminator and verb.terminator in call.digits:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            break
        call.pump(min(left, 0.05))
    return None


def _unanswered(call: SipCall, verb: V.Transfer, legs: list[SipCall]) -> V.DialOutcome:
    if call.ended:
        why, status = "the caller hung up", "canceled"
        kind = "hangup"
    elif verb.terminator and verb.terminator in call.digits:
        why, status, kind = "transfer canceled by the caller", "canceled", "canceled"
        call.digits.clear()
    else:
        why, status, kind = "no answer before the timeout", "no-answer", "no-answer"
    for leg in legs:
        if not leg.ended:
            leg.set_status(status, why)
            leg.hung_up_by = "caller" if kind != "no-answer" else "network"
            leg.hangup()  # CANCEL (RFC 3261 9.1)
    if kind != "no-answer":
        return V.DialOutcome(kind)
    statuses = [leg.status for leg in legs]
    if "busy" in statuses:
        return V.DialOutcome("busy")
    if "no-answer" in statuses:
        return V.DialOutcome("no-answer")
    return V.DialOutcome("failed")


def _talked(leg: SipCall) -> float:
    if leg.answered_at is None:
        return 0.0
    return round((leg.ended_at or time.monotonic()) - leg.answered_at, 3)
