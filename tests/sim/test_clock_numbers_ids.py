"""Clock ordering, the real-time clock, E.164 numbers and SIDs."""

import time

import pytest

from telenb.errors import NumberError
from telenb.sim.clock import Clock, RealtimeClock
from telenb.sim.ids import SidFactory, is_sid
from telenb.sim.numbers import normalize


def test_events_run_in_time_order_and_fifo_at_equal_times():
    clock, out = Clock(), []
    clock.at(2.0, out.append, "c")
    clock.at(1.0, out.append, "a")
    clock.at(1.0, out.append, "b")
    cancelled = clock.at(1.5, out.append, "x")
    clock.cancel(cancelled)
    clock.run()
    assert out == ["a", "b", "c"] and clock.now == 2.0


def test_run_until_stops_and_advances_time():
    clock, out = Clock(), []
    clock.at(5.0, out.append, 5)
    clock.run(until=3.0)
    assert out == [] and clock.now == 3.0
    clock.run(stop=lambda: bool(out))
    assert out == [5]


def test_scheduling_in_the_past_runs_now():
    clock = Clock(start=10.0)
    seen = []
    clock.at(1.0, lambda: seen.append(clock.now))
    clock.run()
    assert seen == [10.0]


def test_realtime_clock_paces_events_by_the_wall_clock():
    clock, seen = RealtimeClock(speed=20.0), []
    clock.at(2.0, lambda: seen.append(time.monotonic()))
    start = time.monotonic()
    clock.run()
    # 2 simulated seconds at 20x must take about 0.1 s of wall time, not zero
    assert seen and seen[0] - start >= 0.09


def test_realtime_clock_takes_input_from_outside():
    clock, seen = RealtimeClock(speed=1.0), []
    clock.call_soon(seen.append, "key")
    clock.run()
    assert seen == ["key"]


@pytest.mark.parametrize(
    "raw,e164",
    [
        ("+15550100", "+15550100"),
        ("+1 (415) 555-1234", "+14155551234"),
        ("tel:+14155551234", "+14155551234"),
        ("4155551234", "+14155551234"),
        ("14075551111", "+14075551111"),
        ("+44 20 7183 8750", "+442071838750"),
        ("sip:alice@example.com", "sip:alice@example.com"),
        ("client:alice", "client:alice"),
    ],
)
def test_numbers_normalise_to_e164(raw, e164):
    assert normalize(raw) == e164


@pytest.mark.parametrize(
    "raw,words",
    [
        ("+1555", "too short"),
        ("12", "too short"),
        ("", "empty"),
        ("hello", "not a phone number"),
        ("+999123456", "country code"),
        (15550100, "must be a string"),
    ],
)
def test_bad_numbers_say_what_is_wrong(raw, words):
    with pytest.raises(NumberError, match=words):
        normalize(raw)


def test_sids_are_twilio_shaped_and_deterministic():
    a, b = SidFactory(7), SidFactory(7)
    first = [a.new("call"), a.new("message"), a.new("recording")]
    assert first == [b.new("call"), b.new("message"), b.new("recording")]
    assert [s[:2] for s in first] == ["CA", "SM", "RE"]
    assert all(is_sid(s) for s in first) and is_sid(first[0], "call")
    assert SidFactory(8).new("call") != first[0]
    assert not is_sid("CA123") and not is_sid("XX" + "0" * 32)


def test_realtime_run_until_keeps_later_events():
    clock, seen = RealtimeClock(speed=100.0), []
    clock.at(0.5, seen.append, "early")
    clock.at(3.0, seen.append, "late")
    time.sleep(0.05)  # both are due by the wall clock before run() looks at them
    clock.run(until=1.0)
    assert seen == ["early"] and clock.peek() == 3.0
    clock.run()
    assert seen == ["early", "late"]
