"""Text messages on the simulated carrier: Twilio-shaped records and status progression."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .carrier import Carrier

SEND_DELAY = 0.2  # queued -> sending
SENT_DELAY = 0.5  # sending -> sent
DELIVER_DELAY = 1.5  # sent -> delivered


@dataclass
class Message:
    sid: str
    from_: str
    to: str
    body: str
    direction: str  # outbound-api, outbound-call (from a flow), inbound
    status: str
    created: float
    channel: str = "TEXT"
    network: str = "SMS"
    num_segments: int = 1
    encoding: str = "GSM-7"
    error_code: int | None = None
    error_message: str | None = None
    call_sid: str | None = None
    history: list[tuple[float, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {
            "sid": self.sid, "from": self.from_, "to": self.to, "body": self.body,
            "direction": self.direction, "status": self.status, "num_segments": self.num_segments,
            "encoding": self.encoding, "error_code": self.error_code, "created": self.created,
        }  # fmt: skip

    def __repr__(self) -> str:
        return (
            f"<Message {self.sid[:8]} {self.from_} -> {self.to} {self.status} {self.body[:40]!r}>"
        )

    def _repr_html_(self) -> str:
        return (
            f"<div class='telenb-sms' style='border-radius:12px;background:#e8f1fb;"
            f"padding:6px 10px;display:inline-block'>{html.escape(self.body)}"
            f"<div style='font-size:75%;color:#666'>{html.escape(self.status)} · "
            f"{self.num_segments} segment(s) · {self.encoding}</div></div>"
        )


def segment_info(body: str) -> tuple[int, str]:
    """(number of segments, encoding), from telenb.sms when it is available."""
    try:
        from ..sms import segments
    except ImportError:  # the SMS package is optional at this layer
        return max(1, -(-len(body) // 153) if len(body) > 160 else 1), "GSM-7"
    seg = segments(body)
    return seg.num_segments, seg.encoding


def progress(carrier: Carrier, msg: Message, final: str = "delivered") -> None:
    """Schedule Twilio's outbound progression: queued -> sending -> sent -> delivered."""
    clock = carrier.clock
    steps = [(SEND_DELAY, "sending"), (SEND_DELAY + SENT_DELAY, "sent")]
    steps.append((SEND_DELAY + SENT_DELAY + DELIVER_DELAY, final))
    for delay, status in steps:
        clock.schedule(delay, set_status, carrier, msg, status)


def set_status(carrier: Carrier, msg: Message, status: str) -> None:
    msg.status = status
    msg.history.append((carrier.clock.now, status))
    data: dict[str, Any] = {
        "sid": msg.sid,
        "status": status,
        "from": msg.from_,
        "to": msg.to,
        "body": msg.body,
    }
    if msg.error_code:
        data["error_code"] = msg.error_code
    carrier.trace.add(carrier.clock.now, msg.call_sid or msg.sid, "message", **data)
    carrier._message_status(msg, status)
