"""Twilio REST resources as JSON, from the simulated carrier's records, plus the rules for
creating them: required parameters, number checks, and test-credential magic numbers.

The JSON has Twilio's field names and formats (RFC 2822 dates, durations as strings,
``uri`` and ``subresource_uris``), so the twilio SDK builds its own objects from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ....errors import NumberError
from ..account import API_VERSION, SimAccount, _friendly
from ..sim.recordings import SOURCES, seconds
from .state import service_of

if TYPE_CHECKING:
    from types import SimpleNamespace

    from ....sim.carrier import Carrier
    from ....sim.leg import Leg

# Test credentials' magic numbers (twilio.com/docs/iam/test-credentials), number -> error code
MAGIC_CALL_FROM = {"+15005550001": 21212, "+15005550006": None}
MAGIC_CALL_TO = {"+15005550001": 21217, "+15005550002": 21214, "+15005550003": 21215,
                 "+15005550004": 21216}  # fmt: skip
MAGIC_SMS_FROM = {"+15005550001": 21212, "+15005550006": None, "+15005550007": 21606,
                  "+15005550008": 21611}  # fmt: skip
MAGIC_SMS_TO = {"+15005550001": 21211, "+15005550002": 21612, "+15005550003": 21408,
                "+15005550004": 21610, "+15005550009": 21614}  # fmt: skip
MAGIC_BUY = {"+15005550000": 21422, "+15005550001": 21421, "+15005550006": None}
MAGIC_AREA = {"533": 21452, "500": None}
MAGIC_VALID = "+15005550006"

MESSAGES = {
    20003: "Authenticate",
    20008: "Resource not accessible with Test Account Credentials",
    20404: "The requested resource {path} was not found",
    21201: "No 'To' number is specified",
    21205: "Url parameter is required.",
    21208: "Timeout must be an integer between 1 and 600 seconds.",
    21209: "Method must be GET or POST.",
    21210: "The source phone number provided, {from_}, is not yet verified for your account. "
    "You may only make calls from phone numbers that you've verified or purchased from Twilio.",
    21211: "The 'To' number {to} is not a valid phone number.",
    21212: "The 'From' number {from_} is not a valid phone number, shortcode, or alphanumeric "
    "sender ID.",
    21213: "'From' phone number is required.",
    21214: "'To' phone number cannot be reached.",
    21215: "Account not authorized to call {to}.",
    21216: "Account not allowed to call {to}.",
    21217: "Phone number does not appear to be valid.",
    21218: "Invalid ApplicationSid",
    21220: "Call is not in-progress. Cannot redirect.",
    16108: "Request failed due to concurrent recordings",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' "
    "number: {to}.",
    21421: "PhoneNumber is invalid.",
    21422: "PhoneNumber is not available.",
    21451: "Invalid area code.",
    21452: "No phone numbers found in area code {area}.",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21606: "The From phone number {from_} is not a valid, SMS-capable inbound phone number or "
    "short code for your account.",
    21610: "Attempt to send to unsubscribed recipient",
    21611: "This 'From' number has exceeded the maximum number of queued messages",
    21612: "The 'To' phone number: {to}, is not currently reachable using the 'From' phone "
    "number: {from_} via SMS.",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21620: "Invalid media URL(s)",
    21623: "Number of media files exceeds allowed limit",
    20001: "{detail}",
    20009: "Cannot delete message because delivery has not been completed.",
    30409: "Message cannot be canceled: it is not scheduled.",
    35111: "SendAt timestamp is missing",
    35114: "Scheduling does not support this timestamp",
    35118: "MessagingServiceSid is required to schedule a message",
    35126: "The ScheduleType value provided is not supported for this channel",
}


class RestError(Exception):
    """A Twilio REST error response: HTTP status, Twilio code, message."""

    def __init__(self, status: int, code: int, **fmt: Any):
        self.status, self.code = status, code
        self.message = MESSAGES.get(code, "error").format(**{"path": "", **fmt})
        super().__init__(f"{status} {code}: {self.message}")

    def payload(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


def base(account_sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}"


# -- JSON shapes ----------------------------------------------------------------------------------
def call_json(acct: SimAccount, leg: Leg | SimpleNamespace) -> dict[str, Any]:
    uri = f"{base(acct.account_sid)}/Calls/{leg.sid}"
    ended = leg.ended
    number = acct.numbers.get(leg.to if leg.direction == "inbound" else leg.from_)
    options = acct.call_options.get(leg.sid, {})
    changed = leg.ended_at if ended else (leg.answered_at or leg.created)
    return {
        "account_sid": acct.account_sid,
        "annotation": None,
        "answered_by": leg.answered_by if options.get("machine_detection") else None,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": acct.rfc2822(leg.created),
        "date_updated": acct.rfc2822(changed),
        "direction": leg.direction,
        "duration": str(round(leg.duration)) if ended else None,
        "end_time": acct.rfc2822(leg.ended_at),
        "forwarded_from": None,
        "from": leg.from_,
        "from_formatted": _friendly(leg.from_),
        "group_sid": None,
        "parent_call_sid": leg.parent.sid if leg.parent else None,
        "phone_number_sid": number.sid if number else None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": leg.sid,
        "start_time": acct.rfc2822(leg.start_time),
        "status": leg.status,
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
            "events": f"{uri}/Events.json",
        },
        "to": leg.to,
        "to_formatted": _friendly(leg.to),
        "trunk_sid": None,
        "uri": f"{uri}.json",
    }


def message_json(acct: SimAccount, msg: Any, account_sid: str | None = None) -> dict[str, Any]:
    sid = account_sid or acct.account_sid
    uri = f"{base(sid)}/Messages/{msg.sid}"
    sent = next((t for t, s in msg.history if s == "sent"), None)
    updated = msg.history[-1][0] if msg.history else msg.created
    return {
        "account_sid": sid,
        "api_version": API_VERSION,
        "body": msg.body,
        "date_created": acct.rfc2822(msg.created),
        "date_sent": acct.rfc2822(sent),
        "date_updated": acct.rfc2822(updated),
        "direction": msg.direction,
        "error_code": msg.error_code,
        "error_message": msg.error_message,
        "from": msg.from_,
        "messaging_service_sid": service_of(acct, msg.sid),
        "num_media": str(len(getattr(msg, "media", ()))),
        "num_segments": str(msg.num_segments),
        "price": _price(msg),
        "price_unit": "USD",
        "sid": msg.sid,
        "status": msg.status,
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": msg.to,
        "uri": f"{uri}.json",
    }


def _price(msg: Any) -> str | None:
    """Twilio's price: negative (a charge), known once the message has gone."""
    price = getattr(msg, "price", None)
    if price is None or msg.status in ("queued", "scheduled", "accepted", "canceled"):
        return None
    return str(-price) if price else "0.00"


