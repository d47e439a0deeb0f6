"""Queues and Members through the real SDK: queues made by <Enqueue> and by the API, the
waiting callers in order, Front, and dequeuing a member to a TwiML URL."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

import telenb
from telenb.providers.twilio import offline_client, twilio_account

LINE = "+15550100"
DESK = {
    "/": "<Response><Enqueue waitUrl='/hold'>support</Enqueue></Response>",
    "/hold": "<Response><Pause length='10'/></Response>",
    "/agent": "<Response><Say>An agent is here.</Say></Response>",
}


@pytest.fixture
def carrier():
    c = telenb.Carrier(seed=23)
    c.app(LINE, twiml=DESK)
    return c


def test_queues_made_by_the_api_and_by_enqueue(carrier):
    client = offline_client(carrier)
    made = client.queues.create(friendly_name="sales")
    assert made.sid.startswith("QU") and (made.max_size, made.current_size) == (1000, 0)
    first = carrier.call(LINE, caller="wait: 60s", from_="+15550177", run=False)
    carrier.run(until=5)
    second = carrier.call(LINE, caller="wait: 60s", from_="+15550178", run=False)
    carrier.run(until=15)
    support = next(q for q in client.queues.list() if q.friendly_name == "support")
    assert support.current_size == 2 and support.average_wait_time == 12  # (15 + 10) / 2
    members = client.queues(support.sid).members.list()
    assert [(m.call_sid, m.position) for m in members] == [(first.sid, 1), (second.sid, 2)]
    assert [m.wait_time for m in members] == [15, 10]
    assert client.queues(support.sid).members("Front").fetch().call_sid == first.sid
    renamed = client.queues(made.sid).update(friendly_name="sales-west", max_size=10)
    assert (renamed.friendly_name, renamed.max_size) == ("sales-west", 10)
    assert client.queues(made.sid).delete() is True
    with pytest.raises(TwilioRestException) as err:
        client.queues(made.sid).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)


def test_dequeuing_a_member_runs_the_url_on_its_call(carrier):
    client = offline_client(carrier)
    origin = twilio_account(carrier).origin_for(LINE)
    waiting = carrier.call(LINE, caller="wait: 60s", from_="+15550177", run=False)
    carrier.run(until=5)
    (support,) = client.queues.list()
    out = client.queues(support.sid).members(waiting.sid).update(url=f"{origin}/agent")
    assert out.call_sid == waiting.sid
    carrier.run()
    assert waiting.said() == ["An agent is here."]
    assert client.queues(support.sid).fetch().current_size == 0
    with pytest.raises(TwilioRestException) as err:
        client.queues(support.sid).members(waiting.sid).fetch()
    assert err.value.status == 404
