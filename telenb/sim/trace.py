"""The trace: every event of a simulation, in order, with its virtual time.

Its text form is stable (nbval compares it), its HTML form is a timeline, and it exports to
JSON.  Helpers answer the questions tests ask: what was said, what was asked, how it ended.
"""

from __future__ import annotations

import gc
import html
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .untracked import untrack


class TraceEvent:
    __slots__ = ("data", "kind", "sid", "t")

    def __init__(self, t: float, sid: str, kind: str, data: dict[str, Any]):
        self.t, self.sid, self.kind, self.data = t, sid, kind, data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def to_dict(self) -> dict[str, Any]:
        return {"t": round(self.t, 6), "sid": self.sid, "kind": self.kind, **_jsonable(self.data)}

    def summary(self) -> str:
        return _summarize(self.kind, self.data)

    def __repr__(self) -> str:
        return f"{self.t:9.3f}  {short_sid(self.sid)}  {self.kind:<10} {self.summary()}".rstrip()


def short_sid(sid: str) -> str:
    return sid[:8] if len(sid) > 8 else sid.ljust(8)


def _q(text: Any, limit: int = 70) -> str:
    s = str(text)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return f'"{s}"'


def _summarize(kind: str, d: dict[str, Any]) -> str:
    if kind == "status":
        extra = f" ({d['cause']})" if d.get("cause") else ""
        route = f"  {d['from']} -> {d['to']}" if d.get("status") in ("queued", "initiated") else ""
        return f"{d['status']}{extra}{route}"
    if kind in ("say", "play"):
        what = _q(d.get("text") or d.get("url", ""))
        bits = [what]
        if d.get("voice"):
            bits.append(f"voice={d['voice']}")
        if d.get("duration") is not None:
            bits.append(f"{d['duration']:.2f}s")
        if d.get("interrupted"):
            bits.append(f"interrupted at {d['interrupted']:.2f}s")
        return "  ".join(bits)
    if kind == "ask":
        return (
            f"{_q(d.get('prompt', ''))}  choices={_q(d.get('choices', ''), 50)}  "
            f"mode={d.get('mode')}  attempt {d.get('attempt')}"
        )
    if kind == "input":
        conf = f"  confidence={d['confidence']:.2f}" if d.get("confidence") is not None else ""
        return f"{d.get('by', 'party')} {d['mode']} {_q(d.get('value', ''))}{conf}"
    if kind == "result":
        val = f" {_q(d['value'])}" if d.get("value") not in (None, "") else ""
        utt = d.get("utterance")
        heard = f"  heard {_q(utt)}" if utt not in (None, "") and utt != d.get("value") else ""
        return f"{d['name']}{val}{heard}  attempt {d.get('attempt')}"
    if kind == "error":
        return f"{d.get('error')}: {d.get('message')}"
    if kind == "log":
        return _q(d.get("message", ""), 100)
    if kind == "message":
        return _message_summary(d)
    if kind == "session":
        return f"{d.get('channel')} session {d.get('from')} -> {d.get('to')}  " + _q(
            d.get("initial_text", ""), 50
        )
    if kind == "webhook":  # a request the carrier made to an app (TwiML, callbacks)
        status = d.get("status") if d.get("status") is not None else d.get("error", "?")
        sent = [(k, v) for k, v in (d.get("params") or {}).items() if k in _WEBHOOK_KEYS]
        extra = "".join(f"  {k}={_fmt(v)}" for k, v in sent)
        return f"{d.get('method')} {d.get('url')} -> {status}{extra}"
    if kind == "twiml":
        return _q(" ".join(str(d.get("twiml", "")).split()), 110)
    if kind == "speech":
        return f"{d.get('by')} says {_q(d.get('text', ''))}"
    parts = [f"{k}={_fmt(v)}" for k, v in d.items() if k != "traceback"]
    return "  ".join(parts)


def _message_summary(d: dict[str, Any]) -> str:
    """'SM1a2b3c4d queued +1555 -> +1555  "Hi"  (GSM-7, 1 segment)'; failures with the code."""
    out = f"{d.get('sid', '')[:10]} {d.get('status')} {d.get('from')} -> {d.get('to')}"
    if "body" in d:
        n = d.get("segments")
        segs = f"  ({d.get('encoding')}, {n} segment{'s' if n != 1 else ''})" if n else ""
        out += "  " + _q(d["body"], 50) + segs
    if d.get("error_code"):
        out += f"  error {d['error_code']}: {d.get('error_message')}"
    return out


_WEBHOOK_KEYS = (
    "CallStatus", "Digits", "SpeechResult", "Confidence", "RecordingUrl", "DialCallStatus",
    "QueueResult", "ErrorCode", "MessageStatus", "Body",
)  # fmt: skip


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".")
    if isinstance(v, str):
        return _q(v, 60) if (" " in v or not v) else v
    return str(v)


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, (str, int, float, bool)) or v is None:
            out[k] = v
        elif isinstance(v, (list, tuple)):
            out[k] = [x if isinstance(x, (str, int, float, bool)) else str(x) for x in v]
        elif isinstance(v, dict):
            out[k] = _jsonable(v)
        else:
            out[k] = str(v)
    return out


