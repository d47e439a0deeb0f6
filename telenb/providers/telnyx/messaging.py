"""Telnyx messaging on the simulated carrier: ``POST /v2/messages`` and the messaging
profile's webhooks, ``message.received``, ``message.sent`` and ``message.finalized``.

    telnyx_messaging(carrier, "+15550100", flask_app, webhook_url="/messaging/inbound")
    send_message(telnyx_account(carrier), {"from": "+15550100", "to": "+15550123",
                                           "text": "Hi"})          # -> (200, {"data": ...})

From Telnyx's docs ("Receiving Webhooks for Messaging", the callback references for
inboundMessage and deliveryUpdate, "Send a message", the messaging error codes):

- every webhook is a JSON POST of ``{"data": {"event_type", "id", "occurred_at",
  "payload", "record_type": "event"}, "meta": {"attempt", "delivered_to"}}``, signed with
  Ed25519 over ``<telnyx-timestamp>|<body>`` (`signing.py`, as TeXML's callbacks are);
- the payload is the message record: record_type "message", direction, id, type (SMS or
  MMS), messaging_profile_id, from {phone_number, carrier, line_type}, to [{phone_number,
  status, carrier, line_type}], cc, text, media, encoding, parts, cost, errors...;
- an outbound message is ``queued`` in the API's answer, ``sent`` in message.sent, and
  ``delivered``, ``delivery_failed`` or ``sending_failed`` in message.finalized, whose
  errors name the 40xxx delivery error;
- webhooks go to the message's webhook_url, else the messaging profile's; a URL that does
  not answer 2xx is tried up to 3 times, then the failover URL (the tries happen at once
  here, not spaced out).
The messages are the carrier's own, so they show in the trace and in ``carrier.messages``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import CallEnded, MessageError
from ..webhooks.json_apps import mount
from ..webhooks.web import Unreachable, absolute
from .account import NAMESPACE, TelnyxAccount, telnyx_account
from .signing import sign

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.messaging import Message

ATTEMPTS = 3  # per URL, before the failover URL
TIMEOUT = 2.0  # seconds Telnyx gives a webhook to answer
CARRIER_NAME, PHONE_CARRIER = "TELNYX LLC", "telenb simulated carrier"
# telenb's delivery faults (Twilio's codes) -> Telnyx's delivery errors (40xxx)
DELIVERY_ERRORS = {
    30001: ("40011", "Rate limit"),
    30003: ("40006", "Recipient unavailable"),
    30004: ("40004", "Rejected by destination"),
    30005: ("40008", "Undeliverable"),
    30006: ("40001", "Not routable"),
    30007: ("40002", "Blocked as spam (temporary)"),
}


@dataclass
class Profile:
    """A messaging profile: where its numbers' webhooks go."""

    webhook_url: str | None
    failover_url: str | None = None


@dataclass
class MessagingState:
    profiles: dict[str, Profile] = field(default_factory=dict)  # number -> its profile
    hooks: dict[str, Profile] = field(default_factory=dict)  # message sid -> per-message URLs
    events: int = 0


def state(account: TelnyxAccount) -> MessagingState:
    found = getattr(account, "_messaging", None)
    if found is None:
        found = MessagingState()
        setattr(account, "_messaging", found)  # noqa: B010
        sms = account.carrier.sms
        sms.text_webhooks.append(lambda number: _inbound_hook(account, number))
        sms.owners.append(lambda number: number in found.profiles)
    return found


def telnyx_messaging(
    carrier: Carrier,
    number: str,
    source: Any,
    *,
    webhook_url: str = "/webhooks",
    webhook_failover_url: str | None = None,
    base_url: str | None = None,
    kind: str | None = None,
) -> TelnyxAccount:
    """Serve `source` (WSGI, ASGI, callable, dict of paths, loopback URL) as the messaging
    profile webhook of `number`: texts to it arrive as message.received."""
    account = telnyx_account(carrier)
    num = carrier.normalize(number)
    url = mount(account, source, num, url=webhook_url, base_url=base_url, kind=kind)
    state(account).profiles[num] = Profile(url, absolute(webhook_failover_url, url))
    return account


