"""`transfer` on a real SIP call: telenb as a B2BUA, the caller bridged to a second leg.

The worker places an INVITE to each destination (all at once; the first to answer wins and
the others are CANCELled, as on the simulator), then connects the two calls' audio both
ways in pjmedia's conference bridge.  The second leg is a `SipCall` of direction
``outbound-dial`` sharing the caller's event queue and trace, so the trace records its
statuses exactly as the simulator's does for its child leg.  Outcomes are the simulator's
`DialOutcome`s: ``answered`` once the callee hangs up (the flow goes on with the caller),
``hangup`` when the caller does (the callee gets a BYE), ``busy`` / ``failed`` /
``no-answer`` / ``canceled`` when nobody answered.

With ``connect("sip", transfer="refer")`` a transfer to one target is first a blind transfer
(RFC 3515, as RFC 5589 4 describes it): a REFER with Refer-To in the caller's dialog; the
caller's phone answers 202 and reports its own call to the target in NOTIFYs carrying a
message/sipfrag status line; on a final 2xx telenb leaves the call with a BYE.  A phone that
refuses REFER (405 Method Not Allowed, 501 Not Implemented, 603 Decline) gets the B2BUA.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

from ...errors import FlowError
from ...flow import verbs as V

if TYPE_CHECKING:
    from .session import SipCall

REFER_REFUSED = frozenset({405, 420, 501, 603})  # the phone will not transfer: bridge instead
BUSY, NO_ANSWER = frozenset({486, 600, 603}), frozenset({408, 480, 487})


def transfer(call: SipCall, verb: V.Transfer) -> V.DialOutcome:
    """Ring `verb.to`, bridge the first to answer, and wait until either side hangs up."""
    if verb.record:
        raise FlowError("the SIP backend cannot record a transfer yet (record=True)")
    backend = call.backend
    targets = [backend.check_target(to) for to in verb.to]  # all refused before any INVITE
    call.trace("transfer", to=", ".join(targets), timeout=verb.timeout)
    if backend.transfer == "refer" and len(targets) == 1:
        outcome = _refer(call, verb, targets[0])
        if outcome is not None or call.ended:
            return outcome or V.DialOutcome("hangup")
    # what the caller hears while it rings: rendered first, so a bad one rings nobody
    ring = call.render(V.Say(verb.ring_audio))[0] if verb.ring_audio else None
    legs = [backend.place(to, verb.headers, "outbound-dial", parent=call) for to in targets]
    if ring is not None:
        call.trace("play", url=verb.ring_audio, why="while ringing")
        path = ring
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


def _refer(call: SipCall, verb: V.Transfer, target: str) -> V.DialOutcome | None:
    """Blind transfer by REFER; None when the phone refused it (then the B2BUA is used)."""
    call.refer_statuses.clear()
    seed = f"{call.sid}:refer:{target}:{len(call.trace_log)}"
    call.refer_leg = ("CA" + hashlib.sha256(seed.encode()).hexdigest()[:32], "")
    call.refer_target = target
    call.trace("refer", to=target)
    call.send("refer", uri=target)

    def final() -> bool:
        return any(f for _, f in call.refer_statuses)

    # the target rings for up to `timeout`; the phone's NOTIFYs need a little more
    if not call.wait_until(final, verb.timeout + 5.0):
        if call.ended:  # the phone left the call: the transfer went ahead or it hung up
            return V.DialOutcome("hangup")
        call.trace("refer-timeout", after=verb.timeout + 5.0)
        return V.DialOutcome("no-answer")
    code = next(c for c, f in call.refer_statuses if f)
    progress = [c for c, f in call.refer_statuses if not f]
    leg = call.refer_leg[0] if call.refer_leg and call.refer_leg[1] else None
    call.refer_leg = None
    if code in REFER_REFUSED and not progress:  # the REFER's own final answer
        call.trace("refer-refused", code=code, then="b2bua")
        return None
    if 200 <= code < 300:  # the target answered the phone: telenb leaves the call
        call.end_cause = f"transferred by REFER to {target}"
        call.hangup()
        return V.DialOutcome("answered", leg, ended_by="transfer")
    if code in BUSY:
        return V.DialOutcome("busy")
    if code in NO_ANSWER:
        return V.DialOutcome("no-answer")
    return V.DialOutcome("failed")


def refer_progress(call: SipCall, code: int, final: bool) -> None:
    """The phone's call to the REFER's target, as a leg's statuses in the trace: its NOTIFYs'
    sipfrag status lines (100 Trying, 180 Ringing, 200 OK or a failure) mapped as Twilio's."""
    if call.refer_leg is None:
        return
    sid, last = call.refer_leg
    if final and not last and code >= 300:  # the REFER itself was refused: no call was made
        return
    if code < 180 and not final:
        status = "initiated"
    elif code < 200:
        status = "ringing"
    elif code < 300:
        status = "in-progress"
    else:
        status = "busy" if code in BUSY else "no-answer" if code in NO_ANSWER else "failed"
    if status == last or code == 202:  # 202 is the REFER's own acceptance, not the call's
        return
    data: dict[str, object] = {"status": status}
    if status == "initiated" or not last:
        data.update({"from": call.from_, "to": call.refer_target})
    if status in ("busy", "no-answer", "failed"):
        data["cause"] = f"SIP {code} (the transferee's NOTIFY)"
    call.trace_log.add(round(time.monotonic() - call.t0, 3), sid, "status", **data)
    call.refer_leg = (sid, status)
