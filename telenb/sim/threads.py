"""Conversations as chat bubbles.

The HTML is static (inline styles, no JavaScript) so it renders in any notebook viewer and
compares stably under nbval; the plain text is deterministic too.  Our side (the app's
number) is on the right in blue, the other person on the left in grey; each bubble carries
its encoding and segment-count badges, its status and its virtual time.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .messagelog import MessageLog
    from .messaging import Message

_BADGE = (
    "display:inline-block;border-radius:8px;padding:0 6px;margin-right:4px;font-size:10px;"
    "font-weight:600;background:{bg};color:{fg}"
)
_ENCODING_COLOURS = {"GSM-7": ("#d1fae5", "#065f46"), "UCS-2": ("#fef3c7", "#92400e")}


def _badge(text: str, bg: str, fg: str) -> str:
    return f"<span style='{_BADGE.format(bg=bg, fg=fg)}'>{html.escape(text)}</span>"


def status_text(msg: Message) -> str:
    """'delivered', or 'undelivered 30006 Landline or unreachable carrier'."""
    if msg.error_code:
        return f"{msg.status} {msg.error_code} {msg.error_message}"
    return msg.status


def bubble_html(msg: Message, right: bool) -> str:
    """One message as a chat bubble with encoding, segment and status badges."""
    bg, fg = ("#2563eb", "#ffffff") if right else ("#e5e7eb", "#111827")
    enc_bg, enc_fg = _ENCODING_COLOURS.get(msg.encoding, ("#e5e7eb", "#374151"))
    segs = plural(msg.num_segments, "segment")
    seg_colours = ("#fde68a", "#92400e") if msg.num_segments > 1 else ("#e0e7ff", "#3730a3")
    failed = msg.status in ("undelivered", "failed")
    status = _badge(status_text(msg), "#fee2e2", "#991b1b") if failed else html.escape(msg.status)
    smart = _badge("smart", "#ede9fe", "#5b21b6") if msg.smart_encoded else ""
    return (
        f"<div style='display:flex;justify-content:{'flex-end' if right else 'flex-start'};"
        "margin:3px 0'>"
        f"<div class='telenb-sms-bubble' style='max-width:75%;background:{bg};color:{fg};"
        f"border-radius:14px;padding:6px 10px'>"
        f"<div style='font-size:10px;opacity:.8'>{html.escape(msg.from_)} "
        f"&#8594; {html.escape(msg.to)}</div>"
        "<div style='white-space:pre-wrap;word-break:break-word'>"
        f"{html.escape(msg.body)}</div>"
        f"<div style='font-size:10px;margin-top:3px'>{_badge(msg.encoding, enc_bg, enc_fg)}"
        f"{_badge(segs, *seg_colours)}{smart}"
        f"<span style='opacity:.85'>{status} &#183; {msg.created:.3f}s</span></div>"
        "</div></div>"
    )


class Thread:
    """The messages between two numbers, in order; `ours` (the app's side) on the right."""

    def __init__(self, messages: MessageLog, a: str, b: str, *, ours: str | None = None):
        self.messages = messages
        self.a, self.b = a, b
        self.ours = ours if ours is not None else _guess_ours(self.messages, a, b)
        self.them = b if self.ours == a else a

    def __len__(self) -> int:
        return len(self.messages)

    def header(self) -> str:
        t = self.messages.totals()
        return (
            f"SMS thread {self.them} <-> {self.ours}: {plural(t.messages, 'message')}, "
            f"{plural(t.segments, 'segment')}, estimated {t.price} {t.currency}"
        )

    def text(self) -> str:
        """One entry per message: time, side (< them, > us), sender, body, then badges."""
        lines = [self.header()]
        for m in self.messages:
            head = f"{m.created:10.3f}s  {'<' if m.from_ == self.them else '>'} {m.from_}: "
            indent = " " * 14
            body = m.body.replace("\r\n", "\n").split("\n")
            lines.append(head + body[0])
            lines += [" " * len(head) + more for more in body[1:]]
            segs = plural(m.num_segments, "segment")
            lines.append(f"{indent}{m.encoding} · {segs} · {status_text(m)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text())

    def _repr_html_(self) -> str:
        bubbles = "".join(bubble_html(m, right=m.from_ != self.them) for m in self.messages)
        return (
            "<div class='telenb-thread' style='font-family:sans-serif;font-size:13px;"
            "max-width:36em;border:1px solid #e5e7eb;border-radius:10px;padding:8px'>"
            f"<div style='color:#374151;margin-bottom:4px'><b>{html.escape(self.header())}</b>"
            f"</div>{bubbles}</div>"
        )


class Threads(list):
    """Several conversations, shown one after another."""

    def __repr__(self) -> str:
        return "\n\n".join(t.text() for t in self) if self else "<no SMS threads>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        return "".join(f"<div style='margin-bottom:8px'>{t._repr_html_()}</div>" for t in self)


def _guess_ours(messages: MessageLog, a: str, b: str) -> str:
    """The side that sends outbound-* messages or receives inbound ones is the app's."""
    for m in messages:
        if m.direction == "inbound" and m.to in (a, b):
            return m.to
        if m.outbound and m.from_ in (a, b):
            return m.from_
    return b


def plural(n: int, word: str) -> str:
    """'1 segment', '2 segments'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