def profile_id(account: TelnyxAccount) -> str:
    return str(uuid.uuid5(NAMESPACE, f"messaging-profile:{account.account_sid}"))


def message_id(msg: Message) -> str:
    return str(uuid.uuid5(NAMESPACE, f"message:{msg.sid}"))


def _time(account: TelnyxAccount, t: float | None) -> str | None:
    return None if t is None else account.datetime(t).isoformat(timespec="milliseconds")


def _party(account: TelnyxAccount, number: str, status: str | None = None) -> dict[str, Any]:
    ours = number in state(account).profiles or number in account.numbers
    out: dict[str, Any] = {"phone_number": number}
    if status is not None:
        out["status"] = status
    out["carrier"] = CARRIER_NAME if ours else PHONE_CARRIER
    out["line_type"] = "VoIP" if ours else "Wireless"
    return out


def to_status(msg: Message) -> str:
    """The to[].status Telnyx reports for the carrier's status of `msg`."""
    if msg.direction == "inbound":
        return "delivered"
    if msg.status == "failed":
        return "sending_failed"
    if msg.status == "undelivered":
        return "delivery_failed"
    return {"sent": "sent", "delivered": "delivered", "sending": "sending"}.get(
        msg.status, "queued"
    )


def record(account: TelnyxAccount, msg: Message) -> dict[str, Any]:
    """The message record (the payload of every messaging webhook and the API's data)."""
    hooks = state(account).hooks.get(msg.sid) or state(account).profiles.get(
        msg.from_ if msg.outbound else msg.to
    )
    history = dict((s, t) for t, s in msg.history)
    final = next((history[s] for s in ("delivered", "undelivered", "failed") if s in history), None)
    errors = []
    if msg.status in ("failed", "undelivered"):
        code, title = DELIVERY_ERRORS.get(msg.error_code or 0, ("40008", "Undeliverable"))
        errors.append({"code": code, "title": title, "detail": msg.error_message or title})
    cost = f"{msg.price or 0:.4f}"
    return {
        "record_type": "message",
        "direction": "inbound" if msg.direction == "inbound" else "outbound",
        "id": message_id(msg),
        "type": "MMS" if msg.media else "SMS",
        "messaging_profile_id": profile_id(account),
        "organization_id": str(uuid.uuid5(NAMESPACE, f"organization:{account.account_sid}")),
        "from": _party(account, msg.from_),
        "to": [_party(account, msg.to, to_status(msg))],
        "cc": [],
        "text": msg.body,
        "subject": None,
        "media": [
            {"url": m.url, "content_type": m.content_type, "sha256": None, "size": None}
            for m in msg.media
        ],
        "webhook_url": hooks.webhook_url if hooks else None,
        "webhook_failover_url": hooks.failover_url if hooks else None,
        "encoding": msg.encoding,
        "parts": msg.num_segments,
        "tags": [],
        "cost": {"amount": cost, "currency": msg.price_unit},
        "received_at": _time(account, msg.created),
        "sent_at": _time(account, history.get("sent")),
        "completed_at": _time(account, final),
        "valid_until": None,
        "errors": errors,
    }


def deliver(account: TelnyxAccount, event_type: str, msg: Message, hooks: Profile) -> bool:
    """One event to the webhook URL (3 tries), then the failover URL; True once a 2xx."""
    st = state(account)
    st.events += 1
    event = {
        "event_type": event_type,
        "id": str(uuid.uuid5(NAMESPACE, f"event:{msg.sid}:{st.events}")),
        "occurred_at": _time(account, account.carrier.clock.now),
        "payload": record(account, msg),
        "record_type": "event",
    }
    attempt = 0
    for url in [u for u in (hooks.webhook_url, hooks.failover_url) if u]:
        for _ in range(ATTEMPTS):
            attempt += 1
            body = {"data": event, "meta": {"attempt": attempt, "delivered_to": url}}
            if _post(account, url, body, msg.sid, event_type):
                return True
    carrier = account.carrier
    carrier.trace.add(
        carrier.clock.now, msg.sid, "warning", code=None,
        message=f"{event_type} not delivered after {attempt} attempt(s)",
    )  # fmt: skip
    return False


