"""A caller's steps after a <Record> ended by a key answer the next question, as after any
other verb (they are not pressed into the <Say> that follows the recording)."""

from ...helpers import events, run_twiml, webhooks

SAVED = (
    "<Response><Say>Your message is saved. Thank you for calling, we will be in touch.</Say>"
    '<Gather action="/menu" numDigits="1" input="dtmf speech"><Say>Press 1 or say yes to '
    "rate us.</Say></Gather><Say>No answer.</Say></Response>"
)
DOCS = {
    "/": '<Response><Record action="/saved" finishOnKey="#"/></Response>',
    "/saved": SAVED,
    "/menu": "<Response><Say>Thanks for rating us.</Say></Response>",
}


def test_key_after_a_key_ended_record_answers_the_next_gather():
    r = run_twiml(DOCS, "say: hello there; press: #; press: 1")
    assert [p.get("Digits") for _m, _u, p in webhooks(r)] == [None, "#", "1"]
    assert r.said()[-1] == "Thanks for rating us."
    assert not events(r, "unheard")
    gather = next(e for e in events(r, "gather"))
    [answer] = [e for e in events(r, "input") if e.t > gather.t]
    assert answer.t > gather.t + 1  # after the menu prompt, not during the saved message


def test_speech_after_a_key_ended_record_answers_the_next_gather():
    r = run_twiml(DOCS, "say: call me back; press: #; say: yes")
    assert webhooks(r)[-1][2]["SpeechResult"] == "yes"
    assert not events(r, "unheard")


def test_default_finish_keys_end_the_turn_too():
    docs = dict(DOCS, **{"/": '<Response><Record action="/saved"/></Response>'})
    r = run_twiml(docs, "say: hello there; press: 5; press: 1")
    assert [p.get("Digits") for _m, _u, p in webhooks(r)] == [None, "5", "1"]


def test_a_key_that_does_not_end_the_recording_keeps_the_turn():
    r = run_twiml(DOCS, "say: my number is; press: 4; press: #; press: 1")
    assert [p.get("Digits") for _m, _u, p in webhooks(r)] == [None, "#", "1"]
