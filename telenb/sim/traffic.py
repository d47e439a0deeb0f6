"""Traffic generators for load experiments: Poisson arrivals (infinite sources, Erlang B) or a
finite population of callers (Engset), with any holding-time distribution.

Signalling-only calls (the default) seize a trunk, hold it and release it, leaving a call
record; they skip parties and flows so a carrier can push hundreds of thousands of calls.
With `signalling_only=False` every arrival is a full simulated call (parties, flows, trace).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import ConfigurationError
from .leg import Leg, retire

if TYPE_CHECKING:
    from .carrier import Carrier
    from .trunks import TrunkGroup


class Holding:
    """A holding-time distribution that knows its mean (so offered Erlangs are exact)."""

    def __init__(self, mean: float, draw: Callable[[random.Random], float], label: str):
        if not mean > 0:
            raise ConfigurationError(f"the mean holding time must be positive, not {mean!r}")
        self.mean, self._draw, self.label = float(mean), draw, label

    def __call__(self, rng: random.Random) -> float:
        return self._draw(rng)

    def __repr__(self) -> str:
        return self.label


def exponential(mean: float) -> Holding:
    """Exponential holding times (the classic telephone call), mean in seconds."""
    return Holding(mean, lambda rng: rng.expovariate(1.0 / mean), f"exponential({mean:g})")


def constant(seconds: float) -> Holding:
    return Holding(seconds, lambda rng: seconds, f"constant({seconds:g})")


def uniform(low: float, high: float) -> Holding:
    return Holding(
        (low + high) / 2, lambda rng: rng.uniform(low, high), f"uniform({low:g}, {high:g})"
    )


def lognormal(mean: float, sigma: float = 0.5) -> Holding:
    """Log-normal holding times with the given mean (closer to measured call lengths)."""

    mu = math.log(mean) - sigma * sigma / 2
    return Holding(
        mean, lambda rng: rng.lognormvariate(mu, sigma), f"lognormal({mean:g}, {sigma:g})"
    )


class Traffic:
    """Calls offered to `to` at `rate` per second (or `erlangs` of load), until `calls` have
    arrived or `duration` seconds have passed."""

    def __init__(
        self,
        carrier: Carrier,
        to: str | Callable[[random.Random], str],
        *,
        rate: float | None = None,
        erlangs: float | None = None,
        holding: float | Callable[[random.Random], float] = 180.0,
        calls: int | None = None,
        duration: float | None = None,
        start: float | None = None,
        from_: str = "+15550199",
        signalling_only: bool = True,
        caller: str | None = None,
        trace: bool = False,
        stream: str = "traffic",
    ):
        if not callable(holding):
            holding = exponential(float(holding))
        mean = getattr(holding, "mean", None)
        if (rate is None) == (erlangs is None):
            raise ConfigurationError("give the load as rate= (calls per second) or erlangs=")
        if erlangs is not None:
            if mean is None:
                raise ConfigurationError(
                    "with erlangs= the holding time needs a known mean: give holding= as "
                    "seconds, a telenb.sim.traffic distribution, or use rate="
                )
            rate = float(erlangs) / mean
        if rate is None or rate <= 0:
            raise ConfigurationError(f"the arrival rate must be positive, not {rate!r}")
        if calls is None and duration is None:
            raise ConfigurationError("say when to stop: calls=N or duration=seconds")
        self.carrier = carrier
        self.rate = float(rate)
        self.holding = holding
        self.mean_holding = mean
        self.limit_calls = calls
        self.start_time = carrier.clock.now if start is None else float(start)
        self.end_time = None if duration is None else self.start_time + float(duration)
        self.to = to if callable(to) else carrier.normalize(to)
        self.from_ = carrier.normalize(from_)
        self.signalling_only = signalling_only
        self.caller = caller
        self.trace = trace
        self.rng = random.Random(f"{stream}:{carrier.seed}")
        self.offered = 0
        self.legs: list[Leg] = []
        carrier.clock.at(self.start_time + self.rng.expovariate(self.rate), self._arrive)

    def _arrive(self) -> None:
        carrier = self.carrier
        clock = carrier.clock
        now = clock.now
        if self.end_time is not None and now > self.end_time:
            return
        self.offered += 1
        rng = self.rng
        to = self.to(rng) if callable(self.to) else self.to
        holding = self.holding
        # a telenb distribution is drawn from directly (one call less per arrival)
        hold = holding._draw(rng) if type(holding) is Holding else holding(rng)
        if self.signalling_only:
            self.legs.append(signalling_call(carrier, self.from_, to, hold, self.trace))
        else:
            script = f"{self.caller + '; ' if self.caller else ''}wait: {hold:.6f}s; hangup"
            leg = carrier.call(to, caller=script, from_=self.from_, run=False).leg
            if leg is not None:  # a caller's call always has its first leg
                self.legs.append(leg)
        if self.limit_calls is None or self.offered < self.limit_calls:
            clock.at(clock.now + rng.expovariate(self.rate), self._arrive)

    @property
    def blocked(self) -> int:
        return sum(1 for leg in self.legs if leg.cause and "circuits busy" in leg.cause)

    def __repr__(self) -> str:
        return (
            f"<Traffic to {self.to}: {self.rate:.4g} calls/s, offered {self.offered}, "
            f"blocked {self.blocked}>"
        )


class FiniteSources:
    """`sources` callers who each call `to` after an idle time, hold the call, and go idle
    again; a blocked caller goes idle at once (lost calls cleared).  This is Engset's model:
    the fewer callers are idle, the fewer calls arrive.

    `per_idle` is the traffic one idle source offers, in Erlang (its calling rate while idle
    x the mean holding time); give `rate` (calls per second per idle source) instead if the
    holding distribution has no known mean.  Calls are signalling only.
    """

    def __init__(
        self,
        carrier: Carrier,
        to: str,
        *,
        sources: int,
        per_idle: float | None = None,
        rate: float | None = None,
        holding: float | Callable[[random.Random], float] = 180.0,
        idle: Callable[[random.Random, float], float] | None = None,
        calls: int,
        from_: str = "+15550199",
        trace: bool = False,
        stream: str = "sources",
    ):
        if int(sources) != sources or sources < 1:
            raise ConfigurationError(f"sources must be a whole number >= 1, not {sources!r}")
        if not callable(holding):
            holding = exponential(float(holding))
        if (rate is None) == (per_idle is None):
            raise ConfigurationError("give the load as per_idle= (Erlang) or rate= (calls/s)")
        if per_idle is not None:
            mean = getattr(holding, "mean", None)
            if mean is None:
                raise ConfigurationError("per_idle= needs a holding time with a known mean")
            rate = float(per_idle) / mean
        if rate is None or not rate > 0:
            raise ConfigurationError(f"the calling rate must be positive, not {rate!r}")
        self.carrier, self.to = carrier, carrier.normalize(to)
        self.from_, self.trace = carrier.normalize(from_), trace
        self.sources, self.rate, self.holding = int(sources), float(rate), holding
        # idle times are exponential unless given: idle(rng, rate) -> seconds
        self._idle_time = idle or (lambda rng, r: rng.expovariate(r))
        self.limit_calls = int(calls)
        self.rng = random.Random(f"{stream}:{carrier.seed}")
        self.offered = self.blocked = 0
        now = carrier.clock.now
        for _ in range(self.sources):
            carrier.clock.at(now + self._idle_time(self.rng, self.rate), self._arrive)

    def _arrive(self) -> None:
        if self.offered >= self.limit_calls:
            return
        clock = self.carrier.clock
        self.offered += 1
        hold = self.holding(self.rng)
        leg = signalling_call(self.carrier, self.from_, self.to, hold, self.trace)
        if leg.status == "failed":
            self.blocked += 1
            self._go_idle()
        else:  # scheduled after the call's own end, so the trunk is free again by then
            clock.at(clock.now + max(hold, 0.0), self._go_idle)

    def _go_idle(self) -> None:
        clock = self.carrier.clock
        clock.at(clock.now + self._idle_time(self.rng, self.rate), self._arrive)

    def __repr__(self) -> str:
        return (
            f"<FiniteSources {self.sources} callers to {self.to}: offered {self.offered}, "
            f"blocked {self.blocked}>"
        )


def signalling_call(carrier: Carrier, from_: str, to: str, hold: float, trace: bool) -> Leg:
    """A call that only occupies the network: set up, held for `hold` seconds, released."""
    clock = carrier.clock
    now = clock.now
    leg = Leg.signalling(carrier, carrier.sids.new("call"), from_, to, now, trace)
    carrier.legs.append(leg)
    seized: tuple[TrunkGroup, ...] = ()
    for tg in carrier.trunk_groups:
        if tg.matches(to):
            if not tg.seize(now):
                for held in seized:
                    held.release(now)
                leg.status, leg.ended_at = "failed", now
                leg.cause, leg.end_reason = "all circuits busy (Q.850 cause 34)", "network"
                if trace:
                    leg.trace("blocked", trunk_group=tg.name, capacity=tg.capacity)
                    leg.trace("status", status="failed", cause=leg.cause)
                retire(leg)
                return leg
            seized += (tg,)
    leg.status, leg.answered_at, leg.answered_by = "in-progress", now, "human"
    if trace:
        leg.trace("status", status="in-progress", **{"from": from_, "to": to})
    clock.at(now + hold if hold > 0 else now, _end_signalling, leg, seized)
    return leg


def _end_signalling(leg: Leg, seized: tuple[TrunkGroup, ...]) -> None:
    now = leg.clock.now
    for tg in seized:
        tg.release(now)
    leg.status, leg.ended_at, leg.end_reason = "completed", now, "caller"
    if leg.trace_on:
        leg.trace("status", status="completed")
    retire(leg)
