"""A warm transfer through a waiting conference: the customer waits (startConferenceOnEnter
false, hearing the wait TwiML) until the agent, who may start the room, joins."""

import telenb

from ...helpers import events, webhooks

CUSTOMER_LINE, AGENT_LINE = "+15550100", "+15550101"
HOOK = "https://hooks.example.com/conf"


def room(start: str, extra: str = "") -> str:
    return (
        '<Response><Dial action="/after"><Conference startConferenceOnEnter="'
        f'{start}" statusCallback="{HOOK}" statusCallbackEvent="start end join leave mute"'
        f"{extra}>transfer-1</Conference></Dial></Response>"
    )


def run(customer_wait: str = ' waitUrl="/wait"', agent_extra: str = ""):
    carrier = telenb.Carrier(seed=3)
    hooks: list = []
    carrier.app(
        CUSTOMER_LINE,
        twiml={
            "/": room("false", customer_wait),
            "/wait": "<Response><Say>Please hold for an agent.</Say><Pause length='3'/></Response>",
            "/after": "<Response><Say>Thanks.</Say></Response>",
        },
    )
    carrier.app(
        AGENT_LINE,
        twiml={"/": room("true", agent_extra), "/after": "<Response/>"},
    )
    carrier.app("+15550999", twiml=lambda req: hooks.append(dict(req)) or "<Response/>",
                base_url="https://hooks.example.com", url="/conf")  # fmt: skip
    customer = carrier.call(
        CUSTOMER_LINE, caller="wait: 3s; say: anyone there; wait: 14s; say: my bill",
        from_="+15550177", run=False,
    )  # fmt: skip
    carrier.run(until=10)
    agent = carrier.call(
        AGENT_LINE, caller="say: Hi, I have your account; wait: 6s; hangup",
        from_="+15550188", run=False,
    )  # fmt: skip
    carrier.run()
    return carrier, customer, agent, hooks


def test_the_customer_waits_hearing_the_wait_twiml_until_the_agent_joins():
    _carrier, customer, agent, hooks = run()
    assert hooks[1]["CallSid"] == agent.sid
    waits = [u for _m, u, _p in webhooks(customer) if u.endswith("/wait")]
    assert len(waits) >= 2  # fetched again each time it ended
    # while waiting the customer was not heard; once the room started, speech crossed
    assert [e["text"] for e in events(customer, "muted")] == ["anyone there"]
    assert "my bill" in [e["text"] for e in events(customer, "speech")]
    [started] = [e for e in events(customer, "conference") if e["action"] == "started"]
    assert started.t >= 10
    names = [h["StatusCallbackEvent"] for h in hooks]
    assert names[:3] == ["participant-join", "participant-join", "conference-start"]
    assert "participant-leave" in names and names[-1] == "conference-end"
    assert all(h["FriendlyName"] == "transfer-1" for h in hooks)
    assert [int(h["SequenceNumber"]) for h in hooks] == list(range(1, len(hooks) + 1))
    first_join = hooks[0]
    assert first_join["CallSid"] == customer.sid and first_join["StartConferenceOnEnter"] == "false"


def test_twilio_default_hold_music_plays_the_built_in_tone_without_a_fetch():
    _carrier, customer, _agent, _hooks = run(customer_wait="")
    plays = [e for e in events(customer, "play")]
    assert plays and plays[0]["url"].startswith("http://twimlets.com/holdmusic")
    assert not [u for _m, u, _p in webhooks(customer) if "twimlets" in u]


def test_conference_record_reports_to_the_recording_status_callback():
    rec = ' record="record-from-start" recordingStatusCallback="https://hooks.example.com/conf"'
    carrier, _customer, _agent, hooks = run(agent_extra=rec)
    done = [h for h in hooks if "RecordingSid" in h]
    assert len(done) == 1 and done[0]["RecordingSource"] == "Conference"
    assert done[0]["ConferenceSid"].startswith("CF")
    [recording] = [r for r in carrier.recordings if r.source == "conference"]
    assert "Hi, I have your account" in recording.text
