"""`carrier.messages`: every message so far, queryable like `carrier.calls`, with totals.

It is a list of `Message` objects (so existing code that appends or iterates keeps working)
with filters, records, segment and price totals, conversation threads and table views.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .threads import Thread, Threads, plural

if TYPE_CHECKING:
    from .messaging import Message

COLUMNS = ("sid", "from", "to", "direction", "status", "segs", "encoding", "price", "error", "body")


@dataclass(frozen=True)
class MessageTotals:
    """Counts and the price estimate of a set of messages."""

    messages: int
    segments: int
    price: Decimal
    currency: str
    by_status: dict[str, int]
    by_encoding: dict[str, int]

    def __str__(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in self.by_status.items())
        return (
            f"{plural(self.messages, 'message')}, {plural(self.segments, 'segment')}, "
            f"estimated {self.price} {self.currency}" + (f" ({statuses})" if statuses else "")
        )


class MessageLog(list):
    """Messages in the order they were created; filter with `where`, sum with `totals`."""

    def __getitem__(self, index: Any) -> Any:
        got = super().__getitem__(index)
        return MessageLog(got) if isinstance(index, slice) else got

    def where(self, **conditions: Any) -> MessageLog:
        """`log.where(status="undelivered", direction="inbound")`; a tuple means any of them.

        Keys are record fields (`Message.record`); `from_` may stand for `from`.
        """

        def ok(rec: dict[str, Any]) -> bool:
            for key, want in conditions.items():
                have = rec.get("from" if key == "from_" else key)
                if isinstance(want, tuple | list | set | frozenset):
                    if have not in want:
                        return False
                elif have != want:
                    return False
            return True

        return MessageLog(m for m in self if ok(m.record()))

    def count(self, *value: Any, **conditions: Any) -> int:
        """`count(status="delivered")`; with one positional argument, list.count as usual."""
        if value:
            return super().count(*value)
        return len(self.where(**conditions))

    def to_list(self) -> list[dict[str, Any]]:
        return [m.record() for m in self]

    def find(self, sid: str) -> Message:
        """The message with this SID (a unique prefix is enough)."""
        found = [m for m in self if m.sid.startswith(sid)]
        if len(found) != 1:
            raise KeyError(
                f"{'no message' if not found else 'several messages'} with a SID starting {sid!r}"
            )
        return found[0]

    def between(self, a: str, b: str) -> MessageLog:
        """The messages exchanged by two numbers, either way."""
        pair = {a, b}
        return MessageLog(m for m in self if {m.from_, m.to} == pair)

    def totals(self) -> MessageTotals:
        """Messages, segments and the price estimate (failed messages cost nothing)."""
        currency = self[0].price_unit if self else "USD"
        return MessageTotals(
            len(self),
            sum(m.num_segments for m in self),
            sum((m.price or Decimal(0) for m in self), Decimal(0)),
            currency,
            dict(Counter(m.status for m in self)),
            dict(Counter(m.encoding for m in self)),
        )

    def thread(self, a: str, b: str, *, ours: str | None = None) -> Thread:
        """The conversation between two numbers as chat bubbles (`ours` on the right)."""
        return Thread(self.between(a, b), a, b, ours=ours)

    def threads(self) -> Threads:
        """Every conversation, in the order each began."""
        pairs: dict[frozenset[str], list[Message]] = {}
        for m in self:
            pairs.setdefault(frozenset((m.from_, m.to)), []).append(m)
        return Threads(Thread(MessageLog(ms), ms[0].from_, ms[0].to) for ms in pairs.values())

    # -- display ------------------------------------------------------------------------------
    def _rows(self, limit: int) -> list[list[str]]:
        return [_row(m) for m in list(self)[:limit]]

    def __repr__(self) -> str:
        if not self:
            return "<MessageLog: no messages>"
        rows = self._rows(50)
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
        line = "  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()
        out = [line, "  ".join("-" * w for w in widths)]
        out += [
            "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        if len(self) > len(rows):
            out.append(f"... {len(self) - len(rows)} more")
        out.append(f"total: {self.totals()}")
        return "\n".join(out)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        rows = self._rows(200)
        head = "".join(f"<th>{c}</th>" for c in COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows
        )
        more = f"<div>... {len(self) - len(rows)} more</div>" if len(self) > len(rows) else ""
        return (
            f"<table class='telenb-messages'><tr>{head}</tr>{body}</table>{more}"
            f"<div style='font-size:90%'>total: {html.escape(str(self.totals()))}</div>"
        )


def _row(m: Message) -> list[str]:
    body = m.body.replace("\n", "\u21b5")
    return [
        m.sid[:10],
        m.from_,
        m.to,
        m.direction,
        m.status,
        str(m.num_segments),
        m.encoding,
        "" if m.price is None else str(m.price),
        str(m.error_code or ""),
        body if len(body) <= 40 else body[:39] + "…",
    ]
