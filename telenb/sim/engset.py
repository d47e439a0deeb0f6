"""Finite-source blocking on the simulated carrier, checked against the Engset formula.

Erlang B assumes callers without end; a PBX with 40 extensions sharing 8 lines does not have
them: while extensions talk, fewer are left to call, so blocking is lower than Erlang B
predicts for the same load.  This experiment measures that on the carrier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError
from .carrier import Carrier
from .erlang import BlockingExperiment, engset


@dataclass(repr=False)
class EngsetExperiment(BlockingExperiment):
    """Blocking of `sources` callers on `trunks`, each offering `per_idle` Erlang when idle."""

    sources: int = 1
    per_idle: float = 0.0

    formula_name = "Engset"

    @property
    def formula(self) -> float:
        return engset(self.sources, self.trunks, self.per_idle)

    def _load(self) -> str:
        return f"{self.sources} sources x {self.per_idle:g} Erlang per idle source"


def engset_experiment(
    sources: int,
    trunks: int,
    per_idle: float,
    *,
    replications: int = 20,
    calls: int = 20_000,
    warmup: int = 1_000,
    holding: Any = 180.0,
    seed: int = 0,
    confidence: float = 0.95,
) -> EngsetExperiment:
    """`sources` callers on a group of `trunks`, in independent seeded replications.

    Like `blocking_experiment`, the first `warmup` calls of each replication are discarded.
    Engset's formula is insensitive to the holding distribution beyond its mean, so any
    `telenb.sim.traffic` distribution should agree with it.
    """

    if replications < 2:
        raise ConfigurationError("a confidence interval needs at least 2 replications")
    results, carried = [], []
    for i in range(replications):
        carrier = Carrier(seed=f"engset:{seed}:{i}")
        tg = carrier.trunk_group("trunks", trunks, "+1555*")
        src = carrier.sources(
            "+15550123",
            sources=sources,
            per_idle=per_idle,
            holding=holding,
            calls=warmup + calls,
        )
        carrier.run_until(lambda: src.offered >= warmup)  # noqa: B023 - runs right here
        tg.reset_stats(carrier.clock.now)
        carrier.run_until(lambda: src.offered >= warmup + calls)  # noqa: B023
        results.append(tg.blocking)
        carried.append(tg.carried_erlangs(carrier.clock.now))
    # the offered traffic: a source that is never blocked is busy b/(1+b) of the time
    return EngsetExperiment(
        trunks,
        sources * per_idle / (1 + per_idle),
        results,
        calls,
        confidence,
        carried,
        sources=sources,
        per_idle=per_idle,
    )
