"""Vonage's Messages API, SMS channel, on the simulated carrier (issue 17).

    messages_app(carrier, "+15550100", flask_app)           # inbound-message and
        # message-status webhooks at /webhooks/inbound-message and /webhooks/message-status
    send_message(vonage_application(carrier), {...})         # what POST /v1/messages does

Names and shapes follow the Messages API reference (v1, "Send a message" and its
``inbound-message`` and ``message-status`` webhooks): a message is known by its
``message_uuid``; an SMS is ``channel: "sms"`` with ``message_type: "text"``; numbers go
as E.164 digits without the plus.  A text to a number with an inbound URL is POSTed there
as JSON (channel, message_uuid, to, from, timestamp, text, sms.num_messages, sms.keyword);
an SMS sent through the API reports ``submitted`` once it left, then ``delivered`` or
``rejected`` (with an ``error`` object whose title is the Messages error code) to the
message's ``webhook_url`` or the application's status URL, each with ``usage`` (the
simulator's example price, not a quote) and ``sms.count_total``.  Every webhook carries a
JWT signed with the signature secret (Messages "Signed webhooks"), as the Voice API's do.
The messages are the carrier's own, so they show in the trace and in ``carrier.messages``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import MessageError
from ..webhooks.json_apps import mount
from ..webhooks.web import absolute
from .application import NAMESPACE, VonageApplication, vonage_application, vonage_number
from .sim.webhooks import WebhookFailure

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.messaging import Message

ERRORS_URL = "https://developer.vonage.com/api-errors/messages#"
CHANNELS = ("sms", "mms", "rcs", "whatsapp", "messenger", "viber_service", "email")
# telenb's delivery faults (Twilio's codes) -> Messages API error codes (x-errors list)
FAULT_CODE = {
    30001: ("1000", "Throttled"),
    30003: ("1260", "Destination unreachable"),
    30004: ("1280", "Number Blocked by Carrier"),
    30005: ("1190", "Absent Subscriber Permanent"),
    30006: ("1310", "Not suitable device"),
    30007: ("1210", "Anti-Spam Rejection"),
}
# telenb's statuses -> the message-status webhook's (SMS: submitted, delivered, rejected)
STATUS = {
    "sent": "submitted",
    "delivered": "delivered",
    "undelivered": "rejected",
    "failed": "rejected",
}
BAD_TO = "The `to` parameter is invalid for the given channel."
BAD_FROM = "The `from` parameter is invalid for the given channel."
CURRENCY = "EUR"  # the only currency the reference's usage object names


@dataclass
class MessagesState:
    """The Messages capability of the simulated application: webhooks per number."""

    inbound: dict[str, str] = field(default_factory=dict)  # number -> inbound URL
    status: dict[str, str] = field(default_factory=dict)  # number -> status URL
    default_status: str | None = None
    by_uuid: dict[str, Message] = field(default_factory=dict)


def state(vapp: VonageApplication) -> MessagesState:
    found = getattr(vapp, "_messages", None)
    if found is None:
        found = MessagesState()
        setattr(vapp, "_messages", found)  # noqa: B010
        sms = vapp.carrier.sms
        sms.text_webhooks.append(lambda number: _hook(vapp, number))
        sms.owners.append(lambda number: number in found.inbound or number in found.status)
    return found


def message_uuid(msg: Message) -> str:
    return str(uuid.uuid5(NAMESPACE, f"message:{msg.sid}"))


def register(
    vapp: VonageApplication, number: str, *, inbound_url: str | None, status_url: str | None
) -> None:
    """Point `number`'s inbound messages and its sent messages' statuses at these URLs."""
    st = state(vapp)
    if inbound_url:
        st.inbound[number] = inbound_url
    if status_url:
        st.status[number] = status_url
        st.default_status = status_url


def messages_app(
    carrier: Carrier,
    number: str,
    source: Any,
    *,
    inbound_url: str = "/webhooks/inbound-message",
    status_url: str | None = "/webhooks/message-status",
    base_url: str | None = None,
    kind: str | None = None,
) -> VonageApplication:
    """Serve `source` (a WSGI or ASGI app, a callable, a dict of paths, a loopback URL) as
    the Messages webhooks of `number`; paths are relative to the app's origin."""
    vapp = vonage_application(carrier)
    num = carrier.normalize(number)
    inbound = mount(vapp, source, num, url=inbound_url, base_url=base_url, kind=kind)
    register(vapp, num, inbound_url=inbound, status_url=absolute(status_url, inbound))
    return vapp


# -- sending ---------------------------------------------------------------------------------
def error(code: str, title: str, detail: str) -> dict[str, str]:
    """The Messages API's error body (RFC 7807: type, title, detail, instance)."""
    instance = uuid.uuid5(NAMESPACE, f"error:{code}:{detail}").hex
    return {"type": ERRORS_URL + code, "title": title, "detail": detail, "instance": instance}