def number_json(acct: SimAccount, entry: Any, account_sid: str | None = None) -> dict[str, Any]:
    sid = account_sid or acct.account_sid
    return {
        "account_sid": sid,
        "address_requirements": "none",
        "address_sid": None,
        "api_version": API_VERSION,
        "beta": False,
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
        "date_created": acct.rfc2822(entry.created),
        "date_updated": acct.rfc2822(entry.created),
        "emergency_status": "Inactive",
        "friendly_name": entry.friendly_name,
        "identity_sid": None,
        "origin": "twilio",
        "phone_number": entry.phone_number,
        "sid": entry.sid,
        "sms_application_sid": entry.sms_application_sid,
        "sms_fallback_method": entry.sms_fallback_method,
        "sms_fallback_url": entry.sms_fallback_url,
        "sms_method": entry.sms_method,
        "sms_url": entry.sms_url,
        "status": "in-use",
        "status_callback": entry.status_callback,
        "status_callback_method": entry.status_callback_method,
        "trunk_sid": None,
        "uri": f"{base(sid)}/IncomingPhoneNumbers/{entry.sid}.json",
        "voice_application_sid": entry.voice_application_sid,
        "voice_caller_id_lookup": False,
        "voice_fallback_method": entry.voice_fallback_method,
        "voice_fallback_url": entry.voice_fallback_url,
        "voice_method": entry.voice_method,
        "voice_url": entry.voice_url,
    }


def recording_json(acct: SimAccount, rec: Any) -> dict[str, Any]:
    """A finished recording; one the API started says how far its processing is (`meta`)."""
    uri = f"{base(acct.account_sid)}/Recordings/{rec.sid}"
    meta = rec.meta
    return {
        "account_sid": acct.account_sid,
        "api_version": API_VERSION,
        "call_sid": rec.call_sid,
        "channels": rec.channels,
        "conference_sid": None,
        "date_created": acct.rfc2822(rec.started_at + rec.duration),
        "date_updated": acct.rfc2822(rec.started_at + rec.duration),
        "duration": str(seconds(rec)),
        "error_code": meta.get("error_code"),
        "media_url": meta.get("twilio_url"),
        "price": None,
        "price_unit": "USD",
        "sid": rec.sid,
        "source": SOURCES.get(rec.source, "DialVerb"),
        "start_time": acct.rfc2822(rec.started_at),
        "status": meta.get("twilio_status", "completed"),
        "subresource_uris": {"transcriptions": f"{uri}/Transcriptions.json"},
        "track": meta.get("track", "both"),
        "uri": f"{uri}.json",
    }


def page(key: str, items: list[dict[str, Any]], path: str, query: dict[str, str]) -> dict[str, Any]:
    """One page of a list, with Twilio's paging fields (newest first, PageSize, Page)."""
    try:
        size = min(max(int(query.get("PageSize", 50)), 1), 1000)
        number = max(int(query.get("Page", 0)), 0)
    except ValueError:
        size, number = 50, 0
    start = number * size
    chunk = items[start : start + size]
    filters = urlencode(sorted((k, v) for k, v in query.items() if k not in _PAGING))
    prefix = f"{path}?{filters + '&' if filters else ''}PageSize={size}"
    more = start + size < len(items)
    return {
        key: chunk,
        "end": start + len(chunk) - 1 if chunk else start,
        "first_page_uri": f"{prefix}&Page=0",
        "next_page_uri": f"{prefix}&Page={number + 1}&PageToken=PA{number + 1}" if more else None,
        "page": number,
        "page_size": size,
        "previous_page_uri": f"{prefix}&Page={number - 1}" if number else None,
        "start": start,
        "uri": f"{prefix}&Page={number}",
    }


_PAGING = ("PageSize", "Page", "PageToken")


def not_found(path: str, why: str | None = None) -> RestError:
    """Twilio's 404 (20404) for `path`, with telenb's reason when it is ours."""
    err = RestError(404, 20404, path=path)
    if why:
        err.message += f" ({why})"
    return err


def normalize_or(carrier: Carrier, number: str, code: int, **fmt: Any) -> str:
    """The number in E.164, or Twilio's 400 with `code` (21211 To, 21212 From...)."""
    try:
        return carrier.normalize(number)
    except NumberError:
        raise RestError(400, code, **fmt) from None
