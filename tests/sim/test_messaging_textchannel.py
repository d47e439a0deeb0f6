"""Text-channel flows (Tropo over SMS), simulated texters, and conversation threads."""

import pytest

import telenb
from telenb.errors import ConfigurationError, FlowError
from telenb.sim.texter import parse_texter_script

SHOP = "+15550100"
ME = "+15550199"


def shop_carrier(flow, seed=4, timeout=None):
    c = telenb.Carrier(seed=seed)
    if timeout is not None:
        c.sms.session_timeout = timeout
    c.app(SHOP, flow)
    return c


def dress_shop(call):
    call.say(f"Hi! You wrote: {call.initial_text}")
    r = call.ask("What colour?", choices="black, red, blue", attempts=2)
    if r.name == "choice":
        call.say(f"Your {r.value} dress: https://shop.example/{r.value}")
    call.hangup()


# -- sessions -----------------------------------------------------------------------------------
def test_an_inbound_text_starts_a_text_session_with_the_flow():
    seen = {}

    def flow(call):
        seen.update(
            channel=call.channel, network=call.network, text=call.initial_text,
            caller=call.caller_id, called=call.called_id, state=call.state, sid=call.sid,
        )  # fmt: skip

    result = shop_carrier(flow).text(SHOP, "I want a dress")
    session = result.session
    assert seen == {
        "channel": "TEXT", "network": "SMS", "text": "I want a dress", "caller": ME,
        "called": SHOP, "state": "ANSWERED", "sid": session.sid,
    }  # fmt: skip
    assert session.sid == result.messages[0].sid and session.status == "completed"
    assert session.end_reason == "flow" and result.done


def test_say_texts_back_and_ask_takes_the_next_message():
    result = shop_carrier(dress_shop).text(SHOP, "I want a dress", texter="text: red")
    assert result.replies() == [
        "Hi! You wrote: I want a dress",
        "What colour?",
        "Your red dress: https://shop.example/red",
    ]
    assert result.results() == [("choice", "red")]
    assert result.said() == result.replies() and result.asked() == ["What colour?"]
    assert all(m.direction == "outbound-reply" for m in result.messages if m.from_ == SHOP)
    assert {m.session_sid for m in result.messages} == {result.session.sid}


def test_choices_are_matched_against_the_reply_text_with_attempts():
    events = []

    def flow(call):
        events.append(
            call.ask("Colour?", choices="red, blue", attempts=3, on_bad_choice=lambda e: None)
        )

    result = shop_carrier(flow).text(SHOP, "hi", texter="text: purple; text: Blue!")
    assert result.results() == [("badChoice", "purple"), ("choice", "blue")]
    e = events[0]
    assert (e.value, e.attempt, e.choice.mode, e.choice.utterance) == ("blue", 2, "text", "Blue!")


def test_any_grammar_takes_anything_on_the_text_channel():
    got = []
    result = shop_carrier(lambda call: got.append(call.ask("Tell me", choices="[ANY]"))).text(
        SHOP, "hi", texter="text: a long free-form answer, with commas"
    )
    assert got[0].value == "a long free-form answer, with commas"
    assert result.results() == [("choice", "a long free-form answer, with commas")]


def test_digit_grammars_match_typed_digits():
    got = []
    shop_carrier(lambda call: got.append(call.ask("PIN?", choices="[4 DIGITS]"))).text(
        SHOP, "hi", texter="text: 1234"
    )
    assert (got[0].name, got[0].value) == ("choice", "1234")


def test_no_reply_means_a_timeout_event_after_the_session_timeout():
    events = []

    def flow(call):
        events.append(call.ask("Colour?", choices="red", attempts=3))
        events.append(call.say("still there?"))

    result = shop_carrier(flow, timeout=120).text(SHOP, "hi")
    s = result.session
    assert [e.name for e in events] == ["timeout", "hangup"]  # one attempt: the session is over
    assert (s.status, s.end_reason, s.ended_at) == ("completed", "network", 120.0)
    assert "session timeout" in s.cause
    kinds = [e.kind for e in result.trace if e.t == 120.0]
    assert kinds == ["timeout", "hangup", "status", "result", "refused"]
    assert result.replies() == ["Colour?"]


def test_activity_either_way_restarts_the_session_timeout():
    def flow(call):
        call.ask("First?", choices="[ANY]")
        call.wait(90)
        call.ask("Second?", choices="[ANY]")

    result = shop_carrier(flow, timeout=100).text(SHOP, "hi", texter="wait: 50s; send: one")
    s = result.session
    # the prompt at 50 s resets the clock; nobody answers the second question
    assert s.ended_at == pytest.approx(140.0 + 100.0)
    assert result.results() == [("choice", "one"), ("timeout", "")]


