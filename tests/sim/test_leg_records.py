"""A leg is a small record: containers only once used, nothing the collector must scan once a
signalling-only call is over, and a bounded size per finished call (issue 19)."""

import gc
import platform
import tracemalloc

import pytest

import telenb
from telenb.sim.leg import NO_HEADERS

CPYTHON = platform.python_implementation() == "CPython"


def _load(calls: int, trace: bool = False) -> telenb.Carrier:
    carrier = telenb.Carrier(seed=2)
    carrier.trunk_group("pstn", 3, "+1555*")
    carrier.traffic("+15550123", rate=1.0, holding=5.0, calls=calls, trace=trace)
    carrier.run()
    return carrier


def _shop(call):
    call.say("Hello")
    call.ask("Which colour?", choices="red, blue", timeout=5)
    call.hangup()


def test_a_finished_call_leg_holds_no_empty_containers():
    carrier = telenb.Carrier(seed=1)
    carrier.app("+15550100", _shop)
    carrier.phone("+15550123")
    carrier.call("+15550100", caller="say: red")
    carrier.call("+15550123", caller="wait: 2s; hangup")  # person to person: a child leg
    assert len(carrier.legs) == 3
    for leg in carrier.legs:
        live = leg._live
        for name in ("children", "timers", "on_end"):
            held = getattr(live, name)
            assert held == () or (type(held) is list and held), (leg, name, held)
        assert live.headers is NO_HEADERS or (type(live.headers) is dict and live.headers)
    parent, child = carrier.legs[1], carrier.legs[2]
    assert parent.children == [child] and child.parent is parent and child.hops == 1
    assert all(leg.timers == () for leg in carrier.legs)  # cancelled and dropped at hang-up


def test_headers_given_to_a_call_are_kept_as_a_copy_and_none_share_one_empty_mapping():
    carrier = telenb.Carrier(seed=1)
    carrier.app("+15550100", _shop)
    given = {"x-Ref": "42"}
    with_headers = carrier.call("+15550100", caller="say: red", headers=given).leg
    without = carrier.call("+15550100", caller="say: red").leg
    given["x-Ref"] = "changed"
    assert with_headers.headers == {"x-Ref": "42"}
    assert without.headers == {} and without.headers is NO_HEADERS


def test_signalling_only_legs_have_no_live_part_and_keep_their_record():
    carrier = _load(40)
    legs = carrier.legs
    assert len(legs) == 40 and all(leg._live is None for leg in legs)
    blocked = [leg for leg in legs if leg.status == "failed"]
    assert blocked and len(blocked) == carrier.trunk_groups[0].blocked
    rec = legs[0].record()
    assert rec["status"] == "completed" and rec["direction"] == "inbound"
    assert rec["start_time"] == rec["answer_time"] == legs[0].created
    assert rec["end_time"] > rec["start_time"] and rec["ended_by"] == "caller"
    assert (legs[0].parent, legs[0].children, legs[0].headers) == (None, (), {})
    assert legs[0].network == "PSTN" and legs[0].carrier is carrier
    assert blocked[0].record()["cause"] == "all circuits busy (Q.850 cause 34)"


@pytest.mark.skipif(not CPYTHON, reason="untracking records is CPython's collector API")
def test_finished_signalling_legs_are_not_scanned_by_the_collector_and_return_when_touched():
    carrier = _load(40)
    assert not any(gc.is_tracked(leg) for leg in carrier.legs)
    leg = carrier.legs[0]
    leg.op = object()  # something now hangs off it: it could be in a cycle, so it is scanned
    assert gc.is_tracked(leg) and leg._live is not None and leg.op is not None
    assert leg.record()["status"] == "completed"


def test_a_traced_signalling_run_gives_the_same_trace_as_before():
    carrier = _load(6, trace=True)
    kinds = [(e.sid == carrier.legs[0].sid, e.kind, e.data.get("status")) for e in carrier.trace]
    assert kinds[:2] == [(True, "status", "in-progress"), (False, "status", "in-progress")]
    first = carrier.trace.filter(sid=carrier.legs[0].sid)
    assert [e.data["status"] for e in first] == ["in-progress", "completed"]
    assert first[0].data == {"status": "in-progress", "from": "+15550199", "to": "+15550123"}
    blocked = [leg for leg in carrier.legs if leg.status == "failed"]
    for leg in blocked:
        assert [e.kind for e in carrier.trace.filter(sid=leg.sid)] == ["blocked", "status"]


def test_a_finished_signalling_call_keeps_at_most_300_bytes():
    """Python allocations the records keep after the run (tracemalloc: deterministic)."""
    carrier = telenb.Carrier(seed=2)
    carrier.trunk_group("pstn", 2000, "+1555*")
    calls = 20_000
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        carrier.traffic("+15550123", rate=50.0, holding=20.0, calls=calls)
        carrier.run()
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(carrier.legs) == calls
    assert kept / calls <= 300, f"{kept / calls:.0f} bytes per finished call"
