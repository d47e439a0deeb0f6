"""Trunk groups: a fixed number of circuits; calls beyond it are blocked (lost calls cleared)."""

from __future__ import annotations

from ..errors import ConfigurationError
from .numbers import matches


class TrunkGroup:
    """Counts offered, carried and blocked calls and the time-weighted occupancy (Erlangs)."""

    def __init__(self, name: str, capacity: int, patterns: list[str]):
        if int(capacity) != capacity or capacity < 0:
            raise ConfigurationError(
                f"trunk capacity must be a whole number >= 0, not {capacity!r}"
            )
        self.name = name
        self.capacity = int(capacity)
        self.patterns = patterns
        self.busy = 0
        self.offered = 0
        self.blocked = 0
        self.peak = 0
        self._area = 0.0  # integral of busy circuits over time
        self._last = 0.0
        self._since = 0.0
        self._matches: dict[str, bool] = {}

    def matches(self, number: str) -> bool:
        hit = self._matches.get(number)
        if hit is None:
            hit = any(p == "*" or matches(p, number) for p in self.patterns)
            if len(self._matches) < 100_000:
                self._matches[number] = hit
        return hit

    def _account(self, now: float) -> None:
        self._area += self.busy * (now - self._last)
        self._last = now

    def seize(self, now: float) -> bool:
        self.offered += 1
        busy = self.busy
        if busy >= self.capacity:
            self.blocked += 1
            return False
        self._area += busy * (now - self._last)  # _account, inlined: once per call
        self._last = now
        self.busy = busy = busy + 1
        if busy > self.peak:
            self.peak = busy
        return True

    def release(self, now: float) -> None:
        busy = self.busy
        self._area += busy * (now - self._last)
        self._last = now
        self.busy = busy - 1

    def reset_stats(self, now: float) -> None:
        """Start measuring afresh (after a warm-up period), keeping calls in progress."""
        self.offered = self.blocked = 0
        self.peak = self.busy
        self._area = 0.0
        self._last = self._since = now

    @property
    def carried(self) -> int:
        return self.offered - self.blocked

    @property
    def blocking(self) -> float:
        return self.blocked / self.offered if self.offered else 0.0

    def carried_erlangs(self, now: float) -> float:
        """Mean number of busy circuits since the last reset."""
        self._account(now)
        span = now - self._since
        return self._area / span if span > 0 else 0.0

    def __repr__(self) -> str:
        return (
            f"<TrunkGroup {self.name!r} {self.busy}/{self.capacity} busy, offered "
            f"{self.offered}, blocked {self.blocked} ({self.blocking:.2%})>"
        )