def test_hangup_ends_the_session_and_later_verbs_are_refused():
    def flow(call):
        call.say("bye")
        call.hangup()
        call.say("never sent")
        assert not call.is_active and call.state == "DISCONNECTED"

    result = shop_carrier(flow).text(SHOP, "hi")
    assert result.replies() == ["bye"] and result.error is None
    refused = [e for e in result.trace if e.kind == "refused"]
    assert [(e["verb"], e.t) for e in refused] == [("say", 0.0)]


def test_messages_that_arrive_while_not_asking_wait_for_the_next_ask():
    got = []

    def flow(call):
        call.wait(60)
        got.append(call.ask("Which one?", choices="[ANY]").value)
        got.append(call.ask("And then?", choices="[ANY]").value)

    result = shop_carrier(flow).text(SHOP, "start", texter="send: early; send: earlier too")
    assert got == ["early", "earlier too"]
    assert result.replies() == ["Which one?", "And then?"]


def test_message_verb_on_the_text_channel_and_new_session_after_the_end():
    def flow(call):
        call.message("Order noted", to="+15550300")
        call.message("Thanks!", to=call.caller_id)

    c = shop_carrier(flow)
    first = c.text(SHOP, "order 1")
    second = c.text(SHOP, "order 2")
    assert first.session is not second.session and second.session.initial_text == "order 2"
    [note] = [m for m in first.messages if m.to == "+15550300"]
    assert (note.direction, note.session_sid, note.status) == (
        "outbound-api",
        first.session.sid,
        "delivered",
    )
    assert first.replies() == ["Thanks!"]
    assert len(c.sms.sessions) == 2 and not c.sms.open


@pytest.mark.parametrize(
    "verb",
    [
        lambda call: call.record("Leave a message"),
        lambda call: call.transfer("+15550300"),
        lambda call: call.conference("room"),
        lambda call: call.reject(),
        lambda call: call.start_recording(),
    ],
)
def test_voice_only_verbs_raise_a_flow_error_on_the_text_channel(verb):
    result = shop_carrier(verb).text(SHOP, "hi")
    assert isinstance(result.error, FlowError) and "text channel has no audio" in str(result.error)
    assert result.status == "failed"


def test_a_flow_that_raises_fails_its_session_with_the_traceback():
    def flow(call):
        raise RuntimeError("bug in the flow")

    result = shop_carrier(flow).text(SHOP, "hi")
    [err] = result.trace.errors()
    assert result.status == "failed" and "bug in the flow" in err["traceback"]


def test_voice_calls_still_refuse_any():
    c = shop_carrier(lambda call: call.ask("?", choices="[ANY]"))
    result = c.call(SHOP, caller="say: hi")
    assert "text channel" in str(result.error)


def test_tropo_scripts_run_on_the_text_channel():
    script = """
say("Channel " + currentCall.channel + " via " + currentCall.network)
say("You wrote " + currentCall.initialText + " from " + currentCall.callerID)
result = ask("Size?", {"choices": "small, medium, large", "attempts": 2,
                       "onBadChoice": lambda event: say("Sorry, " + event.value + "?")})
if result.name == "choice":
    say("Size " + result.value + " it is")
hangup()
"""
    c = telenb.Carrier(seed=4)
    c.app(SHOP, script=script)
    result = c.text(SHOP, "dress", texter="text: huge; text: medium")
    assert result.replies() == [
        "Channel TEXT via SMS",
        "You wrote dress from 5550199",
        "Size?",
        "Sorry, huge?",
        "Size?",
        "Size medium it is",
    ]


# -- texters --------------------------------------------------------------------------------------
def test_texter_replies_after_its_reaction_time_once_per_burst():
    result = shop_carrier(dress_shop).text(SHOP, "dress", texter=telenb.Texter("text: blue"))
    [reply] = [m for m in result.messages if m.from_ == ME and m.body == "blue"]
    # the greeting and the question arrive together at 2.2 s; one reply 3 s later
    assert reply.created == pytest.approx(5.2)
    assert result.texter.received[0].body.startswith("Hi!")
    assert [m.body for m in result.texter.sent] == ["dress", "blue"]


def test_texter_wait_send_and_silence():
    def flow(call):
        for _ in range(3):
            call.ask("Go on?", choices="[ANY]")

    result = shop_carrier(flow, timeout=300).text(
        SHOP, "hi", texter="silence; wait: 30s; send: ping; text: pong"
    )
    mine = [(m.body, m.created) for m in result.messages if m.from_ == ME]
    # silence reads the first question (2.2 s + 3 s) and lets it be; 30 s later "ping"
    # answers it anyway, and "pong" answers the next question 3 s after it arrives
    assert mine == [("hi", 0.0), ("ping", pytest.approx(35.2)), ("pong", pytest.approx(40.4))]
    assert result.results() == [("choice", "ping"), ("choice", "pong"), ("timeout", "")]


