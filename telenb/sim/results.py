"""What a call left behind: its legs, trace, messages and recordings, ready to display or assert."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .trace import Trace, TraceQuestions, error_note_html, timeline_html

if TYPE_CHECKING:
    from .carrier import Carrier
    from .leg import Leg
    from .runner import FlowRunner

MESSAGE_FINAL = frozenset({"delivered", "undelivered", "failed", "received", "read", "canceled"})


class CallResult(TraceQuestions):
    """A call (or a launched session) and everything that happened on it."""

    def __init__(self, carrier: Carrier, leg: Leg | None, runner: FlowRunner | None = None):
        self.carrier = carrier
        self.leg = leg
        self._runner = runner

    # -- identity and status --------------------------------------------------------------------
    @property
    def sid(self) -> str | None:
        leg = self.leg or (self._runner.legs[0] if self._runner and self._runner.legs else None)
        return leg.sid if leg else None

    @property
    def root(self) -> Leg | None:
        if self.leg is not None:
            return self.leg
        return self._runner.legs[0] if self._runner and self._runner.legs else None

    @property
    def status(self) -> str | None:
        root = self.root
        return root.status if root else None

    @property
    def duration(self) -> float:
        root = self.root
        return root.duration if root else 0.0

    @property
    def legs(self) -> list[Leg]:
        """This call's legs: the root first, then transfers and dials, depth first."""
        roots = (
            [self.leg] if self.leg is not None else list(self._runner.legs if self._runner else [])
        )
        out: list[Leg] = []

        def walk(leg: Leg) -> None:
            if leg not in out:
                out.append(leg)
                for child in leg.children:
                    walk(child)

        for r in roots:
            walk(r)
        return out

    @property
    def runners(self) -> list[FlowRunner]:
        runners = [leg.runner for leg in self.legs if leg.runner is not None]
        if self._runner is not None and self._runner not in runners:
            runners.insert(0, self._runner)
        return runners

    @property
    def done(self) -> bool:
        if self._runner is not None and not self._runner.finished:
            return False
        legs = self.legs
        if self._runner is not None and not legs:
            return True
        return all(leg.ended for leg in legs) and all(r.finished for r in self.runners)

    @property
    def messages_settled(self) -> bool:
        return all(m.status in MESSAGE_FINAL for m in self.messages)

    @property
    def settled(self) -> bool:
        """Done, messages final, and no work the call left for later (a transcription)."""
        if not self.messages_settled:
            return False
        return not self.carrier.afterwork.pending([leg.sid for leg in self.legs])

    @property
    def error(self) -> BaseException | None:
        """The exception a flow raised, or the simulator raised carrying out one of its verbs
        (the call then ended failed), if any."""
        for r in self.runners:
            if r.session.error is not None:
                return r.session.error
            if r.fault is not None:
                return r.fault
        return None

    # -- what happened --------------------------------------------------------------------------
    @property
    def trace(self) -> Trace:
        sids = {leg.sid for leg in self.legs}
        sids.update(m.sid for m in self.messages)
        if self._runner is not None and not self.legs:
            sids.add("-")
        return self.carrier.trace.filter(sid=sids)

    @property
    def messages(self) -> list[Any]:
        sids = {leg.sid for leg in self.legs}
        return [m for m in self.carrier.messages if m.call_sid in sids or m.session_sid in sids]

    @property
    def recordings(self) -> list[Any]:
        sids = {leg.sid for leg in self.legs}
        return [r for r in self.carrier.recordings if r.call_sid in sids]

    @property
    def audio(self) -> Any:
        """The call in stereo (left: the caller, right: what the caller heard) in audio
        fidelity; None in text fidelity."""
        call_audio = getattr(self.carrier.media, "call_audio", None)
        root = self.root
        return call_audio(root) if call_audio is not None and root is not None else None

    def statuses(self) -> list[str]:
        return self.trace.statuses(self.sid)

    # -- display --------------------------------------------------------------------------------
    def header(self) -> str:
        root = self.root
        if root is None:
            return "Session (no call placed)"
        return (
            f"Call {root.sid}  {root.from_} -> {root.to}  {root.status}  "
            f"{root.duration:.3f}s  ({len(self.legs)} leg{'s' if len(self.legs) != 1 else ''})"
        )

    def __repr__(self) -> str:
        return f"{self.header()}\n{self.trace.text()}"

    def _repr_html_(self) -> str:
        note = error_note_html(self.error)
        msgs = "".join(m._repr_html_() for m in self.messages)
        return (
            f"<div class='telenb-call'><b>{html.escape(self.header())}</b>{note}"
            f"{timeline_html(self.trace)}{msgs}</div>"
        )


COLUMNS = ("sid", "from", "to", "direction", "status", "start_time", "duration", "ended_by")


class CallLog:
    """Call detail records as a list of dicts, with a plain-text and an HTML table."""

    def __init__(self, legs: Iterable[Leg]):
        self._legs = list(legs)

    def __len__(self) -> int:
        return len(self._legs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (leg.record() for leg in self._legs)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self._legs[i].record()

    def to_list(self) -> list[dict[str, Any]]:
        return [leg.record() for leg in self._legs]

    def where(self, **conditions: Any) -> CallLog:
        """Filter by field values: `log.where(status="busy", direction="outbound-dial")`."""

        def ok(rec: dict[str, Any]) -> bool:
            return all(rec.get(k.rstrip("_")) == v for k, v in conditions.items())

        return CallLog(leg for leg in self._legs if ok(leg.record()))

    def count(self, **conditions: Any) -> int:
        return len(self.where(**conditions))

    def _rows(self, limit: int | None) -> tuple[list[list[str]], int]:
        rows = []
        for rec in self.to_list()[:limit]:
            rows.append([_cell(rec[c]) for c in COLUMNS])
        return rows, len(self._legs)

    def __repr__(self) -> str:
        rows, total = self._rows(50)
        if not rows:
            return "<CallLog: no calls>"
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
        line = "  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True))
        out = [line, "  ".join("-" * w for w in widths)]
        out += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
        if total > len(rows):
            out.append(f"... {total - len(rows)} more")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        rows, total = self._rows(200)
        head = "".join(f"<th>{c}</th>" for c in COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows
        )
        more = f"<div>... {total - len(rows)} more</div>" if total > len(rows) else ""
        return f"<table class='telenb-calls'><tr>{head}</tr>{body}</table>{more}"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)
