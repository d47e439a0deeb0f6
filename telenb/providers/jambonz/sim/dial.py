"""dial: call phone numbers, SIP URIs or registered users; first to answer is bridged.

Each placed leg's status changes (trying, ringing, in-progress, completed; busy, no-answer,
failed) go to the call_status_hook with ``parent_call_sid``.  The caller is answered at once
unless ``answerOnBridge``.  When the dial ends the actionHook gets ``dial_call_status``,
``dial_sip_status`` and ``dial_call_sid``; verbs in its answer replace the rest of the app.
``timeout`` (ring time) defaults to 60 s, ``timeLimit`` caps the bridge.  ``amd`` runs
answering machine detection on the leg that answers (`amd.py`); verbs its actionHook
answers with end the dial and replace the application.  dial has no waitHook (the caller
hears the ringing): jambonz's verb specification refuses one as an unknown property.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....errors import NumberError
from ....flow import verbs as V
from ...docverbs.dial import DialVerb
from ..application import SIP, STATUS
from .amd import Detector

if TYPE_CHECKING:
    from ..verbs.parse import Verb
    from .interpreter import Interpreter

RING_TIMEOUT = 60.0


def address(target: dict[str, Any]) -> str:
    kind = target["type"]
    if kind == "sip":
        return target["sipUri"]
    if kind == "user":
        return target["name"]
    return target["number"]


def dial(interp: Interpreter, verb: Verb) -> list | None:
    carrier = interp.carrier
    to = []
    for i, target in enumerate(verb.get("target")):
        try:
            to.append(carrier.normalize(address(target)))
        except NumberError as exc:
            interp.warn(f"[{verb.index}].target[{i}]: cannot dial {address(target)!r}: {exc}")
    if not to:
        return None
    caller_id = verb.get("callerId") or interp.leg.from_
    transfer = V.Transfer(tuple(to), caller_id, float(verb.get("timeout", RING_TIMEOUT)))
    op = DialVerb(transfer, False, verb.get("timeLimit"), answer_on_bridge=bool(
        verb.get("answerOnBridge")))  # fmt: skip
    japp, hook, base = interp.japp, interp.app.status_hook, interp.app.base
    detector = Detector(interp, verb.get("amd")) if verb.get("amd") else None

    def placed(legs: list) -> None:
        for leg in legs:
            japp.watch(leg, hook, base, parent=interp.leg)
        if detector is not None:
            detector.placed = list(legs)

    op.on_placed = placed
    if detector is not None:
        carrier.status_listeners.append(detector.on_status)
    try:
        out = interp.perform(op)
    finally:
        if detector is not None:
            carrier.status_listeners.remove(detector.on_status)
            detector.stop()
    if detector is not None and detector.replacement is not None:
        return detector.replacement
    if interp.over and out.kind == "hangup" and not out.sid:
        return None
    payload = interp.info()
    child = next((leg for leg in op.placed if leg.sid == out.sid), None)
    if child is None and op.placed:
        child = op.placed[-1]
    if child is not None:
        status = "completed" if out.sid else STATUS.get(child.status or "", "failed")
        payload |= {
            "dial_call_status": status,
            "dial_sip_status": 200 if out.sid else SIP.get(status, (503, ""))[0],
            "dial_call_sid": japp.call_sid(child),
        }
    else:
        payload |= {"dial_call_status": "failed", "dial_sip_status": 503}
    hook = verb.get("actionHook")
    if not hook or interp.over:
        return None
    return interp.ask(hook, payload, "actionHook:dial")
