"""The safety rails every live backend shares: the allow-list, the one confirmation before
the first real call, and what a call would cost (from a simulated run of the flow).

A flow under development must never ring a stranger or spend money by surprise, whichever
vendor it runs on, so these rules live once, here, with the same messages everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import ConfigurationError, FlowError, NumberError
from ...sim.numbers import matches, normalize


def ask_on_terminal(question: str) -> bool:
    """The default confirmation: a yes typed on the terminal (or the notebook's prompt)."""
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


class Rails:
    """Numbers normalised and checked against the allow-list; the first real call confirmed."""

    def __init__(
        self,
        vendor: str,
        allow: Iterable[str] = (),
        *,
        region: str = "US",
        confirm: Callable[[str], bool] | None = None,
    ):
        self.vendor = vendor
        self.region = region
        self.allow = [self.number(a) if not a.endswith("*") else a for a in allow]
        self.confirm = confirm or ask_on_terminal
        self.confirmed = False

    def number(self, number: str) -> str:
        try:
            return normalize(number, self.region)
        except NumberError as exc:
            raise ConfigurationError(str(exc)) from None

    def allowed(self, number: str, what: str) -> str:
        """`number` in E.164, or a ConfigurationError when it is not on the allow-list."""
        num = self.number(number)
        if not any(matches(pattern, num) for pattern in self.allow):
            raise ConfigurationError(
                f"{num} is not on the allow-list, so telenb will not {what} it; pass "
                f"allow=[{num!r}] (or a prefix such as '+1555*') to connect()"
            )
        return num

    def confirm_first(self, origin: str, to: str, cost: Any) -> None:
        """Ask once per backend before the first real call; a no raises FlowError."""
        if self.confirmed:
            return
        question = (
            f"Place a REAL call from {origin} to {to} through {self.vendor}? It will cost "
            f"{cost}. Type yes to go on: "
        )
        if not self.confirm(question):
            raise FlowError(f"the call was not confirmed; nothing was sent to {self.vendor}")
        self.confirmed = True


@dataclass
class Estimate:
    """What a call would cost, from a simulated run of the flow."""

    seconds: float
    minutes: int
    messages: int
    segments: int
    cost: float
    rates: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = [f"{self.minutes} min at ${self.rates['outbound_minute']:g}/min"]
        if self.segments:
            parts.append(f"{self.segments} SMS segment(s) at ${self.rates['sms_segment']:g}")
        return f"about ${self.cost:.4f} ({' + '.join(parts)}; assumed rates, see rates=)"


def estimate(seconds: float, messages: list[Any], rates: Mapping[str, float]) -> Estimate:
    """The cost of a call lasting `seconds` that sent `messages` (billed by the minute)."""
    minutes = max(1, -(-int(seconds) // 60)) if seconds else 0
    segments = sum(m.num_segments for m in messages)
    cost = minutes * rates["outbound_minute"] + segments * rates["sms_segment"]
    return Estimate(seconds, minutes, len(messages), segments, cost, dict(rates))


@dataclass
class DryRun:
    """What `call()` would have done: the REST request, the document steps, the cost."""

    request: Any
    steps: Any
    estimate: Estimate
    vendor: str = "Twilio"
    markup: str = "TwiML"

    def __str__(self) -> str:
        req = self.request
        auth = req.headers.get("Authorization", "")
        return (
            f"DRY RUN - nothing was sent to {self.vendor}.\n"
            f"REST request that would be made:\n  {req.method} {req.url}\n  "
            f"{req.body.decode()}\n  Authorization: {auth}\n\n"
            f"{self.steps}\n\nEstimated cost: {self.estimate}"
        )

    def __repr__(self) -> str:
        """Short, because `call()` has already printed the whole report."""
        req = self.request
        last = req.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return (
            f"<DryRun {req.method} {last}: {len(self.steps)} {self.markup} step(s), "
            f"{self.estimate}>"
        )
