"""The unmodified twilio SDK against the simulated carrier: calls, messages, numbers,
recordings, errors and test credentials, with no network."""

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

import telenb
from telenb.providers.twilio import OfflineHttpClient, offline_client, twilio_account

from ...helpers import AGENT, APP

ORIGIN = "https://15550100.twiml.test"
APP_DOCS = {
    "/voice": "<Response><Gather numDigits='1' action='/done'><Say>Press one.</Say></Gather>"
    "</Response>",
    "/done": "<Response><Say>Thank you.</Say></Response>",
    "/other": "<Response><Say>Redirected.</Say><Pause length='30'/></Response>",
    "/status": "",
}


@pytest.fixture
def carrier():
    carrier = telenb.Carrier(seed=31)
    carrier.app(APP, twiml=APP_DOCS)
    carrier.phone(AGENT, script="press: 1")
    return carrier


def callbacks(carrier, sid):
    return [
        e["params"]
        for e in carrier.trace.filter("webhook", sid)
        if e["purpose"].startswith("callback")
    ]


def test_create_a_call_and_follow_its_progress(carrier):
    client = offline_client(carrier)
    call = client.calls.create(
        to=AGENT,
        from_=APP,
        url=f"{ORIGIN}/voice",
        status_callback=f"{ORIGIN}/status",
        status_callback_event=["initiated", "ringing", "answered", "completed"],
    )
    assert call.sid.startswith("CA") and call.direction == "outbound-api"
    assert call.status == "initiated" and call.to == AGENT and call._from == APP
    carrier.run()
    done = client.calls(call.sid).fetch()
    leg = carrier.find_leg(call.sid)
    assert done.status == "completed" and done.duration == str(round(leg.duration))
    assert done.start_time.year == 2025 and done.end_time > done.start_time
    hooks = [p for _m, u, p in webhooks_for(carrier, call.sid)]
    assert hooks[0]["CallStatus"] == "in-progress" and hooks[0]["Direction"] == "outbound-api"
    assert hooks[1]["Digits"] == "1"
    events = [(p["CallStatus"], p["SequenceNumber"]) for p in callbacks(carrier, call.sid)]
    assert events == [
        ("initiated", "0"),
        ("ringing", "1"),
        ("in-progress", "2"),
        ("completed", "3"),
    ]


def webhooks_for(carrier, sid):
    return [
        (e["method"], e["url"], e["params"])
        for e in carrier.trace.filter("webhook", sid)
        if not e["purpose"].startswith("callback")
    ]


def test_inline_twiml_and_machine_detection(carrier):
    carrier.phone("+15550124", behaviour="voicemail")
    client = offline_client(carrier)
    twiml = "<Response><Say>Your table is ready.</Say></Response>"
    call = client.calls.create(to="+15550124", from_=APP, machine_detection="Enable", twiml=twiml)
    carrier.run()
    fetched = client.calls(call.sid).fetch()
    assert fetched.answered_by == "machine_start"
    assert carrier.trace.filter("say", call.sid)[0]["text"] == "Your table is ready."


def test_update_redirects_a_live_call_and_hangs_it_up(carrier):
    carrier.phone(AGENT, script="wait: 60s")
    client = offline_client(carrier)
    call = client.calls.create(to=AGENT, from_=APP, url=f"{ORIGIN}/voice")
    carrier.run(until=8)
    client.calls(call.sid).update(url=f"{ORIGIN}/other", method="POST")
    carrier.run(until=15)
    said = [e["text"] for e in carrier.trace.filter("say", call.sid)]
    assert said[-1] == "Redirected."
    updated = client.calls(call.sid).update(status="completed")
    assert updated.status == "completed" and carrier.find_leg(call.sid).end_reason == "api"
    with pytest.raises(TwilioRestException) as err:
        client.calls(call.sid).update(twiml="<Response/>")
    assert (err.value.status, err.value.code) == (400, 21220)


def test_cancel_a_ringing_call(carrier):
    carrier.phone("+15550125", ring=30)
    client = offline_client(carrier)
    call = client.calls.create(to="+15550125", from_=APP, url=f"{ORIGIN}/voice")
    carrier.run(until=2)
    assert client.calls(call.sid).update(status="canceled").status == "canceled"


