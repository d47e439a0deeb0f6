"""Creating and changing REST resources on the simulated carrier: calls (placed with a TwiML
app for their Url or Twiml), messages, and bought phone numbers; with Twilio's validation
and, for test credentials, its magic numbers."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ....errors import MessageError
from ....sim.messaging import Message
from ....sms import segments as segment
from ..account import IncomingNumber
from ..sim.interpreter import TwimlApp
from .applications import find_application, route_number
from .media import send_at
from .messaging_services import remember, sender_for
from .resources import (
    MAGIC_AREA,
    MAGIC_BUY,
    MAGIC_CALL_FROM,
    MAGIC_CALL_TO,
    MAGIC_SMS_FROM,
    MAGIC_SMS_TO,
    MAGIC_VALID,
    RestError,
    call_json,
    message_json,
    normalize_or,
    number_json,
)

if TYPE_CHECKING:
    from ....sim.leg import Leg
    from .offline import OfflineHttpClient

MAX_BODY = 1600
EVENTS = ("initiated", "ringing", "answered", "completed")


def http_method(form: dict, key: str) -> str:
    value = str(form.get(key) or "POST").upper()
    if value not in ("GET", "POST"):
        raise RestError(400, 21209)
    return value


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return value[0] if value else None
    return value


# -- calls ----------------------------------------------------------------------------------------
def create_call(client: OfflineHttpClient, form: dict, test: bool) -> dict[str, Any]:
    acct, carrier = client.account, client.carrier
    to, from_ = _first(form.get("To")), _first(form.get("From"))
    if not to:
        raise RestError(400, 21201)
    if not from_:
        raise RestError(400, 21213)
    url, twiml = form.get("Url"), form.get("Twiml")
    if form.get("ApplicationSid"):  # the application's voice URLs handle the call
        ap = find_application(acct, form["ApplicationSid"])
        if not ap.voice_url:
            raise RestError(400, 21205)
        own = {k: v for k, v in form.items() if k not in ("Url", "Twiml", "Method")}
        form = {"Url": ap.voice_url, "Method": ap.voice_method,
                "FallbackUrl": ap.voice_fallback_url, "FallbackMethod": ap.voice_fallback_method,
                **({"StatusCallback": ap.status_callback,
                    "StatusCallbackMethod": ap.status_callback_method}
                   if ap.status_callback else {}), **own}  # fmt: skip
        url, twiml = ap.voice_url, None
    if not url and not twiml:
        raise RestError(400, 21205)
    timeout = form.get("Timeout", "60")
    if not str(timeout).isdigit() or not 1 <= int(timeout) <= 600:
        raise RestError(400, 21208)
    method = http_method(form, "Method")
    if test:
        return _test_call(client, to, from_)
    from_n = normalize_or(carrier, from_, 21212, from_=from_)
    to_n = normalize_or(carrier, to, 21211, to=to)
    if not (acct.owns(from_n) or from_n in acct.verified_caller_ids):
        raise RestError(400, 21210, from_=from_n)
    events = form.get("StatusCallbackEvent") or ["completed"]
    events = [events] if isinstance(events, str) else events
    app = TwimlApp(
        acct,
        url,
        method=method,
        twiml=twiml,
        fallback_url=form.get("FallbackUrl") or None,
        fallback_method=http_method(form, "FallbackMethod"),
        machine_detection=bool(form.get("MachineDetection")),
    )
    result = carrier.call(to_n, flow=app, from_=from_n, run=False, timeout=int(timeout))
    leg = result.leg
    assert leg is not None, "a call placed with run=False has its first leg"
    acct.call_options[leg.sid] = {"machine_detection": bool(form.get("MachineDetection"))}
    if form.get("StatusCallback"):
        acct.watch_call(
            leg,
            form["StatusCallback"],
            http_method(form, "StatusCallbackMethod"),
            [e for e in events if e in EVENTS],
        )
    return call_json(acct, leg)


def _test_call(client: OfflineHttpClient, to: str, from_: str) -> dict[str, Any]:
    """Test credentials: validated with the magic numbers, never placed."""
    code = MAGIC_CALL_FROM.get(from_, 21210)
    if code:
        raise RestError(400, code, from_=from_, to=to)
    code = MAGIC_CALL_TO.get(to)
    if code:
        raise RestError(400, code, from_=from_, to=to)
    acct, carrier = client.account, client.carrier
    leg = SimpleNamespace(
        sid=carrier.sids.new("call"),
        from_=from_,
        to=to,
        direction="outbound-api",
        status="queued",
        created=carrier.clock.now,
        start_time=None,
        answered_at=None,
        ended_at=None,
        answered_by=None,
        parent=None,
        duration=0.0,
        ended=False,
    )
    body = call_json(acct, leg)
    body["account_sid"] = acct.test_account_sid
    body["uri"] = body["uri"].replace(acct.account_sid, acct.test_account_sid)
    body["subresource_uris"] = {}
    return body


def update_call(client: OfflineHttpClient, leg: Leg, form: dict) -> dict[str, Any]:
    acct, carrier = client.account, client.carrier
    status = form.get("Status")
    url, twiml = form.get("Url"), form.get("Twiml")
    if (url or twiml) and leg.ended:
        raise RestError(400, 21220)
    if status in ("canceled", "completed") and not leg.ended:
        if not leg.answered:  # both cancel a call that is queued or ringing
            leg.hangup("api", "canceled through the REST API", status="canceled")
        elif status == "completed":
            leg.hangup("api", "ended through the REST API")
    elif status and status not in ("canceled", "completed"):
        raise RestError(400, 21220)
    if (url or twiml) and not leg.ended:
        app = TwimlApp(
            acct,
            url,
            method=http_method(form, "Method"),
            twiml=twiml,
            fallback_url=form.get("FallbackUrl"),
            fallback_method=http_method(form, "FallbackMethod"),
        )
        carrier.redirect_call(leg, app, name="twiml")
    if form.get("StatusCallback"):
        acct.watch_call(leg, form["StatusCallback"], http_method(form, "StatusCallbackMethod"))
    return call_json(acct, leg)


# -- messages -------------------------------------------------------------------------------------
def create_message(client: OfflineHttpClient, form: dict, test: bool) -> dict[str, Any]:
    acct, carrier = client.account, client.carrier
    to, from_ = _first(form.get("To")), _first(form.get("From"))
    body = form.get("Body") or ""
    if not to:
        raise RestError(400, 21604)
    service = form.get("MessagingServiceSid")
    if service and not from_ and not test:  # the service's number pool picks the sender
        from_ = sender_for(client, service, normalize_or(carrier, to, 21211, to=to))
    if not from_:
        raise RestError(400, 21603)
    if not body.strip() and not form.get("MediaUrl"):
        raise RestError(400, 21602)
    if len(body) > MAX_BODY:
        raise RestError(400, 21617)
    if test:
        for table, number in ((MAGIC_SMS_FROM, from_), (MAGIC_SMS_TO, to)):
            code = table.get(number, 21606 if table is MAGIC_SMS_FROM else None)
            if code:
                raise RestError(400, code, from_=from_, to=to)
        return _test_message(client, to, from_, body)
    from_n = normalize_or(carrier, from_, 21212, from_=from_)
    to_n = normalize_or(carrier, to, 21211, to=to)
    if not acct.owns(from_n):
        raise RestError(400, 21606, from_=from_n)
    urls = form.get("MediaUrl") or []
    urls = [urls] if isinstance(urls, str) else list(urls)
    hold = send_at(client, form)
    try:
        msg = carrier.send_message(
            body, to=to_n, from_=from_n, media=urls or None, hold_until=hold,
            direction="outbound-api",
        )  # fmt: skip
    except MessageError as exc:
        raise RestError(400, exc.code or 21602) from None
    if service:
        remember(client, msg.sid, service)
    if form.get("StatusCallback"):
        acct.watch_message(
            msg.sid, form["StatusCallback"], http_method(form, "StatusCallbackMethod")
        )
    return message_json(acct, msg)


def _test_message(client: OfflineHttpClient, to: str, from_: str, body: str) -> dict[str, Any]:
    acct, carrier = client.account, client.carrier
    seg = segment(body)  # test credentials never send: count only, as Twilio does
    segments, encoding = seg.num_segments, seg.encoding
    msg = Message(
        carrier.sids.new("message"),
        from_,
        to,
        body,
        "outbound-api",
        "queued",
        carrier.clock.now,
        num_segments=segments,
        encoding=encoding,
    )
    return message_json(acct, msg, acct.test_account_sid)


# -- phone numbers --------------------------------------------------------------------------------
def buy_number(client: OfflineHttpClient, form: dict, test: bool) -> dict[str, Any]:
    acct, carrier = client.account, client.carrier
    wanted, area = form.get("PhoneNumber"), form.get("AreaCode")
    if not wanted and not area:
        raise RestError(400, 21451)
    if test:
        code = MAGIC_BUY.get(wanted, 21422) if wanted else MAGIC_AREA.get(area or "", 21452)
        if code:
            raise RestError(400, code, area=area)

        entry = IncomingNumber(
            carrier.sids.new("number"), MAGIC_VALID, "(500) 555-0006", carrier.clock.now, test=True
        )
        return number_json(acct, entry, acct.test_account_sid)
    if wanted:
        number = normalize_or(carrier, wanted, 21421)
        if number in acct.numbers or number in carrier.apps:
            raise RestError(400, 21422)
    else:
        number = _free_number(client, str(area))
    entry = acct.add_number(number)
    configure_number(client, entry, form)
    return number_json(acct, entry)


def _free_number(client: OfflineHttpClient, area: str) -> str:
    if not (area.isdigit() and len(area) == 3):
        raise RestError(400, 21451)
    taken = set(client.account.numbers) | set(client.carrier.apps)
    rnd = random.Random(f"numbers:{client.carrier.seed}:{area}")
    for _ in range(1000):
        candidate = f"+1{area}555{rnd.randrange(100, 200):04d}"
        if candidate not in taken:
            return candidate
    raise RestError(400, 21452, area=area)


def configure_number(client: OfflineHttpClient, entry: Any, form: dict) -> None:
    """Apply VoiceUrl, SmsUrl, fallbacks and StatusCallback; route calls to the number."""
    fields = {
        "VoiceUrl": "voice_url",
        "VoiceMethod": "voice_method",
        "VoiceFallbackUrl": "voice_fallback_url",
        "VoiceFallbackMethod": "voice_fallback_method",
        "StatusCallback": "status_callback",
        "StatusCallbackMethod": "status_callback_method",
        "SmsUrl": "sms_url",
        "SmsMethod": "sms_method",
        "SmsFallbackUrl": "sms_fallback_url",
        "SmsFallbackMethod": "sms_fallback_method",
        "FriendlyName": "friendly_name",
    }
    for key in ("VoiceApplicationSid", "SmsApplicationSid"):
        if form.get(key):  # an empty value unassigns, as on Twilio
            find_application(client.account, form[key])
    for key, attr in fields.items():
        if key in form:
            value = form[key]
            setattr(entry, attr, value.upper() if attr.endswith("method") else value)
    for key, attr in (("VoiceApplicationSid", "voice_application_sid"),
                      ("SmsApplicationSid", "sms_application_sid")):  # fmt: skip
        if key in form:
            setattr(entry, attr, form[key] or None)
    route_number(client, entry)
