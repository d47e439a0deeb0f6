"""The shared core of the live backends (providers/live/): the continuation server's own
rules, whichever vendor is behind it (Plivo's hooks here, as a real vendor to drive it), the
recording transport and the credential helpers."""

import json

import httpx
import pytest

from telenb.errors import ConfigurationError
from telenb.providers.live.http import RecordingTransport, Rest, VendorError
from telenb.providers.live.secrets import Secret, mask, require
from telenb.providers.webhooks.web import call_wsgi

from ..plivo.backend.test_backend import NUMBER, PUBLIC, TOKEN, backend, post, sign, webhook


def test_a_retried_answer_webhook_gets_the_first_answer_and_the_flow_runs_once():
    """Vendors retry a webhook whose answer was slow or lost: running the flow again would
    repeat its side effects, so the retry gets the document the first request got."""
    started = []

    def flow(call):
        started.append(call.sid)
        call.ask("Your PIN?", choices="[4 DIGITS]")

    b = backend()
    b.answer(NUMBER, flow)
    first = post(b.server, "/plivo/answer", webhook())
    retry = post(b.server, "/plivo/answer", webhook())
    assert first == retry and "<GetInput" in first[1] and len(started) == 1
    assert b.server.events[-1][1] == "repeated"


def test_a_step_for_a_call_it_no_longer_knows_is_told_so_and_hung_up():
    b = backend()
    status, xml = post(b.server, "/plivo/step/3", webhook(Digits="1"))
    assert status == 200
    assert xml == "<Response><Speak>This call is no longer known.</Speak><Hangup/></Response>"
    status, xml = post(b.server, "/plivo/answer", webhook())  # no flow answers this number
    assert "This number has no telenb flow." in xml


def test_wrong_paths_methods_and_bodies_are_refused_without_a_traceback():
    b = backend()
    b.answer(NUMBER, lambda call: call.say("hi"))
    assert post(b.server, "/plivo/event", webhook())[0] == 404  # not a Plivo webhook
    assert call_wsgi(b.server, "GET", PUBLIC + "/plivo/answer", b"", {}).status == 404
    huge = b"a=" + b"x" * (70 * 1024)
    too_big = call_wsgi(b.server, "POST", PUBLIC + "/plivo/answer", huge, sign(PUBLIC, {}))
    assert too_big.status == 413 and "Traceback" not in too_big.text
    bad = call_wsgi(b.server, "POST", PUBLIC + "/plivo/answer", b"\xff\xfe=1",
                    {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert bad.status == 403  # unreadable, so it cannot be signed: refused as unsigned


def test_a_flow_that_raises_hangs_up_and_its_error_is_kept():
    def broken(call):
        call.say("One moment.")
        raise RuntimeError("database down")

    b = backend()
    b.answer(NUMBER, broken)
    status, xml = post(b.server, "/plivo/answer", webhook())
    assert status == 200 and xml == "<Response><Speak>One moment.</Speak></Response>"
    kinds = [(kind, data.get("error")) for _, kind, data in b.server.events]
    assert ("error", "RuntimeError") in kinds and b.server.calls == {}


def test_the_recording_transport_keeps_the_bytes_httpx_would_send():
    rest = RecordingTransport([(201, {"ok": 1})])
    body = json.dumps({"to": "1555"}).encode()
    answer = Rest("X", rest).send("POST", "https://api.example.test/v1/calls?a=1",
                                  headers={"Authorization": "Basic abc"}, content=body)  # fmt: skip
    assert answer == {"ok": 1}
    prepared = httpx.Request("POST", "https://api.example.test/v1/calls?a=1", content=body)
    [seen] = rest.requests
    assert (seen.method, seen.url, seen.body) == ("POST", str(prepared.url), prepared.read())
    assert seen.headers["Authorization"] == "Basic abc" and seen.headers["User-Agent"] == "telenb"
    assert "abc" not in repr(seen) and seen.masked().authorization == "Basic ****"


def test_a_refusal_from_the_vendor_is_an_error_with_its_status_and_no_credentials():
    rest = RecordingTransport([(401, {"error": "Authentication failed"})])
    auth = {"Authorization": f"Basic {TOKEN}"}
    with pytest.raises(VendorError, match=r"HTTP 401: .*Authentication failed") as refused:
        Rest("Plivo", rest).send("POST", "https://api.plivo.com/v1/Account/x/Call/",
                                 headers=auth, content=b"{}")  # fmt: skip
    assert TOKEN not in str(refused.value) and refused.value.status == 401


def test_credentials_helpers_name_the_variable_and_never_the_value():
    with pytest.raises(
        ConfigurationError, match=r"set the environment variable A_KEY \(or B_KEY\)"
    ):
        require({}, "A_KEY", "B_KEY", why="to the key")
    assert require({"B_KEY": " v "}, "A_KEY", "B_KEY", why="") == ("B_KEY", "v")
    secret = Secret("A_KEY", "s3cr3t-value")
    assert "s3cr3t" not in repr(secret) + str(secret) and secret.reveal() == "s3cr3t-value"
    assert mask("s3cr3t-value") == "s3cr…(12 chars)" and mask("short") == "****"
