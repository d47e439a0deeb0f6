"""The local recordings server: a recording is fetchable only by who was given its URL, only
from this machine, and its words are not handed out in a header."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

import telenb
from telenb.providers.twilio.account import twilio_account
from telenb.providers.twilio.sim import recordings
from telenb.providers.webhooks.web import call_wsgi

from .webhook_client import send

APP = "+15550100"
VOICEMAIL = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Leave a message.</Say>'
    '<Record action="/done" maxLength="20"/></Response>'
)


@pytest.fixture(scope="module")
def recorded():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, twiml={"/": VOICEMAIL, "/done": "<Response/>"})
    result = carrier.call(APP, caller="say: my card number is four one one one; press: #")
    [hook] = [e for e in result.trace.filter("webhook") if "RecordingUrl" in e["params"]]
    yield carrier, result.recordings[0], hook["params"]["RecordingUrl"]
    recordings.stop_server()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_the_recording_url_given_to_the_app_plays_without_the_transcript(recorded):
    _carrier, _rec, url = recorded
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=5) as resp:
        assert resp.headers["Content-Type"] == "audio/x-wav"
        assert resp.headers.get("X-Telenb-Transcript") is None
        assert "four one" not in str(resp.headers)
        assert resp.read(4) == b"RIFF"
    assert status_of(url + ".json") == 200


def guesses(carrier, rec, url):
    account = twilio_account(carrier)
    origin = recordings.base_url()
    predictable = origin + recordings.recording_path(account.account_sid, rec.sid)
    near = url[:-1] + ("A" if url[-1] != "A" else "B")
    prefix, _, _tail = url.rpartition("/2010-04-01/")
    token = prefix.rsplit("/", 1)[-1]
    swapped = url.replace(token, token[::-1]) if token != token[::-1] else url + "x"
    return {
        "the path Twilio uses, from the seed": predictable,
        "the same with .wav": predictable + ".wav",
        "the same with .json": predictable + ".json",
        "the last character changed": near,
        "the token reversed": swapped,
        "the token alone": origin + "/" + token,
    }


GUESSES = [
    "the path Twilio uses, from the seed",
    "the same with .wav",
    "the same with .json",
    "the last character changed",
    "the token reversed",
    "the token alone",
]


@pytest.mark.parametrize("guess", GUESSES)
def test_a_recording_url_cannot_be_guessed(recorded, guess):
    url = guesses(*recorded)[guess]
    assert url != recorded[2]
    assert status_of(url) == 404


@pytest.mark.parametrize("remote", ["10.0.0.7", "192.168.1.20", "2001:db8::1", ""])
def test_only_this_machine_is_served(recorded, remote):
    _carrier, _rec, url = recorded
    response = call_wsgi(recordings.app, "GET", url, b"", {})
    assert response.status == 200  # loopback, as call_wsgi says
    environ_remote = {"REMOTE_ADDR": remote}
    response = call_wsgi(_with_environ(recordings.app, environ_remote), "GET", url, b"", {})
    assert response.status == 403


def _with_environ(app, extra):
    def wrapped(environ, start_response):
        return app({**environ, **extra}, start_response)

    return wrapped


def test_the_server_binds_to_loopback_and_has_limits(recorded):
    """waitress with small limits: a huge header or a body (it serves only GETs) is refused."""
    _carrier, _rec, url = recorded
    host_port = url.split("/")[2]
    host, port = host_port.rsplit(":", 1)
    assert host == "127.0.0.1"
    head = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: " + b"p" * 20_000
    assert send((host, int(port)), head)[0] == 431
    post = b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2000000"
    assert send((host, int(port)), post, b"a" * 2_000_000)[0] == 413
