"""Trunk groups, the traffic generator, and agreement with the Erlang B formula."""

import pytest

import telenb
from telenb.errors import ConfigurationError
from telenb.sim.erlang import blocking_experiment, erlang_b, erlang_c, trunks_for
from telenb.sim.traffic import constant, lognormal, uniform


@pytest.mark.parametrize(
    "n,a,b",  # published Erlang B table values
    [
        (1, 1.0, 0.5),
        (2, 1.0, 0.2),
        (10, 7.0, 0.0787),
        (5, 2.0, 0.0367),
        (20, 12.0, 0.0098),
        (30, 20.0, 0.0085),
        (0, 3.0, 1.0),
    ],
)
def test_erlang_b_matches_published_values(n, a, b):
    assert erlang_b(n, a) == pytest.approx(b, abs=5e-5)


def test_erlang_helpers():
    assert trunks_for(7, 0.01) == 14 and erlang_b(14, 7) <= 0.01 < erlang_b(13, 7)
    assert erlang_c(10, 7) == pytest.approx(0.2217, abs=5e-4)  # published Erlang C value
    with pytest.raises(ConfigurationError):
        erlang_b(-1, 3)
    with pytest.raises(ConfigurationError):
        trunks_for(3, 1.5)


def test_simulated_blocking_agrees_with_erlang_b_n10_a7():
    exp = blocking_experiment(10, 7.0, replications=20, calls=10_000, seed=1)
    lo, hi = exp.interval
    assert lo <= erlang_b(10, 7.0) <= hi, repr(exp)
    assert hi - lo < 0.01  # the interval is tight enough to mean something
    # Little's law: carried traffic = offered x (1 - blocking)
    carried = sum(exp.carried_erlangs) / len(exp.carried_erlangs)
    assert carried == pytest.approx(7.0 * (1 - exp.mean), rel=0.03)


def test_a_wrong_model_would_be_caught():
    """The same experiment offered 9 Erlang must disagree with Erlang B at 7 Erlang."""
    exp = blocking_experiment(10, 9.0, replications=10, calls=5_000, seed=2)
    lo, hi = exp.interval
    assert not lo <= erlang_b(10, 7.0) <= hi


def test_erlang_b_is_insensitive_to_the_holding_distribution():
    exp = blocking_experiment(
        10, 7.0, replications=12, calls=8_000, seed=3, holding=lognormal(180, 0.8)
    )
    assert exp.agrees, repr(exp)


def test_blocked_calls_fail_as_a_network_blocks_them():
    carrier = telenb.Carrier()
    tg = carrier.trunk_group("pstn", 2, "+1555*")
    carrier.phone("+15550123", script="wait: 30s; hangup")
    results = [carrier.call("+15550123", run=False) for _ in range(3)]
    carrier.run()
    assert [r.status for r in results] == ["completed", "completed", "failed"]
    assert "all circuits busy" in results[2].leg.cause
    assert (tg.offered, tg.blocked, tg.peak, tg.busy) == (3, 1, 2, 0)
    assert results[2].trace.filter("blocked")[0]["capacity"] == 2


def test_traffic_generator_counts_and_is_deterministic():
    def run(seed):
        carrier = telenb.Carrier(seed=seed)
        carrier.trunk_group("t", 3, "*")
        tr = carrier.traffic("+15550123", rate=0.1, holding=constant(20), calls=200)
        carrier.run()
        return tr.offered, tr.blocked, [leg.sid for leg in tr.legs][:3]

    assert run(1) == run(1) and run(1) != run(2)
    offered, blocked, _ = run(1)
    assert offered == 200 and 0 < blocked < 200


def test_traffic_with_full_calls_uses_flows_and_parties():
    carrier = telenb.Carrier(seed=1)
    carrier.app("+15550100", lambda call: call.ask("Menu?", choices="[1 DIGIT]"))
    tr = carrier.traffic(
        "+15550100",
        rate=0.5,
        holding=uniform(5, 10),
        calls=20,
        signalling_only=False,
        caller="press: 1",
    )
    carrier.run()
    assert len(tr.legs) == 20
    assert len(carrier.trace.filter("result")) == 20


def test_distributions_carry_their_mean_so_the_load_is_exact():
    assert lognormal(200, 0.8).mean == 200 and uniform(5, 15).mean == 10
    carrier = telenb.Carrier()
    tr = carrier.traffic("+15550123", erlangs=7, holding=lognormal(200, 0.8), calls=1)
    assert tr.rate == pytest.approx(7 / 200)
    with pytest.raises(ConfigurationError, match="needs a known mean"):
        carrier.traffic("+15550123", erlangs=7, holding=lambda rng: 3.0, calls=1)


def test_traffic_options_are_checked():
    carrier = telenb.Carrier()
    with pytest.raises(ConfigurationError, match=r"rate= .* or erlangs="):
        carrier.traffic("+15550123", calls=1)
    with pytest.raises(ConfigurationError, match="when to stop"):
        carrier.traffic("+15550123", rate=1)
    with pytest.raises(ConfigurationError, match="positive"):
        carrier.traffic("+15550123", rate=-1, calls=1)
