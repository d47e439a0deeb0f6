"""A WebAPI app that misbehaves fails as it did on Tropo: the error in the trace (naming the
URL, the step and the field), the call ended, nothing of the bad document run."""

from __future__ import annotations

import json
import time

import pytest

import telenb
from telenb.errors import UnknownOptionError
from telenb.providers.tropo import WebApiError, parse_document

from .helpers import APP, ORIGIN, errors, posts, run_app


def failing(answer):
    """An app whose start document is fine and whose `next` answers `answer`."""

    def app(request):
        if request.path == "/next":
            return answer
        return {"tropo": [{"say": {"value": "Hello."}}, {"on": {"event": "continue",
                                                                 "next": "/next"}}]}  # fmt: skip

    return app


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("{not json", "is not JSON"),
        ('{"twiml": []}', 'must be {"tropo": [...]}'),
        ('{"tropo": [{"say": {"value": "ok"}}, {"speak": {"value": "x"}}]}',
         "tropo[1].speak: unknown verb 'speak'"),
        ('{"tropo": [{"ask": {"say": {"value": "Pick"}}}]}',
         "tropo[0].ask: the field 'choices' is required"),
        ('{"tropo": [{"transfer": {"to": "+15550123", "ringtone": 2}}]}',
         "tropo[0].transfer: unknown field 'ringtone'"),
        ("<Response><Say>TwiML</Say></Response>", "is not JSON"),
        (("oops", 500), "answered HTTP 500"),
        ('{"tropo": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests JSON too deeply"),
    ],
)  # fmt: skip
def test_a_bad_answer_ends_the_call_with_the_error_named(answer, says):
    result = run_app(failing(answer))
    [message] = errors(result.trace)
    assert says in message and message.startswith(ORIGIN + "/next")
    assert result.said() == ["Hello."]  # nothing of the bad document ran
    assert result.status == "completed" and result.trace.filter("hangup")[0]["by"] == "flow"


def test_an_app_that_raises_is_an_http_500_with_its_traceback():
    def app(request):
        raise KeyError("session")

    result = run_app(app)
    [message] = errors(result.trace)
    assert "answered HTTP 500: the app raised KeyError" in message
    assert "KeyError" in result.trace.filter("webhook")[0]["response"]
    assert result.said() == []


def test_an_unreachable_next_url_ends_the_call():
    result = run_app(_next_elsewhere)
    [message] = errors(result.trace)
    assert "https://nowhere.example/next could not be reached" in message
    assert "cannot be resolved" in message
    assert result.said() == ["Hello."] and result.status == "completed"


def _next_elsewhere(request):
    on = {"event": "continue", "next": "https://nowhere.example/next"}
    return {"tropo": [{"say": {"value": "Hello."}}, {"on": on}]}


def test_a_closed_loopback_port_is_unreachable():
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_app(f"http://127.0.0.1:{port}/index.json")
    [message] = errors(result.trace)
    assert f"http://127.0.0.1:{port}/index.json could not be reached" in message
    assert result.status == "completed"


def test_a_slow_app_times_out():
    def app(request):
        if request.path == "/next":
            time.sleep(1.0)
        return failing(None)(request) if request.path == "/" else {"tropo": []}

    result = run_app(app, timeout=0.2)
    [message] = errors(result.trace)
    assert "did not answer within 0.2s" in message


def test_an_empty_answer_hangs_up_quietly():
    result = run_app(failing(""))
    assert result.said() == ["Hello."] and not errors(result.trace)
    assert [u for u, _ in posts(result.trace)] == [ORIGIN + "/", ORIGIN + "/next"]


def test_a_document_loop_is_stopped():
    def app(request):
        return {"tropo": [{"on": {"event": "continue", "next": "/again"}}]}

    result = run_app(app)
    [message] = errors(result.trace)
    assert "more than 200 documents in one session" in message


def test_a_verb_the_call_cannot_do_fires_error():
    def app(request):
        if request.path == "/error":
            return {"tropo": [{"say": {"value": "Error: " + request.result["error"]}}]}
        return {"tropo": [{"say": {"value": "Hi."}}, {"reject": None},
                          {"on": {"event": "error", "next": "/error"}}]}  # fmt: skip

    result = run_app(app)
    assert result.said()[0] == "Hi."
    assert result.said()[1].startswith("Error: tropo[1].reject: reject() works only before")


def test_parse_document_reads_the_shapes_the_libraries_wrote():
    doc = parse_document(json.dumps({"tropo": [
        {"say": [{"value": "a"}, {"value": "b", "voice": "Kate", "as": "DIGITS"}]},
        {"ask": {"choices": "yes, no", "say": "Yes?", "voice": "Tom"}},
        {"wait": 500},
        {"hangup": None},
        {"on": {"event": "continue", "next": "/c"}},
    ]}), "https://app.test/")  # fmt: skip
    assert [s.verb for s in doc.steps] == ["say", "ask", "wait", "hangup"]
    say = doc.steps[0].fields["prompts"][1]
    assert (say.value, say.voice, say.say_as) == ("b", "Kate", "DIGITS")
    ask = doc.steps[1].fields
    assert ask["choices"] == {"value": "yes, no", "mode": "any", "terminator": None}
    assert ask["say"][0].voice == "Tom" and doc.steps[2].fields == {"milliseconds": 500}
    assert doc.handlers["continue"].next == "/c"
    assert parse_document(b"  ").steps == []
    with pytest.raises(WebApiError, match=r"choices.mode must be speech, dtmf or any"):
        parse_document('{"tropo": [{"ask": {"choices": {"value": "x", "mode": "keys"}}}]}')
    with pytest.raises(WebApiError, match=r'tropo\[0\].say: a say needs a "value"'):
        parse_document('{"tropo": [{"say": {"voice": "Kate"}}]}')


def test_unknown_app_options_are_named():
    carrier = telenb.Carrier()
    with pytest.raises(UnknownOptionError, match="base_ur"):
        carrier.app(APP, tropo_webapi={"tropo": []}, base_ur="https://x.test")