def send_message(vapp: VonageApplication, body: Any) -> tuple[int, dict[str, Any]]:
    """POST /v1/messages: 202 with the message_uuid, or 422 with the error the API gives."""
    if not isinstance(body, dict):
        return 422, error("1020", "Invalid params", "the body is not a JSON object")
    channel = body.get("channel")
    if channel not in CHANNELS:
        return 422, error("1400", "Unsupported channel", f"channel {channel!r} is not supported")
    if channel != "sms":
        detail = f"the simulator carries the sms channel only, not {channel!r}"
        return 422, error("1400", "Unsupported channel", detail)
    if body.get("message_type") != "text":
        detail = f"message_type {body.get('message_type')!r} is not supported for sms"
        return 422, error("1440", "Invalid message type", detail)
    to, from_, text = body.get("to"), body.get("from"), body.get("text")
    if not isinstance(to, str) or not to.strip():
        return 422, error(
            "1430", "Invalid recipient", "The `to` parameter is invalid for the given channel."
        )
    if not isinstance(from_, str) or not from_.strip():
        return 422, error(
            "1420", "Invalid sender", "The `from` parameter is invalid for the given channel."
        )
    if not isinstance(text, str) or not text:
        return 422, error("1010", "Missing params", "text is required for message_type text")
    ref = body.get("client_ref")
    if ref is not None and (not isinstance(ref, str) or len(ref) > 100):
        return 422, error("1450", "Invalid client reference", "client_ref: up to 100 characters")
    carrier = vapp.carrier
    from_n = _e164(from_)
    st = state(vapp)
    hook = body.get("webhook_url") or st.status.get(from_n) or st.default_status
    reporter = _Reporter(vapp, hook, ref)
    try:
        msg = carrier.send_message(
            text, to=_e164(to), from_=from_n, status_callback=reporter if hook else None
        )
    except MessageError as exc:
        which = "1420" if exc.code == 21212 else "1430"
        title = "Invalid sender" if which == "1420" else "Invalid recipient"
        return 422, error(which, title, str(exc))
    reporter.msg = msg
    uid = message_uuid(msg)
    st.by_uuid[uid] = msg
    return 202, {"message_uuid": uid}


def _e164(number: str) -> str:
    digits = number.strip()
    return "+" + digits.lstrip("+") if digits.lstrip("+").isdigit() else digits


def _usage(msg: Message) -> dict[str, str]:
    return {"currency": CURRENCY, "price": f"{msg.price or 0:.4f}"}


def status_payload(
    vapp: VonageApplication, msg: Message, status: str, ref: str | None
) -> dict[str, Any]:
    """The message-status webhook's body for an SMS (messageStatusSMS)."""
    payload: dict[str, Any] = {
        "message_uuid": message_uuid(msg),
        "to": vonage_number(msg.to),
        "from": vonage_number(msg.from_),
        "timestamp": vapp.timestamp(),
        "status": status,
        "channel": "sms",
    }
    if status == "rejected":
        code, title = FAULT_CODE.get(msg.error_code or 0, ("1330", "Delivery failed"))
        payload["error"] = error(code, code, f"{title} - {msg.error_message or ''}".rstrip(" -"))
    if ref is not None:
        payload["client_ref"] = ref
    payload["usage"] = _usage(msg)
    payload["sms"] = {"count_total": str(msg.num_segments)}
    return payload


class _Reporter:
    """A sent message's status callback: the message-status webhook, once per status."""

    def __init__(self, vapp: VonageApplication, url: str | None, ref: str | None):
        self.vapp, self.url, self.ref = vapp, url, ref
        self.msg: Message | None = None
        self.sent: list[str] = []

    def __call__(self, _twilio_params: dict[str, str]) -> None:
        msg = self.msg
        status = STATUS.get(msg.status) if msg is not None else None
        if msg is None or status is None or self.url is None or status in self.sent:
            return
        self.sent.append(status)
        payload = status_payload(self.vapp, msg, status, self.ref)
        self.vapp.webhooks.callback(
            "POST", self.url, payload, sid=msg.sid, event=f"message:{status}"
        )


# -- receiving -------------------------------------------------------------------------------
def inbound_payload(vapp: VonageApplication, msg: Message) -> dict[str, Any]:
    """The inbound-message webhook's body for an SMS (inboundMessageSMS)."""
    words = msg.body.split()
    sms: dict[str, str] = {"num_messages": str(msg.num_segments)}
    if words:
        sms["keyword"] = words[0].upper()
    return {
        "channel": "sms",
        "message_uuid": message_uuid(msg),
        "to": vonage_number(msg.to),
        "from": vonage_number(msg.from_),
        "timestamp": vapp.timestamp(),
        "text": msg.body,
        "sms": sms,
    }


def _hook(vapp: VonageApplication, number: str) -> Any:
    url = state(vapp).inbound.get(number)
    if url is None:
        return None
    return lambda msg: _deliver(vapp, msg, url)


def _deliver(vapp: VonageApplication, msg: Message, url: str) -> None:
    state(vapp).by_uuid[message_uuid(msg)] = msg
    payload = inbound_payload(vapp, msg)
    try:
        response = vapp.webhooks.send("POST", url, payload, sid=msg.sid, purpose="inbound-message")
    except WebhookFailure as exc:
        vapp.webhooks.warn(msg.sid, f"inbound message not delivered: {exc.detail}", url=url)
        return
    if not 200 <= response.status < 300:
        vapp.webhooks.warn(
            msg.sid, f"the inbound webhook answered HTTP {response.status}: Vonage expects "
            "200 or 204 and otherwise sends the message again", url=url,
        )  # fmt: skip
