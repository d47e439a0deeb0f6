"""The NCCO ``connect`` and ``conversation`` actions.

``connect`` places a leg to a phone number (or a SIP address the carrier routes) in the same
conversation; its call events (started, ringing, answered, completed; busy, timeout, failed
where they arise) go to the action's eventUrl, or the application's event_url.  When the
callee does not answer, the next action runs; with ``eventType: synchronous`` the failure
event is a question, and an NCCO in its answer replaces the current one (NCCO reference,
"Connect" and its fallback example).  WebSocket, app and VBC endpoints need servers and
clients that do not exist offline: the attempt fails with an error event saying so.

``conversation`` joins the caller to the carrier's conference room of that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....errors import NumberError
from ....flow import verbs as V
from ...docverbs.conference import ConferenceVerb
from ...docverbs.dial import DialVerb
from ..application import FAILURES, STATUS

if TYPE_CHECKING:
    from ..ncco.parse import Action
    from .interpreter import Interpreter

RING_TIMEOUT = 60.0  # connect's default timeout
MAX_PARTICIPANTS = 50  # "you can invite up to 50 people to your Conversation"
OFFLINE = {
    "websocket": "a WebSocket endpoint needs your media server, which the offline simulator "
    "does not reach",
    "app": "an app endpoint is a Client SDK user, which the simulator does not have",
    "vbc": "a VBC extension lives on Vonage Business Cloud, which the simulator does not have",
}


def connect(interp: Interpreter, action: Action) -> list | None:
    endpoint = action.get("endpoint")[0]
    kind = endpoint.get("type", "phone")
    if kind in OFFLINE:
        interp.error(f"[{action.index}].endpoint[0]: telenb cannot connect here: {OFFLINE[kind]}")
        return None
    raw = endpoint["number"] if kind == "phone" else endpoint["uri"]
    if kind == "phone" and raw.isdigit():
        raw = "+" + raw
    try:
        address = interp.carrier.normalize(raw)
    except NumberError as exc:
        interp.error(f"[{action.index}].endpoint[0]: cannot connect to {raw!r}: {exc}")
        return None
    for key in ("machineDetection", "advanced_machine_detection", "ringbackTone"):
        if action.get(key) is not None:
            interp.warn(f"[{action.index}].{key}: telenb does not simulate it; ignored")
    if endpoint.get("onAnswer"):
        interp.warn(f"[{action.index}]: telenb does not run onAnswer NCCOs for the callee")
    if endpoint.get("dtmfAnswer"):
        interp.leg.trace("senddigits", to=address, digits=endpoint["dtmfAnswer"])
    sync = action.get("eventType") == "synchronous"
    url, method = interp.event_target(action)
    caller_id = _caller_id(interp, action)
    transfer = V.Transfer((address,), caller_id, float(action.get("timeout", RING_TIMEOUT)))
    verb = DialVerb(transfer, False, float(action.get("limit", 7200)))
    held = frozenset(FAILURES) if sync else frozenset()
    verb.on_placed = lambda legs: [
        interp.vapp.watch(leg, url, method, held=held, from_=caller_id) for leg in legs
    ]
    out = interp.perform(verb)
    if out.sid or interp.over or not sync or not verb.placed:
        return None
    child = verb.placed[0]
    status = STATUS.get(child.status or "", "failed")
    payload = interp.vapp.event_payload(child, status)
    return interp.ask(method, url, payload, f"event:{status}")


def _caller_id(interp: Interpreter, action: Action) -> str:
    """`from`, or (randomFromNumber, or nothing given) the number the app answers."""
    given = action.get("from")
    return "+" + given.lstrip("+") if given else interp.leg.to


def conversation(interp: Interpreter, action: Action) -> None:
    for key, why in (
        ("canHear", "selective audio"),
        ("canSpeak", "selective audio"),
        ("musicOnHoldUrl", "hold music"),
        ("record", "conversation recording"),
    ):
        if action.get(key) is not None:
            interp.warn(f"[{action.index}].{key}: telenb does not simulate {why}; ignored")
    if action.get("startOnEnter") is False:
        interp.warn(f"[{action.index}]: telenb starts every conversation at once (startOnEnter)")
    conf = V.Conference(action.get("name"), action.get("mute") is True, False, None, False)
    verb = ConferenceVerb(conf, action.get("endOnExit") is True, MAX_PARTICIPANTS)
    out: Any = interp.perform(verb)
    if out.detail.get("full"):
        interp.error(
            f"[{action.index}]: conversation {conf.id!r} already has "
            f"{MAX_PARTICIPANTS} participants"
        )
