"""Erlang B (lost calls cleared) and an experiment that checks the simulator against it."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigurationError

# A trunk group larger than any exchange's: the recursions below take one step per trunk, so
# without a bound `trunks_for(1e300, 0.01)` or `erlang_b(10**12, 5e11)` would never return.
MAX_TRUNKS = 1_000_000


def _check_erlangs(erlangs: float) -> None:
    try:
        ok = math.isfinite(erlangs) and erlangs >= 0
    except TypeError:
        ok = False
    if not ok:
        raise ConfigurationError(
            f"offered traffic must be a finite number >= 0 Erlangs, not {erlangs!r}"
        )


def erlang_b(trunks: int, erlangs: float) -> float:
    """Blocking probability of `trunks` circuits offered `erlangs` of Poisson traffic.

    Uses the stable recursion B(n) = A·B(n-1) / (n + A·B(n-1)), B(0) = 1.
    """
    if int(trunks) != trunks or trunks < 0:
        raise ConfigurationError(f"trunks must be a whole number >= 0, not {trunks!r}")
    _check_erlangs(erlangs)
    b = 1.0
    for n in range(1, int(trunks) + 1):
        b = erlangs * b / (n + erlangs * b)
        if b == 0.0:  # underflowed: every further step stays exactly 0
            break
        if n >= MAX_TRUNKS:
            raise ConfigurationError(
                f"{trunks} trunks is more than telenb computes (at most {MAX_TRUNKS:,} while "
                f"blocking is above zero); {erlangs:g} Erlang needs a group that large"
            )
    return b


def erlang_c(trunks: int, erlangs: float) -> float:
    """Probability that a call waits (queued, not lost) with `trunks` agents."""
    if erlangs >= trunks:
        return 1.0
    b = erlang_b(trunks, erlangs)
    return trunks * b / (trunks - erlangs * (1 - b))


def trunks_for(erlangs: float, blocking: float) -> int:
    """The fewest trunks whose Erlang B blocking does not exceed `blocking`."""
    if not 0 < blocking < 1:
        raise ConfigurationError(f"target blocking must be between 0 and 1, not {blocking!r}")
    _check_erlangs(erlangs)
    n, b = 0, 1.0
    while b > blocking:
        if n >= MAX_TRUNKS:
            raise ConfigurationError(
                f"{erlangs:g} Erlang at blocking {blocking:g} needs more than {MAX_TRUNKS:,} "
                "trunks, more than telenb computes"
            )
        n += 1
        b = erlangs * b / (n + erlangs * b)
    return n


@dataclass
class BlockingExperiment:
    """Blocking measured in independent replications, with a Student-t confidence interval."""

    trunks: int
    erlangs: float
    replications: list[float]
    calls_per_replication: int
    confidence: float = 0.95
    carried_erlangs: list[float] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return sum(self.replications) / len(self.replications)

    @property
    def std(self) -> float:
        m, r = self.mean, self.replications
        return math.sqrt(sum((x - m) ** 2 for x in r) / (len(r) - 1))

    @property
    def interval(self) -> tuple[float, float]:
        from scipy.stats import t

        n = len(self.replications)
        half = t.ppf(0.5 + self.confidence / 2, n - 1) * self.std / math.sqrt(n)
        return self.mean - half, self.mean + half

    @property
    def erlang_b(self) -> float:
        return erlang_b(self.trunks, self.erlangs)

    @property
    def agrees(self) -> bool:
        lo, hi = self.interval
        return lo <= self.erlang_b <= hi

    def __repr__(self) -> str:
        lo, hi = self.interval
        verdict = "inside" if self.agrees else "OUTSIDE"
        return (
            f"Blocking with {self.trunks} trunks at {self.erlangs:g} Erlang: "
            f"simulated {self.mean:.4f} (95% CI {lo:.4f} .. {hi:.4f}, "
            f"{len(self.replications)} replications x {self.calls_per_replication} calls); "
            f"Erlang B {self.erlang_b:.4f} is {verdict} the interval"
        )

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(repr(self))}</pre>"


def blocking_experiment(
    trunks: int,
    erlangs: float,
    *,
    replications: int = 20,
    calls: int = 20_000,
    warmup: int = 1_000,
    holding: Any = 180.0,
    seed: int = 0,
    confidence: float = 0.95,
) -> BlockingExperiment:
    """Offer `erlangs` of Poisson traffic to a trunk group in independent replications.

    Each replication is its own seeded carrier; the first `warmup` calls are discarded so the
    group starts from its steady state.  `holding` is a mean in seconds (exponential) or a
    distribution from `telenb.sim.traffic` (Erlang B depends on it only through its mean).
    """
    from .carrier import Carrier

    if replications < 2:
        raise ConfigurationError("a confidence interval needs at least 2 replications")
    results, carried = [], []
    for i in range(replications):
        carrier = Carrier(seed=f"{seed}:{i}")
        tg = carrier.trunk_group("trunks", trunks, "+1555*")
        traffic = carrier.traffic(
            "+15550123", erlangs=erlangs, holding=holding, calls=warmup + calls
        )
        carrier.run_until(lambda: traffic.offered >= warmup)  # noqa: B023 - runs right here
        tg.reset_stats(carrier.clock.now)
        carrier.run_until(lambda: traffic.offered >= warmup + calls)  # noqa: B023
        results.append(tg.blocking)
        carried.append(tg.carried_erlangs(carrier.clock.now))
    return BlockingExperiment(trunks, erlangs, results, calls, confidence, carried)
