"""TwiML verbs on the simulated carrier, with Twilio's documented defaults and parameters."""

import pytest

from telenb.sim.media import speech_duration

from ...helpers import AGENT, events, run_twiml, warnings, webhooks


def doc(*verbs: str) -> str:
    return "<Response>" + "".join(verbs) + "</Response>"


def routes(**docs: str) -> dict:
    """A dict source: path -> TwiML ('/' is the voice URL)."""
    return {("/" + k if k != "root" else "/"): v for k, v in docs.items()}


# -- Say, Play, Pause -----------------------------------------------------------------------------
def test_say_loop_voice_and_language():
    r = run_twiml(doc('<Say voice="Polly.Joanna" language="en-GB" loop="3">Hello there.</Say>'))
    [say] = events(r, "say")
    assert say["text"] == "Hello there." and say["voice"] == "Polly.Joanna"
    assert say["duration"] == pytest.approx(3 * speech_duration("Hello there."))
    assert r.status == "completed" and r.statuses() == [
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]


def test_running_off_the_end_of_the_document_hangs_up():
    r = run_twiml(doc("<Say>Bye.</Say>"))
    assert r.trace.kinds()[-2:] == ["hangup", "status"]
    assert events(r, "hangup")[0]["by"] == "flow"


def test_play_loop_zero_means_a_thousand_times_until_hangup():
    r = run_twiml(doc('<Play loop="0">https://cdn.test/music.mp3</Play>'), "wait: 20s; hangup")
    [play] = events(r, "play")
    assert play["loop"] == 1000 and play["url"] == "https://cdn.test/music.mp3"
    assert r.leg.duration == pytest.approx(20.0)
    assert events(r, "interrupted")[0]["by"] == "hangup"


def test_play_digits_and_relative_urls():
    r = run_twiml(doc('<Play digits="1w2"/><Play>/hold.mp3</Play>'))
    digits, url = events(r, "play")
    assert digits["digits"] == "1w2" and digits["duration"] == pytest.approx(0.7)
    assert url["url"] == "https://15550100.twiml.test/hold.mp3"


def test_a_first_pause_delays_pick_up():
    r = run_twiml(doc('<Pause length="3"/><Say>Hi</Say>'))
    answered = next(e for e in events(r, "status") if e["status"] == "in-progress")
    assert answered.t == pytest.approx(3.0)
    r = run_twiml(doc('<Say>Hi</Say><Pause length="2"/><Say>again</Say>'))
    say1, say2 = events(r, "say")
    assert say2.t - say1.t == pytest.approx(speech_duration("Hi") + 2)


# -- Gather ---------------------------------------------------------------------------------------
MENU = routes(
    root=doc(
        '<Gather numDigits="1" action="/menu" input="dtmf speech" hints="sales, support">',
        "<Say>For sales press 1.</Say><Pause/><Say>For support press 2.</Say></Gather>",
        "<Say>We did not hear you.</Say>",
    ),
    menu=doc("<Say>Thanks.</Say>"),
)


def test_gather_posts_digits_to_its_action():
    r = run_twiml(MENU, "press: 2")
    requests = webhooks(r)
    assert [u for _m, u, _p in requests] == [
        "https://15550100.twiml.test/",
        "https://15550100.twiml.test/menu",
    ]
    method, _url, params = requests[1]
    assert method == "POST" and params["Digits"] == "2" and params["FinishedOnKey"] == ""
    assert params["CallStatus"] == "in-progress" and requests[0][2]["CallStatus"] == "ringing"
    assert r.said()[-1] == "Thanks."


def test_gather_without_input_falls_through_after_its_timeout():
    r = run_twiml(MENU, "silence")
    assert r.said()[-1] == "We did not hear you."
    [gather] = events(r, "gather")
    [timeout] = events(r, "timeout")
    assert timeout.t - gather.t == pytest.approx(gather["duration"] + 5)  # default timeout 5 s
    assert len(webhooks(r)) == 1  # no action request