def test_list_filters_and_pages(carrier):
    client = offline_client(carrier)
    sids = [client.calls.create(to=AGENT, from_=APP, url=f"{ORIGIN}/voice").sid for _ in range(5)]
    carrier.run()
    listed = client.calls.list(to=AGENT, page_size=2)
    assert [c.sid for c in listed] == sids[::-1]  # newest first, across three pages
    assert client.calls.list(status="busy") == []
    pages = [r for r in client.http_client.requests if r.method == "GET"]
    assert len(pages) == 4  # 2 + 2 + 1 calls, then the filter on status


def test_messages_and_their_status_callbacks(carrier):
    client = offline_client(carrier)
    msg = client.messages.create(
        to=AGENT, from_=APP, body="Your code is 4321", status_callback=f"{ORIGIN}/status"
    )
    assert msg.status == "queued" and msg.num_segments == "1"
    carrier.run()
    assert client.messages(msg.sid).fetch().status == "delivered"
    assert [p["MessageStatus"] for p in callbacks(carrier, msg.sid)] == [
        "sending",
        "sent",
        "delivered",
    ]
    assert [m.sid for m in client.messages.list(to=AGENT)] == [msg.sid]


@pytest.mark.parametrize(
    "kwargs, code",
    [
        (dict(to=AGENT, from_=APP), 21602),
        (dict(to="", from_=APP, body="x"), 21604),
        (dict(to=AGENT, from_=APP, body="x" * 1601), 21617),
        (dict(to=AGENT, from_="+15550999", body="x"), 21606),
        (dict(to="not a number", from_=APP, body="x"), 21211),
    ],
)
def test_message_errors(carrier, kwargs, code):
    with pytest.raises(TwilioRestException) as err:
        offline_client(carrier).messages.create(**kwargs)
    assert (err.value.status, err.value.code) == (400, code)


def test_buying_a_number_routes_calls_to_its_voice_url(carrier):
    client = offline_client(carrier)
    number = client.incoming_phone_numbers.create(area_code="415", voice_url=f"{ORIGIN}/voice")
    assert number.phone_number.startswith("+1415") and number.sid.startswith("PN")
    result = carrier.call(number.phone_number, caller="press: 1")
    assert result.said() == ["Press one.", "Thank you."]
    listed = client.incoming_phone_numbers.list(phone_number=number.phone_number)
    assert [n.sid for n in listed] == [number.sid]
    client.incoming_phone_numbers(number.sid).update(voice_url=f"{ORIGIN}/other")
    assert carrier.call(number.phone_number, caller="wait: 3s; hangup").said() == ["Redirected."]
    assert client.incoming_phone_numbers(number.sid).delete()
    assert carrier.call(number.phone_number, caller="").status == "failed"


def test_recordings_resource(carrier):
    carrier.app("+15550102", twiml="<Response><Record/></Response>")
    result = carrier.call("+15550102", caller="say: leave this message; press: #")
    client = offline_client(carrier)
    [rec] = client.recordings.list()
    assert rec.call_sid == result.sid and rec.duration == str(round(result.recordings[0].duration))
    assert client.recordings(rec.sid).fetch().media_url.startswith("http://127.0.0.1:")
    assert [r.sid for r in client.calls(result.sid).recordings.list()] == [rec.sid]


def test_wrong_credentials_and_api_keys(carrier):
    acct = twilio_account(carrier)
    bad = Client(acct.account_sid, "wrong", http_client=OfflineHttpClient(carrier))
    with pytest.raises(TwilioRestException) as err:
        bad.calls.create(to=AGENT, from_=APP, url=f"{ORIGIN}/voice")
    assert (err.value.status, err.value.code) == (401, 20003) and carrier.legs == []
    acct.api_keys["SK" + "1" * 32] = "key-secret"
    keyed = Client(
        "SK" + "1" * 32, "key-secret", acct.account_sid, http_client=OfflineHttpClient(carrier)
    )
    assert keyed.calls.list() == []


def test_unsupported_resources_are_404_with_a_reason(carrier):
    with pytest.raises(TwilioRestException) as err:
        offline_client(carrier).outgoing_caller_ids("PN" + "0" * 32).fetch()
    assert err.value.code == 20404
    assert "does not simulate the OutgoingCallerIds resource" in err.value.msg


