"""Sweep-ready experiments: module-level functions taking `seed=` and returning small
picklable records, so `telenb.sim.sweeps.sweep` can run them on any executor.

    from telenb.sim.sweeps import grid, sweep
    from telenb.sim.experiments import erlang_point
    sweep(erlang_point, grid(trunks=[5, 10], erlangs=[3, 7]))

Erlang B and Engset points, a flow against many caller scripts, a recording archive.
"""

from __future__ import annotations

import functools
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from .carrier import Carrier
from .engset import engset_experiment
from .erlang import BlockingExperiment, blocking_experiment

if TYPE_CHECKING:
    from ..speech.types import Transcript


@dataclass(frozen=True)
class BlockingPoint:
    """One point of a blocking curve: simulation with its interval, and the formula."""

    trunks: int
    load: float  # offered Erlangs
    simulated: float
    low: float
    high: float
    formula: float
    model: str

    @property
    def agrees(self) -> bool:
        return self.low <= self.formula <= self.high

    @classmethod
    def of(cls, exp: BlockingExperiment) -> BlockingPoint:
        lo, hi = exp.interval
        return cls(exp.trunks, exp.erlangs, exp.mean, lo, hi, exp.formula, exp.formula_name)


def erlang_point(
    trunks: int,
    erlangs: float,
    *,
    seed: int,
    replications: int = 10,
    calls: int = 4_000,
    warmup: int = 500,
    holding: Any = 180.0,
) -> BlockingPoint:
    """Poisson traffic on a trunk group, against Erlang B."""
    exp = blocking_experiment(
        trunks,
        erlangs,
        replications=replications,
        calls=calls,
        warmup=warmup,
        holding=holding,
        seed=seed,
    )
    return BlockingPoint.of(exp)


def engset_point(
    sources: int,
    trunks: int,
    per_idle: float,
    *,
    seed: int,
    replications: int = 10,
    calls: int = 4_000,
    warmup: int = 500,
    holding: Any = 180.0,
) -> BlockingPoint:
    """A finite population of callers on a trunk group, against Engset."""
    exp = engset_experiment(
        sources,
        trunks,
        per_idle,
        replications=replications,
        calls=calls,
        warmup=warmup,
        holding=holding,
        seed=seed,
    )
    return BlockingPoint.of(exp)


@dataclass(frozen=True)
class FlowOutcome:
    """What one caller script met: the call's status, what was said, how long it took."""

    caller: str
    status: str | None
    duration: float
    said: tuple[str, ...]
    results: tuple[Any, ...]
    messages: int


def _load_flow(flow: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(flow):
        return flow
    path, sep, name = flow.rpartition(":")
    if not sep or not path.endswith(".py"):
        raise ConfigurationError(f"give the flow as a function or 'file.py:name', not {flow!r}")
    try:
        stamp = Path(path).stat().st_mtime_ns
    except OSError as exc:
        raise ConfigurationError(f"cannot read the flow's file {path}: {exc.strerror}") from None
    return _load_file(path, name, stamp)


@functools.lru_cache(maxsize=32)
def _load_file(path: str, name: str, stamp: int) -> Callable[..., Any]:
    """Run a flow's file once per worker (and again when it changes), not once per task."""
    del stamp  # part of the cache key only
    fn = runpy.run_path(path).get(name)
    if not callable(fn):
        raise ConfigurationError(f"{path} defines no function {name!r}")
    return fn


def flow_point(
    caller: str,
    *,
    flow: str | Callable[..., Any],
    seed: int,
    number: str = "+15550100",
) -> FlowOutcome:
    """One call of `flow` by a caller following `caller` (a script such as
    "say: red; press: 1"), on a fresh carrier seeded for this task.

    `flow` is a function (it must pickle to the workers: module-level, or any function
    under Dask's cloudpickle) or "path/to/file.py:name", loaded on the worker.
    """

    carrier = Carrier(seed=seed)
    carrier.app(number, _load_flow(flow))
    result = carrier.call(number, caller=caller)
    return FlowOutcome(
        caller,
        result.status,
        result.duration,
        tuple(result.said()),
        tuple(result.results()),
        len(result.messages),
    )


def transcribe_point(
    path: str,
    *,
    seed: int,
    engine: str | None = None,
    language: str = "en-US",
) -> Transcript:
    """One recording of an archive, transcribed (`telenb.speech.transcription.transcribe`).

    Recognisers are deterministic, so `seed` is unused; a sweep passes one to every task.
    Each worker loads the speech model once and keeps it for the tasks that follow.  Run it
    on Dask or on a pool started with `mp_context=multiprocessing.get_context("spawn")`:
    a process forked after the recogniser's threads have started can hang.
    """
    from ..speech.transcription import transcribe

    del seed
    return transcribe(path, engine, language=language)