def test_gather_speech_sends_speech_result_and_confidence():
    r = run_twiml(MENU, "say: support @0.82")
    params = webhooks(r)[1][2]
    assert params["SpeechResult"] == "support" and params["Confidence"] == "0.82"
    assert "Digits" not in params


def test_dtmf_only_gather_does_not_hear_speech():
    r = run_twiml(
        doc('<Gather timeout="3"><Say>Key it in.</Say></Gather><Say>Nothing.</Say>'),
        "say: one two three",
    )
    assert events(r, "unheard")[0]["why"] == "this <Gather> takes dtmf"
    assert r.said()[-1] == "Nothing."


def test_finish_on_key_and_the_timeout_between_keys():
    src = routes(
        root=doc('<Gather action="/pin" finishOnKey="*" timeout="4"/>'), pin=doc("<Hangup/>")
    )
    r = run_twiml(src, "press: 1234*")
    params = webhooks(r)[1][2]
    assert params["Digits"] == "1234" and params["FinishedOnKey"] == "*"
    r = run_twiml(src, "press: 12")  # then silence: the timeout ends it with what was keyed
    last_key = [e for e in events(r, "input")][-1]
    assert webhooks(r)[1][2]["Digits"] == "12"
    assert r.trace.filter("webhook")[1].t - last_key.t == pytest.approx(4.0)


def test_keys_barge_in_on_nested_prompts():
    src = routes(
        root=doc('<Gather numDigits="1" action="/x"><Say loop="5">Long menu.</Say></Gather>'),
        x=doc("<Hangup/>"),
    )
    r = run_twiml(src, "press: 3 [at 1s]")
    [barge] = events(r, "bargein")
    assert barge["after"] == pytest.approx(1.0)


def test_action_on_empty_result_and_default_action_is_the_document():
    src = doc('<Gather actionOnEmptyResult="true" timeout="2"/><Say>unreached</Say>')
    r = run_twiml(src, "silence; silence", max_documents=3)
    urls = [u for _m, u, _p in webhooks(r)]
    assert urls[:2] == ["https://15550100.twiml.test/"] * 2
    assert "Digits" not in webhooks(r)[1][2] and "unreached" not in r.said()


def test_gather_rejects_verbs_it_cannot_nest():
    r = run_twiml(doc("<Gather><Dial>+15550123</Dial><Say>Press a key</Say></Gather>"), "silence")
    assert (13320, "Gather: Invalid nested verb <Dial> at line 1, column 19") in warnings(r)
    assert r.said() == ["Press a key"]


def test_absurd_attribute_values_warn_and_use_the_defaults():
    r = run_twiml(
        doc(
            '<Gather timeout="-3" numDigits="0" finishOnKey="xy" input="fax">'
            '<Say loop="-1">Hi</Say></Gather><Pause length="-2"/>'
        ),
        "silence",
    )
    codes = [c for c, _m in warnings(r)]
    assert codes == [13313, 13314, 13310, 12200, 13322, 13910]
    gather = events(r, "gather")[0]
    assert (gather["timeout"], gather["numDigits"], gather["finishOnKey"]) == (5, None, "#")
    assert events(r, "pause")[0]["seconds"] == 1.0


def test_unknown_attributes_and_elements_are_named():
    r = run_twiml(doc('<Say numdigits="1">Hi</Say><Foo/><Pay/>'))
    messages = [m for _c, m in warnings(r)]
    assert any("<Say> has no attribute 'numdigits'" in m for m in messages)
    assert any("unknown TwiML element <Foo>" in m for m in messages)
    assert any("telenb does not simulate <Pay>" in m for m in messages)


# -- Record ---------------------------------------------------------------------------------------
VOICEMAIL = routes(
    root=doc(
        '<Say>Leave a message.</Say><Record action="/done" maxLength="20" '
        'transcribe="true"/><Say>No message.</Say>'
    ),
    done=doc("<Say>Got it.</Say>"),
)