def test_polling_loops_end_when_requests_advance_the_clock(carrier):
    client = offline_client(carrier, advance=1.0)
    call = client.calls.create(to=AGENT, from_=APP, url=f"{ORIGIN}/voice")
    polls = 0
    while client.calls(call.sid).fetch().status != "completed":
        polls += 1
        assert polls < 60
    assert 3 <= polls <= 15


def test_a_webhook_app_can_place_calls_through_the_api(carrier):
    client = offline_client(carrier)
    placed = []

    def click_to_call(req):
        placed.append(client.calls.create(to=AGENT, from_=APP, url=f"{ORIGIN}/voice").sid)
        return "<Response><Say>We are calling the agent.</Say></Response>"

    carrier.app("+15550103", twiml=click_to_call)
    carrier.call("+15550103", caller="")
    carrier.run()
    [sid] = placed
    assert carrier.find_leg(sid).status == "completed"


def test_requests_are_traced_without_credentials(carrier):
    acct = twilio_account(carrier)
    client = offline_client(carrier)
    client.calls.create(to=AGENT, from_=APP, url=f"{ORIGIN}/voice")
    carrier.run()
    rest = carrier.trace.filter("rest")
    assert rest[0]["method"] == "POST" and rest[0]["status"] == 201
    assert rest[0]["path"].endswith("/Calls.json")
    dump = carrier.trace.to_json()
    assert acct.auth_token not in dump and acct.auth_token not in repr(acct)


# -- test credentials and Twilio's magic numbers ------------------------------------------------
@pytest.mark.parametrize(
    "from_, to, code",
    [
        ("+15005550006", AGENT, None),
        ("+15005550001", AGENT, 21212),
        (APP, AGENT, 21210),
        ("+15005550006", "+15005550001", 21217),
        ("+15005550006", "+15005550002", 21214),
        ("+15005550006", "+15005550003", 21215),
        ("+15005550006", "+15005550004", 21216),
    ],
)
def test_magic_numbers_for_calls(carrier, from_, to, code):
    test = offline_client(carrier, test=True)
    if code is None:
        call = test.calls.create(to=to, from_=from_, url=f"{ORIGIN}/voice")
        assert (
            call.status == "queued" and call.account_sid == twilio_account(carrier).test_account_sid
        )
        assert len(carrier.legs) == 0  # test credentials connect to no one
        return
    with pytest.raises(TwilioRestException) as err:
        test.calls.create(to=to, from_=from_, url=f"{ORIGIN}/voice")
    assert (err.value.status, err.value.code) == (400, code)


@pytest.mark.parametrize(
    "from_, to, code",
    [
        ("+15005550006", AGENT, None),
        ("+15005550001", AGENT, 21212),
        ("+15005550007", AGENT, 21606),
        ("+15005550008", AGENT, 21611),
        (APP, AGENT, 21606),
        ("+15005550006", "+15005550001", 21211),
        ("+15005550006", "+15005550002", 21612),
        ("+15005550006", "+15005550003", 21408),
        ("+15005550006", "+15005550004", 21610),
        ("+15005550006", "+15005550009", 21614),
    ],
)
def test_magic_numbers_for_messages(carrier, from_, to, code):
    test = offline_client(carrier, test=True)
    if code is None:
        assert test.messages.create(to=to, from_=from_, body="hi").status == "queued"
        assert carrier.messages == []
        return
    with pytest.raises(TwilioRestException) as err:
        test.messages.create(to=to, from_=from_, body="hi")
    assert err.value.code == code


@pytest.mark.parametrize(
    "kwargs, code",
    [
        (dict(phone_number="+15005550006"), None),
        (dict(phone_number="+15005550000"), 21422),
        (dict(phone_number="+15005550001"), 21421),
        (dict(area_code="500"), None),
        (dict(area_code="533"), 21452),
    ],
)
def test_magic_numbers_for_buying_numbers(carrier, kwargs, code):
    test = offline_client(carrier, test=True)
    if code is None:
        assert test.incoming_phone_numbers.create(**kwargs).phone_number == "+15005550006"
        assert "+15005550006" not in twilio_account(carrier).numbers
        return
    with pytest.raises(TwilioRestException) as err:
        test.incoming_phone_numbers.create(**kwargs)
    assert err.value.code == code


def test_test_credentials_cannot_read_resources(carrier):
    from twilio.base.exceptions import TwilioException

    test = offline_client(carrier, test=True)
    with pytest.raises(TwilioException, match="20008"):
        test.calls.list()
