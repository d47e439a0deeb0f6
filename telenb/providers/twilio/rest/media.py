"""Messages' media and updates offline: the Media subresource (list, fetch, delete),
Messages update (Body="" redacts the text, Status=canceled cancels a scheduled message),
and scheduled sending (ScheduleType=fixed with SendAt, through a Messaging Service)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ....errors import MessageError
from ....sim.clock import EPOCH
from ..account import API_VERSION
from .resources import RestError, base, not_found, page

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

MIN_LEAD, MAX_LEAD = 300.0, 35 * 86400.0  # SendAt window Twilio accepts (error 35114)


def media_json(acct: Any, msg: Any, item: Any) -> dict[str, Any]:
    uri = f"{base(acct.account_sid)}/Messages/{msg.sid}/Media/{item.sid}"
    return {
        "account_sid": acct.account_sid,
        "content_type": item.content_type,
        "date_created": acct.rfc2822(item.created),
        "date_updated": acct.rfc2822(item.created),
        "parent_sid": msg.sid,
        "sid": item.sid,
        "uri": f"{uri}.json",
    }


def media(client: OfflineHttpClient, method: str, msg: Any, rest: list, query: dict, path: str):
    """/Messages/{sid}/Media(.json) and /Media/{sid}(.json)."""
    acct = client.account
    if len(rest) == 1:
        if method != "GET":
            raise not_found(path)
        items = [media_json(acct, msg, m) for m in msg.media]
        return 200, page("media_list", items[::-1], path, query)
    sid = rest[1].removesuffix(".json")
    item = next((m for m in msg.media if m.sid == sid), None)
    if item is None or len(rest) > 2:
        raise not_found(path)
    if method == "GET":
        return 200, media_json(acct, msg, item)
    if method == "DELETE":
        msg.media.remove(item)
        return 204, None
    raise not_found(path)


def update(client: OfflineHttpClient, msg: Any, form: dict) -> None:
    """POST /Messages/{sid}: redact with Body="", cancel a scheduled one with Status."""
    status = form.get("Status")
    if status is not None:
        if status != "canceled":
            raise RestError(400, 20001, detail=f"Status may only be 'canceled', not {status!r}")
        try:
            client.carrier.sms.cancel(msg)
        except MessageError:
            raise RestError(400, 30409) from None
    if form.get("Body") == "":
        if not msg.final:
            raise RestError(400, 20009)
        msg.body = ""


def send_at(client: OfflineHttpClient, form: dict) -> float | None:
    """The virtual time of a scheduled message (ScheduleType=fixed), or None."""
    kind = form.get("ScheduleType")
    if kind is None:
        return None
    if kind != "fixed":
        raise RestError(400, 35126)
    raw = form.get("SendAt")
    if not raw:
        raise RestError(400, 35111)
    if not form.get("MessagingServiceSid"):
        raise RestError(400, 35118)
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise RestError(400, 35114) from None
    t = (when - EPOCH).total_seconds()
    lead = t - client.carrier.clock.now
    if not MIN_LEAD <= lead <= MAX_LEAD:
        raise RestError(400, 35114)
    return t


__all__ = ["API_VERSION", "media", "media_json", "send_at", "update"]