def test_record_ends_on_any_key_by_default_and_posts_the_recording():
    r = run_twiml(VOICEMAIL, "say: please call me back; press: 5")
    params = webhooks(r)[1][2]
    assert params["Digits"] == "5"
    assert params["RecordingSid"].startswith("RE")
    assert params["RecordingUrl"].startswith("http://127.0.0.1:")
    assert params["RecordingDuration"] == str(round(speech_duration("please call me back")))
    [rec] = r.recordings
    assert rec.text == "please call me back" and rec.transcription == rec.text
    assert r.said()[-1] == "Got it."


def test_record_without_audio_goes_on_to_the_next_verb():
    r = run_twiml(VOICEMAIL, "silence")
    assert r.said()[-1] == "No message." and len(webhooks(r)) == 1
    [timeout] = events(r, "timeout")
    assert timeout["after"] == 5.0


def test_record_until_hangup_still_reports_to_the_action():
    r = run_twiml(VOICEMAIL, "say: hello; wait: 1s; hangup")
    _method, url, params = webhooks(r)[1]
    assert url.endswith("/done") and params["Digits"] == "hangup"
    assert params["CallStatus"] == "completed"
    assert "twiml" not in r.trace.kinds()[-3:]  # the answer is ignored


def test_recording_is_fetchable_as_wav_by_the_app():
    import urllib.request
    import wave

    r = run_twiml(VOICEMAIL, "say: a message of some length; press: #")
    url = webhooks(r)[1][2]["RecordingUrl"]
    with urllib.request.urlopen(url) as resp:
        assert resp.headers["Content-Type"] == "audio/x-wav"
        assert resp.headers.get("X-Telenb-Transcript") is None  # the words are not handed out
        with wave.open(resp) as w:
            assert w.getframerate() == 8000
            assert w.getnframes() / 8000 == pytest.approx(r.recordings[0].duration, abs=0.01)


# -- Dial -----------------------------------------------------------------------------------------
def agent(script="say: Hello; wait: 4s; hangup", **kw):
    return lambda carrier: carrier.phone(AGENT, script=script, **kw)


DIAL = routes(
    root=doc(f'<Dial action="/status" timeout="10" callerId="+15559999">{AGENT}</Dial>'),
    status=doc("<Hangup/>"),
)


@pytest.mark.parametrize(
    "behaviour, status",
    [("answer", "completed"), ("busy", "busy"), ("no-answer", "no-answer"), ("fail", "failed")],
)
def test_dial_reports_dial_call_status(behaviour, status):
    r = run_twiml(DIAL, "", setup=agent(behaviour=behaviour))
    params = webhooks(r)[1][2]
    assert params["DialCallStatus"] == status
    child = r.legs[1]
    assert params["DialCallSid"] == child.sid and child.from_ == "+15559999"
    if status == "completed":
        assert params["DialCallDuration"] == str(round(child.duration))
        assert params["DialBridged"] == "true"


def test_dial_without_action_goes_on_with_the_document():
    r = run_twiml(
        doc(f"<Dial>{AGENT}</Dial><Say>After the call.</Say>"), "", setup=agent(behaviour="busy")
    )
    assert r.said() == ["After the call."]


def test_dial_record_and_time_limit():
    src = routes(
        root=doc(
            f'<Dial record="record-from-answer" timeLimit="3" action="/s">'
            f"<Number>{AGENT}</Number></Dial>"
        ),
        s=doc("<Hangup/>"),
    )
    r = run_twiml(src, "", setup=agent("say: hi; wait: 30s"))
    params = webhooks(r)[1][2]
    child = r.legs[1]
    assert child.duration == pytest.approx(3.0) and child.cause == "the Dial timeLimit"
    assert params["RecordingUrl"].endswith(params["RecordingSid"])
    assert params["RecordingSource"] == "DialVerb"


def test_dial_several_nouns_first_to_answer_wins():
    def setup(carrier):
        carrier.phone("+15550111", ring=8)
        carrier.phone("client:alice", ring=2, script="wait: 1s; hangup")

    r = run_twiml(
        doc("<Dial><Number>+15550111</Number><Client>alice</Client></Dial>"), "", setup=setup
    )
    legs = {leg.to: leg for leg in r.legs[1:]}
    assert legs["client:alice"].answered and legs["+15550111"].status == "canceled"


