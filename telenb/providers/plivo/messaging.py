"""Plivo messaging on the simulated carrier: SMS sent from ``<Message>`` and the Message
API, their delivery reports, and incoming texts posted to a number's message_url.

Plivo's names throughout: a message is known by its ``message_uuid``; its
``message_state`` is ``queued``, ``sent``, ``delivered``, ``undelivered`` or ``failed``
(``received`` for an incoming one, then ``delivered`` once its message_url answered, else
``undelivered``).  A delivery report (the ``callbackUrl`` of ``<Message>``, the ``url`` of
the API) gets MessageUUID, From, To, Type, Status, Units, TotalRate, TotalAmount and, for a
failure, ErrorCode.  An incoming text to a number with a message_url is posted there with
From, To, Text, Type and MessageUUID (numbers as digits without the plus); the ``<Message>``
elements it answers with are sent.  Every request is signed with X-Plivo-Signature-V3.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from .application import NAMESPACE, PlivoApplication, WebhookFailure, plivo_number

if TYPE_CHECKING:
    from ...sim.messaging import Message

# telenb's message statuses -> Plivo's message_state
STATE = {
    "scheduled": "queued",
    "queued": "queued",
    "sending": "queued",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "receiving": "received",
    "received": "received",
    "canceled": "failed",
}
# telenb's delivery faults (Twilio's codes) -> Plivo's SMS error codes (Error Codes page:
# 20 Network Error, 30 Spam Detected, 50 Invalid Destination Number); 000 once delivered
ERROR = {30001: "20", 30003: "20", 30004: "30", 30005: "50", 30006: "50", 30007: "30"}
REPORTED = ("queued", "sent", "delivered", "undelivered", "failed")  # delivery report statuses
MAX_REPLIES = 10  # <Message> replies to one incoming text


def message_uuid(msg: Message) -> str:
    return str(uuid.uuid5(NAMESPACE, f"message:{msg.sid}"))


def e164(number: str) -> str:
    """Plivo's sanitised number (digits, maybe a leading +) as the carrier writes it."""
    digits = "".join(ch for ch in number if ch.isalnum())
    return "+" + digits if digits.isdigit() else digits


def error_code(msg: Message) -> str | None:
    """Plivo's error_code for the message: 000 delivered, its code once it failed."""
    if state(msg) == "delivered":
        return "000"
    if msg.error_code and state(msg) in ("failed", "undelivered"):
        return ERROR.get(msg.error_code, "20")
    return None


def kind(msg: Message) -> str:
    """Plivo's message type: mms when it carries media."""
    return "mms" if msg.media else "sms"


def state(msg: Message) -> str:
    return str(msg.meta.get("plivo_state") or STATE.get(msg.status, msg.status))


def enable(papp: PlivoApplication) -> None:
    """Route texts to the account's numbers with a message_url to them (idempotent)."""
    if getattr(papp, "_sms_enabled", False):
        return
    setattr(papp, "_sms_enabled", True)  # noqa: B010
    sms = papp.carrier.sms
    sms.text_webhooks.append(lambda number: _hook(papp, number))
    sms.owners.append(lambda number: number in papp.numbers)


def _hook(papp: PlivoApplication, number: str) -> Any:
    entry = papp.message_urls.get(number)
    if entry is None:
        return None
    return lambda msg: incoming(papp, msg, *entry)


def report_params(msg: Message, status: str) -> dict[str, str]:
    params = {
        "MessageUUID": message_uuid(msg),
        "From": plivo_number(msg.from_),
        "To": plivo_number(msg.to),
        "Type": kind(msg),
        "Status": status,
        "Units": str(msg.num_segments),
        "TotalRate": f"{msg.price / max(msg.num_segments, 1):.5f}" if msg.price else "0.00000",
        "TotalAmount": f"{msg.price:.5f}" if msg.price else "0.00000",
    }
    code = error_code(msg)
    if status in ("failed", "undelivered") and code:
        params["ErrorCode"] = code
    return params


class _Reporter:
    """A message's status callback: Plivo's delivery report to `url`, once per state."""

    def __init__(self, papp: PlivoApplication, url: str | None, method: str):
        self.papp, self.url, self.method = papp, url, method.upper()
        self.msg: Message | None = None
        self.sent: list[str] = []

    def __call__(self, _twilio_params: dict[str, str]) -> None:
        if self.msg is not None:
            self.report(state(self.msg))

    def report(self, status: str) -> None:
        msg = self.msg
        if msg is None or self.url is None or status not in REPORTED or status in self.sent:
            return
        self.sent.append(status)
        try:
            self.papp.send(
                self.method, self.url, report_params(msg, status), sid=msg.sid, purpose="message"
            )
        except WebhookFailure as exc:
            self.papp._trace(msg.sid, "warning", code=None, message=f"delivery report: {exc}")


def send_sms(
    papp: PlivoApplication,
    text: str,
    src: str,
    dst: str,
    *,
    url: str | None = None,
    method: str = "POST",
    call_sid: str | None = None,
    media: list[str] | None = None,
) -> list[Message]:
    """Send `text` from `src` to each of `dst` ('<'-separated), as Plivo queues them;
    `url` hears each one's delivery reports.  Raises `MessageError` for a bad address."""
    carrier, sent = papp.carrier, []
    for one in [d for d in dst.split("<") if d.strip()]:
        reporter = _Reporter(papp, url, method)
        msg = carrier.send_message(
            text, to=e164(one), from_=e164(src), origin=call_sid,
            direction="outbound-call" if call_sid else "outbound-api",
            status_callback=reporter if url else None, media=media,
        )  # fmt: skip
        reporter.msg = msg
        papp.messages[message_uuid(msg)] = msg  # its first report (queued) comes as it leaves
        sent.append(msg)
    return sent


def incoming(papp: PlivoApplication, msg: Message, url: str, method: str) -> None:
    """Post an incoming text to the number's message_url and send the <Message> replies."""
    from .xml.parse import PlivoXmlError, parse_xml

    papp.messages[message_uuid(msg)] = msg
    params = {
        "From": plivo_number(msg.from_),
        "To": plivo_number(msg.to),
        "Type": "sms",
        "Text": msg.body,
        "MessageUUID": message_uuid(msg),
        "Units": str(msg.num_segments),
        "TotalRate": "0.00000",
        "TotalAmount": "0.00000",
    }
    try:
        response = papp.send(method, url, params, sid=msg.sid, purpose="message_url")
    except WebhookFailure as exc:
        msg.meta["plivo_state"] = "undelivered"
        papp._trace(msg.sid, "warning", code=None, message=f"message_url failed: {exc}")
        return
    msg.meta["plivo_state"] = "delivered" if 200 <= response.status < 300 else "undelivered"
    if msg.meta["plivo_state"] != "delivered" or not response.body.strip():
        return
    try:
        verbs = parse_xml(response.body)
    except PlivoXmlError as exc:
        papp._trace(msg.sid, "warning", code=None, message=f"message_url's XML: {exc}")
        return
    replies = [v for v in verbs if v.tag == "Message"]
    for other in (v for v in verbs if v.tag != "Message"):
        note = f"<{other.tag}> in a message_url answer: only <Message> is run"
        papp._trace(msg.sid, "warning", code=None, message=note)
    for verb in replies[:MAX_REPLIES]:
        send_sms(
            papp, verb.text, verb.get("src") or plivo_number(msg.to),
            verb.get("dst") or plivo_number(msg.from_),
            url=urljoin(url, verb.get("callbackUrl") or "") if verb.get("callbackUrl") else None,
            method=verb.get("callbackMethod") or "POST",
        )  # fmt: skip
