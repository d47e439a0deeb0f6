"""Erlang B and Engset (lost calls cleared) and an experiment that checks the simulator
against them."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigurationError
from .carrier import Carrier

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


def _check_trunks(trunks: int) -> None:
    if int(trunks) != trunks or trunks < 0:
        raise ConfigurationError(f"trunks must be a whole number >= 0, not {trunks!r}")
    if trunks > MAX_TRUNKS:
        raise ConfigurationError(f"{trunks} trunks is more than telenb computes ({MAX_TRUNKS:,})")


def engset_time_congestion(sources: int, trunks: int, per_idle: float) -> float:
    """Fraction of time all `trunks` are busy with `sources` callers, each offering
    `per_idle` Erlang while idle (calling rate while idle x mean holding time).

    Uses the recursion E(n) = (S-n+1)·b·E(n-1) / (n + (S-n+1)·b·E(n-1)), E(0) = 1, the
    finite-source twin of Erlang B's.
    """
    if int(sources) != sources or sources < 0:
        raise ConfigurationError(f"sources must be a whole number >= 0, not {sources!r}")
    _check_trunks(trunks)
    _check_erlangs(per_idle)
    if trunks > sources:
        return 0.0  # more trunks than callers: they can never all be busy
    e = 1.0
    for n in range(1, int(trunks) + 1):
        x = (sources - n + 1) * per_idle * e
        e = x / (n + x)
        if e == 0.0:
            break
    return e


def engset(sources: int, trunks: int, per_idle: float) -> float:
    """Engset blocking: the probability that a call finds all `trunks` busy when `sources`
    callers each offer `per_idle` Erlang while idle (blocked calls cleared).

    This is the call congestion, which a trunk group's `blocking` measures: an arriving
    caller sees the other S-1 sources, so it is the time congestion with one source fewer.
    As sources grow with sources·per_idle = A fixed, it tends to Erlang B(trunks, A).
    """
    if int(sources) != sources or sources < 1:
        raise ConfigurationError(f"sources must be a whole number >= 1, not {sources!r}")
    return engset_time_congestion(sources - 1, trunks, per_idle)


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
    def formula(self) -> float:
        """The blocking the model predicts (Erlang B here; Engset for finite sources)."""
        return self.erlang_b

    formula_name = "Erlang B"

    @property
    def agrees(self) -> bool:
        lo, hi = self.interval
        return lo <= self.formula <= hi

    def _load(self) -> str:
        return f"{self.erlangs:g} Erlang"

    def __repr__(self) -> str:
        lo, hi = self.interval
        verdict = "inside" if self.agrees else "OUTSIDE"
        return (
            f"Blocking with {self.trunks} trunks at {self._load()}: "
            f"simulated {self.mean:.4f} (95% CI {lo:.4f} .. {hi:.4f}, "
            f"{len(self.replications)} replications x {self.calls_per_replication} calls); "
            f"{self.formula_name} {self.formula:.4f} is {verdict} the interval"
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