def _post(account: TelnyxAccount, url: str, body: dict[str, Any], sid: str, purpose: str) -> bool:
    raw = json.dumps(body, separators=(",", ":")).encode()
    stamp = int(account.datetime().timestamp())
    headers = {"Content-Type": "application/json", "User-Agent": "telenb-sim (Telnyx messaging)"}
    headers |= sign(account.signing_key, stamp, raw)
    carrier = account.carrier
    status: int | None = None
    problem = None
    try:
        response = account.web.request(
            "POST", url, body=raw, headers=headers, form=list(body.items()), timeout=TIMEOUT
        )
        status = response.status
    except CallEnded:
        raise
    except Unreachable as exc:
        problem = str(exc)
    except Exception as exc:  # the app blew up: a server would answer 500
        status, problem = 500, str(exc)
    carrier.trace.add(
        carrier.clock.now, sid, "webhook", method="POST", url=url, purpose=purpose,
        params=body, status=status, error=problem,
    )  # fmt: skip
    return status is not None and 200 <= status < 300


class _Reporter:
    """A sent message's status callback: message.sent, then message.finalized."""

    def __init__(self, account: TelnyxAccount, hooks: Profile):
        self.account, self.hooks = account, hooks
        self.msg: Message | None = None

    def __call__(self, _twilio_params: dict[str, str]) -> None:
        msg = self.msg
        if msg is None:
            return
        if msg.status == "sent":
            deliver(self.account, "message.sent", msg, self.hooks)
        elif msg.status in ("delivered", "undelivered", "failed"):
            deliver(self.account, "message.finalized", msg, self.hooks)


def _error(status: int, code: str, title: str, detail: str, pointer: str) -> tuple[int, Any]:
    return status, {
        "errors": [{"code": code, "title": title, "detail": detail, "source": {"pointer": pointer}}]
    }


def send_message(account: TelnyxAccount, body: Any) -> tuple[int, dict[str, Any]]:
    """POST /v2/messages: 200 with ``{"data": <message record, to[].status queued>}``, or
    an error answer ``{"errors": [{code, title, detail, source}]}`` (API error codes)."""
    if not isinstance(body, dict):
        return _error(400, "10015", "Bad Request", "the body is not a JSON object", "/")
    for name in ("to", "from"):
        value = body.get(name)
        if not isinstance(value, str) or not value:
            return _error(
                400, "10004", "Missing required parameter", f"'{name}' is required", f"/{name}"
            )
        if not value.startswith("+") or not value[1:].isdigit():
            detail = f"'{name}' must be in +E.164 format, not {value!r}"
            return _error(400, "10016", "Phone number must be in +E.164 format", detail, f"/{name}")
    media = body.get("media_urls") or []
    text = body.get("text")
    if not media and (not isinstance(text, str) or not text.strip()):
        return _error(
            400, "10004", "Missing required parameter", "'text' is required for SMS", "/text"
        )
    st = state(account)
    profile = st.profiles.get(body["from"])
    use_profile = body.get("use_profile_webhooks", True)
    hooks = Profile(body.get("webhook_url"), body.get("webhook_failover_url"))
    if not hooks.webhook_url and use_profile and profile is not None:
        hooks = profile
    elif use_profile and profile is not None and not hooks.failover_url:
        hooks.failover_url = profile.webhook_url  # the message's URL first, then the profile's
    reporter = _Reporter(account, hooks)
    try:
        msg = account.carrier.send_message(
            text or "", to=body["to"], from_=body["from"], media=media or None,
            status_callback=reporter if hooks.webhook_url or hooks.failover_url else None,
        )  # fmt: skip
    except MessageError as exc:
        return _error(400, "10002", "Invalid phone number", str(exc), "/to")
    reporter.msg = msg
    st.hooks[msg.sid] = hooks
    return 200, {"data": record(account, msg)}


def _inbound_hook(account: TelnyxAccount, number: str) -> Any:
    profile = state(account).profiles.get(number)
    if profile is None:
        return None
    return lambda msg: deliver(account, "message.received", msg, profile)
