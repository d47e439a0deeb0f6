"""The Message API offline: send SMS from the account's numbers, retrieve one message detail
record by message_uuid, list them (filters message_direction and message_state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....errors import MessageError
from ..application import PlivoApplication
from ..messaging import e164, message_uuid, send_sms, state
from .resources import RestError, message_json, page

if TYPE_CHECKING:
    from ....sim.messaging import Message

MAX_TEXT = 1600  # GSM characters Plivo accepts in one message
MAX_MEDIA = 10  # media URLs in one MMS


def create_message(papp: PlivoApplication, body: dict[str, Any]) -> dict[str, Any]:
    """POST Message/: queue `text` from `src` to each `dst`; `url`/`method` hear the
    delivery reports.  ``type`` mms with ``media_urls`` sends an MMS (text optional).
    Answers 202 "message(s) queued" with the message_uuid list."""
    if body.get("powerpack_uuid"):
        raise RestError(400, "powerpack_uuid: Powerpacks are not simulated, give src")
    src, dst, text = body.get("src"), body.get("dst"), body.get("text")
    if not src:
        raise RestError(400, "src parameter is required")
    if not dst:
        raise RestError(400, "dst parameter is required")
    kind = str(body.get("type") or "sms")
    if kind not in ("sms", "mms"):
        raise RestError(400, f"type {kind!r}: only sms and mms are simulated offline")
    media = body.get("media_urls") or []
    if body.get("media_ids"):
        raise RestError(400, "media_ids: uploaded media are not simulated, give media_urls")
    if kind == "sms" and media:
        raise RestError(400, "media_urls are for type mms")
    if kind == "mms" and not media:
        raise RestError(400, "media_urls: an mms needs at least one media URL")
    if not isinstance(media, list) or len(media) > MAX_MEDIA:
        raise RestError(400, f"media_urls: a list of at most {MAX_MEDIA} URLs")
    if kind == "sms" and (not text or not str(text).strip()):
        raise RestError(400, "text parameter is required")
    if len(str(text)) > MAX_TEXT:
        raise RestError(400, f"text is longer than {MAX_TEXT} characters")
    sender = e164(str(src))
    if sender not in papp.numbers:
        raise RestError(400, f"src {src!r} is not a Plivo number of this account")
    method = str(body.get("method") or "POST").upper()
    if method not in ("GET", "POST"):
        raise RestError(400, "method must be GET or POST")
    try:
        sent = send_sms(papp, str(text or ""), sender, str(dst), url=body.get("url"),
                        method=method, media=[str(u) for u in media] or None)  # fmt: skip
    except MessageError as exc:
        raise RestError(400, str(exc)) from None
    return {
        "api_id": papp.api_id(),
        "message": "message(s) queued",
        "message_uuid": [message_uuid(m) for m in sent],
    }


def _ours(papp: PlivoApplication) -> list[Message]:
    """The account's messages: sent from or received on its numbers, newest first."""
    numbers, known = papp.numbers, papp.messages
    return [
        m
        for m in reversed(papp.carrier.messages)
        if m.from_ in numbers or m.to in numbers or message_uuid(m) in known
    ]


def get_message(papp: PlivoApplication, uuid: str) -> dict[str, Any]:
    for msg in _ours(papp):
        if message_uuid(msg) == uuid:
            return message_json(papp, msg)
    raise RestError(404, "message not found")


def list_messages(papp: PlivoApplication, query: dict[str, str]) -> dict[str, Any]:
    messages = _ours(papp)
    if query.get("message_direction"):
        inbound = query["message_direction"] == "inbound"
        messages = [m for m in messages if (m.direction == "inbound") == inbound]
    if query.get("message_state"):
        messages = [m for m in messages if state(m) == query["message_state"]]
    return page(papp, "Message", [message_json(papp, m) for m in messages], query)
