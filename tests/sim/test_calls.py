"""Calls on the carrier: statuses, records, determinism, concurrency, routing failures."""

import json

import pytest

import telenb
from telenb.errors import NumberError
from telenb.sim.ids import is_sid

from .helpers import APP, example_flow, run_flow

shop = example_flow("dress_shop.py", "dress_shop")


def test_the_dress_shop_example_runs_as_shown():
    result = run_flow(shop, telenb.Caller("say: purple; say: red"), seed=7)
    assert result.status == "completed"
    assert result.results() == [("badChoice", "purple"), ("choice", "red")]
    assert result.said() == [
        "Hello, how are you today?",
        "What color dress do you want? Choose from black, red, blue or green.",
        "I didn't understand.",
        "What color dress do you want? Choose from black, red, blue or green.",
        "Then you should get a red dress! I'll text you a link.",
    ]
    [msg] = result.messages
    assert msg.to == "+15550199" and msg.body.endswith("/red") and msg.status == "delivered"
    assert result.statuses() == ["initiated", "ringing", "in-progress", "completed"]


def test_status_timestamps_and_durations_are_consistent():
    result = run_flow(shop, "say: red")
    rec = result.carrier.calls[0]
    assert rec["status"] == "completed" and rec["direction"] == "inbound"
    assert rec["answer_time"] == 0.0
    assert rec["duration"] == pytest.approx(rec["end_time"] - rec["answer_time"])
    [completed] = [e for e in result.trace.filter("status") if e["status"] == "completed"]
    assert rec["end_time"] == completed.t
    assert is_sid(rec["sid"], "call")


def test_same_seed_gives_byte_identical_traces_and_sids():
    def once(seed):
        carrier = telenb.Carrier(seed=seed)
        carrier.app(APP, shop)
        carrier.phone("+15550123", behaviour="busy")
        carrier.call(APP, caller="say: purple; say: red")
        carrier.call(APP, caller="press: 1; silence; hangup")
        return carrier.trace.to_json(), [leg.sid for leg in carrier.legs]

    assert once(3) == once(3)
    assert once(3)[1] != once(4)[1]


def test_many_concurrent_calls_share_one_carrier():
    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, shop)
    results = [
        carrier.call(APP, caller="say: blue", from_=f"+1555{1000000 + i}", run=False)
        for i in range(500)
    ]
    carrier.run()
    assert {r.status for r in results} == {"completed"}
    assert len({r.sid for r in results}) == 500
    # every call started at t=0: they overlapped in virtual time
    assert max(r.leg.created for r in results) == 0.0


def test_app_ring_time_delays_the_answer():
    carrier = telenb.Carrier()
    carrier.app(APP, lambda call: call.say("hi"), ring=6.0)
    result = carrier.call(APP)
    assert result.leg.answered_at == 6.0
    assert result.statuses() == ["initiated", "ringing", "in-progress", "completed"]


def test_unknown_destination_fails_as_a_network_would():
    carrier = telenb.Carrier()
    result = carrier.call("+15559999")
    assert result.status == "failed"
    assert "not in service" in result.leg.cause
    assert result.duration == 0.0


def test_invalid_numbers_are_refused_before_dialling():
    carrier = telenb.Carrier()
    with pytest.raises(NumberError, match="too short"):
        carrier.call("+1555")
    with pytest.raises(NumberError):
        carrier.app("not a number", lambda call: None)


def test_call_log_is_a_table_and_a_list():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, shop)
    carrier.call(APP, caller="say: red")
    carrier.call("+15559999")
    log = carrier.calls
    assert len(log) == 2 and log.count(status="failed") == 1
    assert [r["status"] for r in log] == ["completed", "failed"]
    text = repr(log)
    assert text.splitlines()[0].split() == [
        "sid",
        "from",
        "to",
        "direction",
        "status",
        "start_time",
        "duration",
        "ended_by",
    ]
    assert "<table" in log._repr_html_()


def test_trace_exports_and_displays():
    result = run_flow(shop, "say: red")
    data = json.loads(result.trace.to_json())
    assert data[0] == {
        "t": 0.0,
        "sid": result.sid,
        "kind": "status",
        "status": "initiated",
        "from": "+15550199",
        "to": APP,
    }
    assert [d["kind"] for d in data] == [e.kind for e in result.trace]
    html = result._repr_html_()
    assert "<table" in html and "Hello, how are you today?" in html
    assert repr(result).startswith(f"Call {result.sid}  +15550199 -> {APP}  completed")


def test_outbound_api_call_runs_the_flow_once_answered():
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+15550123", script="press: 1", ring=3)
    said = []

    def reminder(call):
        said.append(call.called_id)
        r = call.ask("Press 1 to confirm.", choices="confirm(1)", mode="dtmf")
        call.say(f"You chose {r.value}.")

    result = carrier.call("+15550123", flow=reminder)
    assert result.status == "completed" and said == ["+15550123"]
    assert result.statuses() == ["queued", "initiated", "ringing", "in-progress", "completed"]
    assert result.leg.answered_at == pytest.approx(3.1)
    assert result.results() == [("choice", "confirm")]


@pytest.mark.parametrize(
    "behaviour,status", [("busy", "busy"), ("fail", "failed"), ("no-answer", "no-answer")]
)
def test_outbound_api_call_to_unavailable_phone_never_runs_the_flow(behaviour, status):
    carrier = telenb.Carrier(dial_timeout=20)
    carrier.phone("+15550123", behaviour=behaviour)
    ran = []
    result = carrier.call("+15550123", flow=lambda call: ran.append(1))
    assert result.status == status and ran == []


def test_person_to_person_call_bridges_two_parties():
    carrier = telenb.Carrier()
    carrier.phone("+15550123", script="say: hello?; wait: 10s; hangup", ring=2)
    result = carrier.call("+15550123", caller="say: hi, it's me")
    assert [leg.status for leg in result.legs] == ["completed", "completed"]
    speech = [(e["by"], e["text"]) for e in result.trace.filter("speech")]
    assert ("caller", "hi, it's me") in speech and ("callee", "hello?") in speech


def test_find_leg_finds_a_leg_by_sid_and_keeps_its_earlier_name():
    c = telenb.Carrier(seed=3)
    c.app("+15550100", lambda call: call.say("hi"))
    result = c.call("+15550100", caller="")
    leg = c.find_leg(result.sid)
    assert leg is result.leg and c.find_call(result.sid) is leg
    with pytest.raises(KeyError, match="no call leg with SID"):
        c.find_leg("CA" + "0" * 32)