def test_reactive_texter_answers_each_message():
    def react(body):
        return "red" if "colour" in body.lower() else None

    result = shop_carrier(dress_shop).text(SHOP, "dress", texter=telenb.Texter(react, reaction=1))
    assert result.results() == [("choice", "red")]


def test_texter_number_and_from_option():
    result = shop_carrier(dress_shop).text(
        SHOP, "dress", texter=telenb.Texter("text: red", number="+15550177")
    )
    assert result.person == "+15550177" and result.session.from_ == "+15550177"
    other = shop_carrier(dress_shop).text(SHOP, "dress", from_="+15550166", texter="text: red")
    assert other.person == "+15550166" and other.results() == [("choice", "red")]


def test_texter_script_errors_name_the_step():
    assert [
        s.kind for s in parse_texter_script("text: a; send: b\nwait: 2s; silence\n# a note")
    ] == [
        "text",
        "send",
        "wait",
        "silence",
    ]
    with pytest.raises(ConfigurationError, match=r"step 2 \('say: red'\).*text: WORDS"):
        telenb.Texter("text: hi; say: red")
    with pytest.raises(ConfigurationError, match="needs the words"):
        telenb.Texter("text:")
    with pytest.raises(ConfigurationError, match="duration"):
        telenb.Texter("wait: soon")


# -- thread display ------------------------------------------------------------------------------
def test_thread_text_is_deterministic_and_shows_both_sides_with_badges():
    def run():
        c = shop_carrier(dress_shop)
        c.phone(ME)
        return c.text(SHOP, "Je veux une robe \u00e9t\u00e9 \U0001f457", texter="text: red")

    a, b = run(), run()
    assert repr(a) == repr(b) and a._repr_html_() == b._repr_html_()
    lines = a.thread.text().splitlines()
    assert lines[0] == (
        "SMS thread +15550199 <-> +15550100: 5 messages, 5 segments, estimated 0.0395 USD"
    )
    assert lines[1] == "     0.000s  < +15550199: Je veux une robe \u00e9t\u00e9 \U0001f457"
    assert lines[2].strip() == "UCS-2 · 1 segment · received"
    assert lines[3].startswith("     0.000s  > +15550100: Hi! You wrote:")


def test_thread_html_is_static_bubbles_with_encoding_and_segment_badges():
    c = shop_carrier(dress_shop)
    c.phone(ME, sms="unreachable")
    result = c.text(SHOP, "a" * 170 + " <b>", texter="text: red")
    html = result.thread._repr_html_()
    assert "<script" not in html and "telenb-sms-bubble" in html
    assert html.count("telenb-sms-bubble") == len(result.thread)
    assert "2 segments" in html and "GSM-7" in html and "&lt;b&gt;" in html
    assert "undelivered 30003 Unreachable destination handset" in html
    assert "justify-content:flex-end" in html and "justify-content:flex-start" in html


def test_threads_group_every_conversation():
    c = shop_carrier(dress_shop)
    c.text(SHOP, "dress", texter="text: red")
    c.send_message("Your order shipped", to="+15550300", from_=SHOP)
    c.run()
    threads = c.messages.threads()
    assert [(t.them, t.ours, len(t)) for t in threads] == [
        (ME, SHOP, 5),
        ("+15550300", SHOP, 1),
    ]
    assert repr(threads).count("SMS thread") == 2 and "telenb-thread" in threads._repr_html_()
    assert c.messages.thread(ME, SHOP).text() == threads[0].text()


# -- guards against endless conversations -------------------------------------------------------
def test_a_reactive_texter_stops_at_its_limit():
    def parrot(call):
        call.say(f"You said {call.initial_text}")

    c = shop_carrier(parrot)
    result = c.text(SHOP, "hi", texter=telenb.Texter(lambda body: "again", limit=5))
    assert len(result.texter.sent) == 5 and len(result.sessions) == 5 and result.done


def test_two_apps_texting_each_other_are_stopped_as_a_loop():
    c = telenb.Carrier(seed=4)
    c.app(SHOP, lambda call: call.say("Thanks for your message!"))
    c.on_message("+15550200", lambda msg: "Auto-reply: we got it.")
    c.send_message("hello", to=SHOP, from_="+15550200")
    c.run()
    [loop] = [e for e in c.trace.errors() if e["error"] == "MessageLoop"]
    assert "automated replies in a row" in loop["message"]
    assert len(c.messages) < 40