class Trace:
    """An ordered, filterable list of `TraceEvent`s."""

    def __init__(self, events: Iterable[TraceEvent] | None = None):
        self.events: list[TraceEvent] = list(events) if events is not None else []
        # told of each event as it is added: live views (a notebook phone's transcript)
        self.listeners: list[Callable[[TraceEvent], None]] = []

    def add(self, t: float, sid: str, kind: str, /, **data: Any) -> TraceEvent:
        ev = TraceEvent(t, sid, kind, data)
        self.events.append(ev)
        if not gc.is_tracked(data):  # only atoms in it: the event cannot be in a cycle
            untrack(ev)
        if self.listeners:
            for fn in list(self.listeners):
                fn(ev)
        return ev

    def __iter__(self) -> Iterator[TraceEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __getitem__(self, i: int) -> TraceEvent:
        return self.events[i]

    # -- filtering -----------------------------------------------------------------------------
    def filter(self, kind: str | None = None, sid: str | Iterable[str] | None = None) -> Trace:
        sids = {sid} if isinstance(sid, str) else (set(sid) if sid is not None else None)
        return Trace(
            e
            for e in self.events
            if (kind is None or e.kind == kind) and (sids is None or e.sid in sids)
        )

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    # -- questions tests ask ------------------------------------------------------------------
    def said(self) -> list[str]:
        """Every prompt the flows spoke, in order (say verbs and ask prompts)."""
        out = []
        for e in self.events:
            if e.kind == "say":
                out.append(e.data["text"])
            elif e.kind == "ask" and e.data.get("prompt"):
                out.append(e.data["prompt"])
        return out

    def asked(self) -> list[str]:
        return [e.data["prompt"] for e in self.events if e.kind == "ask"]

    def results(self) -> list[tuple[str, Any]]:
        return [(e.data["name"], e.data.get("value")) for e in self.events if e.kind == "result"]

    def statuses(self, sid: str | None = None) -> list[str]:
        return [
            e.data["status"]
            for e in self.events
            if e.kind == "status" and (sid is None or e.sid == sid)
        ]

    def errors(self) -> list[TraceEvent]:
        return [e for e in self.events if e.kind == "error"]

    # -- export and display ------------------------------------------------------------------
    def to_dicts(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.events]

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dicts(), indent=indent, ensure_ascii=False)

    def save_json(self, path: str) -> None:
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(self.to_json(indent=1))
        os.replace(tmp, path)

    def text(self) -> str:
        return "\n".join(repr(e) for e in self.events)

    def __repr__(self) -> str:
        if not self.events:
            return "<Trace: no events>"
        return f"<Trace: {len(self.events)} events>\n{self.text()}"

    def _repr_html_(self) -> str:
        return timeline_html(self.events)


_KIND_COLOURS = {
    "status": "#666", "say": "#2a6fb0", "play": "#2a6fb0", "ask": "#7a3fb0",
    "input": "#b06a2a", "result": "#2a8f3f", "error": "#c0392b", "message": "#b0902a",
    "speech": "#b06a2a", "log": "#888",
}  # fmt: skip


def timeline_html(events: Iterable[TraceEvent]) -> str:
    rows = []
    for e in events:
        colour = _KIND_COLOURS.get(e.kind, "#444")
        tb = ""
        if e.kind == "error" and e.data.get("traceback"):
            pre = html.escape(e.data["traceback"])
            tb = f"<details><summary>traceback</summary><pre>{pre}</pre></details>"
        rows.append(
            f"<tr><td style='text-align:right;font-family:monospace'>{e.t:.3f}s</td>"
            f"<td style='font-family:monospace;color:#888'>{html.escape(short_sid(e.sid))}</td>"
            f"<td><span style='color:{colour};font-weight:600'>{html.escape(e.kind)}</span></td>"
            f"<td>{html.escape(e.summary())}{tb}</td></tr>"
        )
    return (
        "<table class='telenb-trace' style='border-collapse:collapse;font-size:90%'>"
        "<thead><tr><th>time</th><th>call</th><th>event</th><th>details</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


class TraceQuestions:
    """What tests ask of a result, answered from its `trace` (mixed into result types)."""

    if TYPE_CHECKING:

        @property
        def trace(self) -> Trace: ...

    def said(self) -> list[str]:
        return self.trace.said()

    def asked(self) -> list[str]:
        return self.trace.asked()

    def results(self) -> list[tuple[str, Any]]:
        return self.trace.results()


def error_note_html(err: BaseException | None) -> str:
    """The red line a call or text session shows when its flow raised (empty otherwise)."""
    if err is None:
        return ""
    return (
        f"<div style='color:#c0392b'>flow raised {html.escape(type(err).__name__)}: "
        f"{html.escape(str(err))}</div>"
    )
