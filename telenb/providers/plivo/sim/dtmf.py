"""Plivo's ``<DTMF>``: tones sent to the party on the call, as Plivo sends them.

The element's text is the digits (``0-9 * #``), with ``w`` for half a second's pause and
``W`` for a whole second (Plivo's digit pauses, as in the Call API's ``send_digits``).  With
``async="true"`` (the default) the document moves on once the first tone has gone and the
rest play on underneath; with ``async="false"`` it waits for the last.  A string with any
other character is not sent (Plivo ignores the element).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ....flow import verbs as V
from ....sim.media import Prompt
from ....sim.ops import PENDING, Op

TONE = 0.1  # seconds per tone (as docverbs' <Play digits>)
PAUSES = {"w": 0.5, "W": 1.0}
VALID = frozenset("0123456789*#wW")


def schedule(digits: str) -> tuple[list[tuple[float, str]], float]:
    """(when each key starts, relative to the first), and the length of the whole string."""
    at, keys = 0.0, []
    for ch in digits:
        if ch in PAUSES:
            at += PAUSES[ch]
        else:
            keys.append((round(at, 6), ch))
            at += TONE
    return keys, round(at, 6)


@dataclass
class DtmfVerb:
    digits: str
    wait_all: bool = False  # async="false"

    def sim_op(self, runner: Any) -> Op:
        return DtmfOp(runner, self)


class DtmfOp(Op):
    verb: DtmfVerb

    def start(self) -> Any:
        if not self.leg.answered:
            self.leg.answer()
        keys, total = schedule(self.verb.digits)
        prompt = Prompt(f"<dtmf {self.verb.digits}>", total)
        prompt.start = self.clock.now
        self.leg.trace(
            "dtmf", digits="".join(k for _, k in keys), sent=self.verb.digits,
            wait_all=self.verb.wait_all, duration=total,
        )  # fmt: skip
        self.runner.record_prompt(prompt)
        if self.leg.party is not None:
            self.leg.party.on_prompt(self.leg, prompt)
        first = keys[0][0] + TONE if keys else 0.0
        self.after(total if self.verb.wait_all else first, self.finish, V.Done())
        self.leg.op = self
        return PENDING
