"""Engset: the formula against its closed form and its known limits, and the carrier's
finite-source traffic against the formula."""

from __future__ import annotations

import itertools
import math

import pytest

import telenb
from telenb.errors import ConfigurationError
from telenb.sim.engset import engset_experiment
from telenb.sim.erlang import engset, engset_time_congestion, erlang_b
from telenb.sim.traffic import lognormal


def closed_form_time_congestion(sources: int, trunks: int, b: float) -> float:
    """Engset's distribution truncated at `trunks`, summed directly (not the recursion)."""
    terms = [math.comb(sources, k) * b**k for k in range(trunks + 1)]
    return terms[-1] / sum(terms)


@pytest.mark.parametrize(
    "s,n,b", [(4, 2, 1 / 3), (10, 3, 0.2), (20, 8, 0.3), (50, 10, 0.1), (7, 6, 2.0)]
)
def test_recursion_matches_the_closed_form(s, n, b):
    assert engset_time_congestion(s, n, b) == pytest.approx(
        closed_form_time_congestion(s, n, b), rel=1e-12
    )
    # an arriving caller sees the other S-1 sources: call congestion = E(S-1)
    assert engset(s, n, b) == pytest.approx(closed_form_time_congestion(s - 1, n, b), rel=1e-12)


def test_hand_computed_values():
    # 4 sources, 2 trunks, b = 1/3: E(3 sources) = 3b^2 / (1 + 3b + 3b^2) = 1/7
    assert engset(4, 2, 1 / 3) == pytest.approx(1 / 7, rel=1e-12)
    assert engset_time_congestion(4, 2, 1 / 3) == pytest.approx(2 / 9, rel=1e-12)
    # one trunk: the caller is blocked iff one of the other S-1 talks
    assert engset(5, 1, 0.5) == pytest.approx(4 * 0.5 / (1 + 4 * 0.5), rel=1e-12)


def test_no_blocking_with_a_trunk_per_other_caller():
    assert engset(5, 5, 3.0) == 0.0  # the other 4 callers can hold at most 4 trunks
    assert engset(5, 6, 3.0) == 0.0 and engset(5, 4, 3.0) == pytest.approx(0.75**4)
    assert engset(1, 0, 1.0) == 1.0  # no trunks at all: every call is blocked


@pytest.mark.parametrize("n,a", [(10, 7.0), (5, 2.0), (20, 12.0)])
def test_tends_to_erlang_b_as_sources_grow(n, a):
    gaps = [abs(engset(s, n, a / s) - erlang_b(n, a)) for s in (100, 1_000, 10_000, 100_000)]
    assert all(later < earlier for earlier, later in itertools.pairwise(gaps))
    assert gaps[-1] < 2e-3 * erlang_b(n, a)  # within 0.2% at 100,000 sources
    assert gaps[-1] < gaps[0] / 500  # the gap shrinks like 1/S
    # and a finite population always blocks less than Erlang B at the same total b·S
    assert engset(30, n, a / 30) < erlang_b(n, a)


def test_bad_arguments_are_refused():
    with pytest.raises(ConfigurationError):
        engset(0, 3, 0.1)
    with pytest.raises(ConfigurationError):
        engset(10, -1, 0.1)
    with pytest.raises(ConfigurationError):
        engset(10, 3, float("nan"))
    with pytest.raises(ConfigurationError):
        engset(2.5, 3, 0.1)


def test_finite_sources_on_the_carrier_block_as_engset_says():
    exp = engset_experiment(20, 8, 0.3, replications=12, calls=6_000, seed=1)
    lo, hi = exp.interval
    assert lo <= engset(20, 8, 0.3) <= hi, repr(exp)
    assert hi - lo < 0.01
    # and not as Erlang B says for the same offered traffic: the finite model matters
    assert not lo <= erlang_b(8, exp.erlangs) <= hi
    assert "Engset" in repr(exp) and "20 sources" in repr(exp)


def test_a_wrong_per_source_load_would_be_caught():
    exp = engset_experiment(20, 8, 0.45, replications=8, calls=4_000, seed=2)
    lo, hi = exp.interval
    assert not lo <= engset(20, 8, 0.3) <= hi


def test_engset_is_insensitive_to_the_holding_distribution():
    exp = engset_experiment(
        15, 5, 0.25, replications=12, calls=5_000, seed=3, holding=lognormal(120, 0.8)
    )
    assert exp.agrees, repr(exp)


def test_sources_generator_counts_and_is_deterministic():
    def run(seed):
        carrier = telenb.Carrier(seed=seed)
        tg = carrier.trunk_group("t", 2, "*")
        src = carrier.sources("+15550123", sources=6, per_idle=0.5, holding=60, calls=300)
        carrier.run()
        return src.offered, src.blocked, tg.blocked, tg.busy

    offered, blocked, tg_blocked, busy = run(1)
    assert offered == 300 and blocked == tg_blocked > 0 and busy == 0
    assert run(1) == run(1) and run(1) != run(2)
    carrier = telenb.Carrier()
    with pytest.raises(ConfigurationError):
        carrier.sources("+15550123", sources=0, per_idle=0.5, calls=10)
    with pytest.raises(ConfigurationError):
        carrier.sources("+15550123", sources=3, calls=10)  # no load given
