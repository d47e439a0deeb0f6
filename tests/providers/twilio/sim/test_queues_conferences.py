"""<Enqueue>, <Leave>, <Dial><Queue> and <Dial><Conference> between simulated calls."""

import pytest

import telenb
from telenb.sim.media import speech_duration

from ...helpers import events, webhooks

CALLER_LINE, AGENT_LINE = "+15550100", "+15550101"


def support_desk(wait_url: str | None = None) -> dict:
    wait = f' waitUrl="{wait_url}"' if wait_url else ""
    return {
        "/": f'<Response><Say>Please hold.</Say><Enqueue action="/left"{wait}>support</Enqueue>'
        "<Say>unreached</Say></Response>",
        "/left": "<Response><Say>Thanks for waiting.</Say></Response>",
        "/hold": "<Response><Say>You are in the queue.</Say><Pause length='5'/></Response>",
        "/impatient": "<Response><Say>Leaving.</Say><Leave/></Response>",
    }


AGENT = {
    "/": '<Response><Dial action="/after" timeout="60"><Queue>support</Queue></Dial></Response>',
    "/after": "<Response><Say>Next caller.</Say></Response>",
}


def test_an_agent_dequeues_the_caller_and_both_continue_afterwards():
    carrier = telenb.Carrier(seed=21)
    carrier.app(CALLER_LINE, twiml=support_desk("/hold"))
    carrier.app(AGENT_LINE, twiml=AGENT)
    customer = carrier.call(
        CALLER_LINE, caller="wait: 20s; say: my printer is broken", from_="+15550177", run=False
    )
    carrier.run(until=12)
    agent = carrier.call(
        AGENT_LINE,
        caller="say: Support, how can I help; wait: 15s; hangup",
        from_="+15550188",
        run=False,
    )
    carrier.run()
    # the wait music played (fetched again as it ended) until the agent took the call
    waits = [p for _m, u, p in webhooks(customer) if u.endswith("/hold")]
    assert len(waits) >= 2 and waits[0]["QueuePosition"] == "1"
    enqueued = next(e for e in events(customer, "queue") if e["action"] == "enqueue")
    second_wait = [e for e in events(customer, "webhook") if e["url"].endswith("/hold")][1]
    assert waits[1]["QueueTime"] == str(round(second_wait.t - enqueued.t))
    # they talk
    assert [e["text"] for e in events(customer, "speech")] == ["my printer is broken"]
    # the agent hangs up: the caller's Enqueue action says bridged, the agent's Dial completed
    left = next(p for _m, u, p in webhooks(customer) if u.endswith("/left"))
    assert left["QueueResult"] == "bridged" and left["QueueSid"].startswith("QU")
    after = next(p for _m, u, p in webhooks(agent) if u.endswith("/after"))
    assert after["DialCallStatus"] == "completed" and after["DialCallSid"] == customer.sid
    # the agent hung up, so its action's answer is ignored; the customer's TwiML goes on
    assert after["CallStatus"] == "completed" and agent.said() == []
    assert customer.said()[-1] == "Thanks for waiting."


def test_an_agent_waiting_on_an_empty_queue_gets_the_next_caller():
    carrier = telenb.Carrier(seed=22)
    carrier.app(CALLER_LINE, twiml=support_desk())
    carrier.app(AGENT_LINE, twiml=AGENT)
    agent = carrier.call(AGENT_LINE, caller="wait: 40s; hangup", from_="+15550188", run=False)
    carrier.run(until=5)
    customer = carrier.call(CALLER_LINE, caller="", from_="+15550177", run=False)
    carrier.run()
    enqueued, dequeued = events(customer, "queue")
    assert dequeued["action"] == "dequeue" and dequeued["by"] == agent.sid
    assert dequeued.t == enqueued.t  # the waiting agent took the caller at once
    assert customer.leg.peer is None and agent.leg.ended_at == pytest.approx(40.0, abs=1)


def test_leave_from_the_wait_music_continues_after_enqueue():
    carrier = telenb.Carrier(seed=23)
    carrier.app(CALLER_LINE, twiml=support_desk("/impatient"))
    r = carrier.call(CALLER_LINE, caller="")
    left = next(p for _m, u, p in webhooks(r) if u.endswith("/left"))
    assert left["QueueResult"] == "leave"
    assert carrier.account_sid and r.said() == ["Please hold.", "Leaving.", "Thanks for waiting."]
    assert carrier_queue_empty(carrier)


def carrier_queue_empty(carrier):
    from telenb.providers.twilio import twilio_account

    return twilio_account(carrier).queues["support"].members == []


def test_hanging_up_in_the_queue_reports_hangup():
    carrier = telenb.Carrier(seed=24)
    carrier.app(CALLER_LINE, twiml=support_desk("/hold"))
    r = carrier.call(CALLER_LINE, caller="wait: 7s; hangup")
    left = next((u, p) for _m, u, p in webhooks(r) if u.endswith("/left"))[1]
    assert left["QueueResult"] == "hangup" and left["CallStatus"] == "completed"
    assert carrier_queue_empty(carrier)


ROOM = (
    '<Response><Dial action="/left"><Conference muted="{muted}" endConferenceOnExit="{end}">'
    "standup</Conference></Dial></Response>"
)


def test_conference_mute_and_end_on_exit():
    carrier = telenb.Carrier(seed=25)
    bye, ended = "<Response><Say>Bye</Say></Response>", "<Response><Say>Ended.</Say></Response>"
    carrier.app(CALLER_LINE, twiml={"/": ROOM.format(muted="false", end="true"), "/left": bye})
    carrier.app(AGENT_LINE, twiml={"/": ROOM.format(muted="true", end="false"), "/left": ended})
    host = carrier.call(
        CALLER_LINE,
        caller="wait: 3s; say: good morning; wait: 5s; hangup",
        from_="+15550177",
        run=False,
    )
    guest = carrier.call(
        AGENT_LINE, caller="wait: 4s; say: can you hear me", from_="+15550188", run=False
    )
    carrier.run()
    assert [e["text"] for e in events(guest, "muted")] == ["can you hear me"]
    # the host left with endConferenceOnExit: the guest's Dial ended and its TwiML went on
    after = next(p for _m, u, p in webhooks(guest) if u.endswith("/left"))
    assert after["DialCallStatus"] == "answered" and after["ConferenceSid"].startswith("CF")
    assert guest.said() == ["Ended."]
    assert guest.leg.ended_at == pytest.approx(host.leg.ended_at + speech_duration("Ended."))
