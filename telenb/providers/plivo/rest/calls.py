"""The Call API offline: make a call (its answer_url's XML runs on the carrier), find one by
its CallUUID or request_uuid, list CDRs or live calls, transfer, hang up or cancel, send
digits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....errors import TelenbError
from ....sim.media import Prompt
from ..application import PlivoApplication
from ..sim.dtmf import VALID, schedule
from ..sim.interpreter import PlivoXmlApp
from .resources import RestError, call_json, page, request_uuid

if TYPE_CHECKING:
    from ....sim.leg import Leg

RING_TIMEOUT = 120  # seconds Plivo lets an outbound call ring by default


def _method(body: dict[str, Any], key: str) -> str:
    value = str(body.get(key) or "POST").upper()
    if value not in ("GET", "POST"):
        raise RestError(400, f"{key} must be GET or POST")
    return value


def _number(papp: PlivoApplication, raw: str, key: str) -> str:
    raw = str(raw).strip()
    if raw.startswith("sip:"):
        return raw
    digits = "".join(ch for ch in raw if ch.isalnum())
    try:
        return papp.carrier.normalize("+" + digits if digits.isdigit() else raw)
    except TelenbError as exc:
        raise RestError(400, f"{key} {raw!r} is not a valid number: {exc}") from None


def create_call(papp: PlivoApplication, body: dict[str, Any]) -> dict[str, Any]:
    """POST Call/: place one call per destination ('<'-separated); each fetches answer_url
    once answered.  The answer names the calls by request_uuid ("call fired")."""
    for key in ("from", "to", "answer_url"):
        if not body.get(key):
            raise RestError(400, f"{key} parameter is required")
    answer_method = _method(body, "answer_method")
    hangup_url, hangup_method = body.get("hangup_url"), _method(body, "hangup_method")
    try:
        ring_timeout = int(body.get("ring_timeout") or RING_TIMEOUT)
    except (TypeError, ValueError):
        raise RestError(400, "ring_timeout must be an integer") from None
    from_ = _number(papp, body["from"], "from")
    targets = [_number(papp, t, "to") for t in str(body["to"]).split("<") if t.strip()]
    if from_ in targets:
        raise RestError(400, "from and to cannot be the same number")
    uuids = []
    for to in targets:
        app = PlivoXmlApp(
            papp,
            str(body["answer_url"]),
            answer_method=answer_method,
            hangup_url=hangup_url,
            hangup_method=hangup_method,
            name="plivo:api",
        )
        result = papp.carrier.call(to, flow=app, from_=from_, run=False, timeout=ring_timeout)
        leg = result.leg
        assert leg is not None, "a call placed with run=False has its first leg"
        if hangup_url:  # the Hangup event comes whether or not the call is answered
            papp.hangup_urls[leg.sid] = (str(hangup_url), hangup_method)
        uuids.append(request_uuid(leg))
    return {
        "api_id": papp.api_id(),
        "message": "call fired",
        "request_uuid": uuids[0] if len(uuids) == 1 else uuids,
    }


def find_leg(papp: PlivoApplication, call_uuid: str) -> Leg:
    for leg in papp.carrier.legs:
        if call_uuid in (papp.uuid(leg), request_uuid(leg)):
            return leg
    raise RestError(404, "call not found")


def list_calls(papp: PlivoApplication, query: dict[str, str]) -> dict[str, Any]:
    """GET Call/: CDRs of ended calls, newest first (filters call_direction, from_number,
    to_number); with status=live, the CallUUIDs of the calls in progress."""
    legs = list(papp.carrier.legs)
    if query.get("status") == "live":
        return {"api_id": papp.api_id(), "calls": [papp.uuid(leg) for leg in legs if not leg.ended]}
    records = [call_json(papp, leg) for leg in reversed(legs) if leg.ended]
    for key in ("call_direction", "from_number", "to_number"):
        if query.get(key):
            wanted = query[key].lstrip("+")
            records = [r for r in records if str(r[key]).lstrip("+") == wanted]
    return page(papp, "Call", records, query)


LEGS = ("aleg", "bleg", "both")


def transfer(papp: PlivoApplication, leg: Leg, body: dict[str, Any]) -> dict[str, Any]:
    """POST Call/{uuid}/: transfer a call in progress to new XML.  ``legs`` is aleg (the
    default: this call), bleg (the call bridged to it) or both; each named leg stops what it
    runs and fetches its URL (aleg_url, bleg_url; aleg_method, bleg_method POST by default).
    Moving one leg of a bridge alone ends the other (the simulator's redirect rule).  Plivo
    answers 202 with "call transfered" (its spelling)."""
    legs = str(body.get("legs") or "aleg")
    if legs not in LEGS:
        raise RestError(400, "legs must be aleg, bleg or both")
    if leg.ended:
        raise RestError(404, "call not found: it is not in progress")
    moves: list[tuple[Leg, str, str]] = []
    for which, target in (("aleg", leg), ("bleg", leg.peer)):
        if legs not in (which, "both"):
            continue
        url = body.get(f"{which}_url")
        if not url:
            raise RestError(400, f"{which}_url is required when legs is {legs}")
        if target is None or target.ended:
            raise RestError(404, "call not found: there is no bridged leg (bleg)")
        moves.append((target, str(url), _method(body, f"{which}_method")))
    peer = leg.peer
    if len(moves) == 2 and peer is not None:  # both go on, each with its own XML: unbridge
        leg.peer = peer.peer = None  # first, or moving one would hang up the other
        leg.trace("unbridge", by="transfer")
    for target, url, method in moves:
        app = PlivoXmlApp(papp, url, answer_method=method, name="plivo:transfer")
        papp.carrier.redirect_call(target, app, name="plivo")
    return {"api_id": papp.api_id(), "message": "call transfered"}


def hangup(papp: PlivoApplication, leg: Leg) -> None:
    """DELETE Call/{uuid}/: hang up a call in progress, or cancel one still ringing."""
    if leg.ended:
        raise RestError(404, "call not found: it is not in progress")
    leg.hangup("api", "hung up through the Call API")


def send_digits(papp: PlivoApplication, leg: Leg, body: dict[str, Any]) -> dict[str, Any]:
    """POST Call/{uuid}/DTMF/: tones to the party on the A leg (or, with leg=bleg, on the
    call it is bridged to)."""
    digits = str(body.get("digits") or "")
    if not digits or set(digits) - VALID:
        raise RestError(400, "digits must be 0-9, *, # (w and W pause)")
    target = leg.peer if body.get("leg") == "bleg" else leg
    if leg.ended or target is None or target.ended:
        raise RestError(404, "call not found: it is not in progress")
    keys, total = schedule(digits)
    prompt = Prompt(f"<dtmf {digits}>", total, start=papp.carrier.clock.now)
    target.trace("dtmf", digits="".join(k for _, k in keys), sent=digits, by="api", duration=total)
    if target.party is not None:
        target.party.on_prompt(target, prompt)
    return {"api_id": papp.api_id(), "message": "digits sent"}