def test_dial_invalid_number_fails_with_a_warning():
    r = run_twiml(
        routes(root=doc('<Dial action="/s">not-a-number</Dial>'), s=doc("<Say>failed</Say>"))
    )
    assert webhooks(r)[1][2]["DialCallStatus"] == "failed"
    assert warnings(r)[0][0] == 13223


# -- Redirect, Hangup, Reject, Sms -------------------------------------------------------------
def test_redirect_with_get_sends_parameters_in_the_query():
    r = run_twiml(
        routes(
            root=doc('<Redirect method="GET">/next?x=1</Redirect>'), next=doc("<Say>Next.</Say>")
        )
    )
    method, url, _params = webhooks(r)[1]
    assert method == "GET" and url.startswith("https://15550100.twiml.test/next?x=1&AccountSid=")
    assert r.said() == ["Next."]


def test_reject_busy_never_answers():
    r = run_twiml(doc('<Reject reason="busy"/><Say>unreached</Say>'))
    assert r.status == "busy" and r.leg.answered_at is None and r.said() == []


def test_sms_during_a_call_goes_to_the_caller():
    r = run_twiml(doc("<Sms>Your code is 1234</Sms><Say>Sent.</Say>"), "")
    [msg] = r.messages
    assert (msg.to, msg.from_, msg.body) == ("+15550199", "+15550100", "Your code is 1234")
    assert msg.status == "delivered"


def test_dial_to_an_unknown_number_fails_and_number_status_callbacks_fire():
    seen = []

    def app(req):
        if req.path == "/child":
            seen.append((req["CallStatus"], req["CallSid"]))
            return "", 204
        if req.path == "/after":
            return doc("<Say>After.</Say>")
        return doc(
            '<Dial action="/after"><Number statusCallback="/child" '
            'statusCallbackEvent="initiated ringing answered completed">+15550999</Number></Dial>'
        )

    r = run_twiml(app)
    child = r.legs[1]
    assert child.status == "failed" and child.cause == "number not in service (SIP 404)"
    after = next(p for _m, u, p in webhooks(r) if u.endswith("/after"))
    assert after["DialCallStatus"] == "failed" and after["DialCallSid"] == child.sid
    assert seen == [("initiated", child.sid), ("failed", child.sid)]


@pytest.mark.parametrize(
    "attr, wait", [("", 5.0), (' speechTimeout="auto"', 0.5), (' speechTimeout="2"', 2.0)]
)
def test_speech_timeout_is_the_silence_after_speech(attr, wait):
    src = routes(
        root=doc(f'<Gather input="speech" action="/r"{attr}><Say>Name?</Say></Gather>'),
        r=doc("<Hangup/>"),
    )
    r = run_twiml(src, "say: Ada Lovelace")
    [heard] = events(r, "input")
    result = r.trace.filter("webhook")[1]
    assert result.t - heard.t == pytest.approx(speech_duration("Ada Lovelace") + wait)


def test_barge_in_false_ignores_speech_during_the_prompt():
    src = doc(
        '<Gather input="speech" bargeIn="false" timeout="2"><Say>A long question here.</Say>'
        "</Gather><Say>Nothing heard.</Say>"
    )
    r = run_twiml(src, "say: yes [at 0.5s]")
    assert events(r, "unheard")[0]["why"] == "bargeIn is false and a prompt plays"
    assert r.said()[-1] == "Nothing heard."


def test_answer_on_bridge_and_the_dial_recording_callback():
    seen = []

    def app(req):
        if req.path == "/rec":
            seen.append(dict(req))
            return "", 204
        return doc(
            f'<Dial answerOnBridge="true" record="record-from-answer" '
            f'recordingStatusCallback="/rec">{AGENT}</Dial>'
        )

    r = run_twiml(app, "", setup=agent("say: hi; wait: 2s; hangup", ring=6))
    caller, callee = r.legs
    assert caller.answered_at == callee.answered_at == pytest.approx(6.1)
    [cb] = seen
    assert cb["RecordingStatus"] == "completed" and cb["CallSid"] == caller.sid
    assert cb["RecordingSid"] == r.recordings[0].sid
