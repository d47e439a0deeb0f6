"""The real-Twilio webhook server faces the internet through a tunnel: every request is hostile
until signed.  Each attack is sent as raw bytes to a real server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import logging
import socket
import time
import tracemalloc

import pytest

import telenb
from telenb.providers.twilio import Credentials

from .webhook_client import post_head, send

SID, TOKEN = "AC" + "a1" * 16, "f" * 32
NUMBER = "+15557654321"
MIB = 1 << 20


def flow(call):
    call.ask("Your PIN?", choices="[4 DIGITS]", timeout=5)


@pytest.fixture
def server():
    b = telenb.connect(
        "twilio",
        public_url="https://abc123.ngrok.app",
        credentials=Credentials(SID, TOKEN),
        allow=["+1555*"],
        from_=NUMBER,
    )
    b.answer(NUMBER, flow, configure=False)
    address = b.serve(port=0)
    yield b, address
    b.stop()


def chunked(total: int, size: int = 64 * 1024):
    for _ in range(total // size):
        yield b"%x\r\n" % size + b"a" * size + b"\r\n"
    yield b"0\r\n\r\n"


HUGE = b"a" * (4 * MIB)
FIELDS = b"&".join(b"f%d=" % n for n in range(600))
# (attack, request head, body, expected status)
ATTACKS = [
    ("100 MB declared, 4 MiB sent", post_head("/twilio/voice", 100 * MIB), HUGE, 413),
    ("4 MiB chunked", post_head("/twilio/voice", None, "Transfer-Encoding: chunked"),
     chunked(4 * MIB), 413),
    ("Content-Length not a number", post_head("/twilio/voice", "abc"), b"CallSid=CA1", 400),
    ("Content-Length negative", post_head("/twilio/voice", "-5"), b"CallSid=CA1", 400),
    ("two Content-Lengths", post_head("/twilio/voice", 11, "Content-Length: 5"),
     b"CallSid=CA1", 400),
    ("a 70 KiB form", post_head("/twilio/voice", 70 * 1024), b"a" * (70 * 1024), 413),
    ("600 form fields", post_head("/twilio/voice", len(FIELDS)), FIELDS, 400),
    ("non-UTF-8 body", post_head("/twilio/voice", 12), b"CallSid=\xff\xfe\xfd\r\n", 400),
    ("non-UTF-8 percent escape", post_head("/twilio/voice", 12), b"CallSid=%FF1", 400),
    ("a 20 KiB header", post_head("/twilio/voice", 11, "X-Pad: " + "p" * 20_000),
     b"CallSid=CA1", 431),
    ("unsigned", post_head("/twilio/voice", 11), b"CallSid=CA1", 403),
    ("wrong signature", post_head("/twilio/voice", 11, "X-Twilio-Signature: AAAA"),
     b"CallSid=CA1", 403),
    ("GET", b"GET /twilio/voice HTTP/1.1\r\nHost: x\r\nConnection: close", b"", 404),
    ("outside /twilio", post_head("/etc/passwd", 11), b"CallSid=CA1", 404),
    ("dot segments", post_head("/twilio/../../etc/passwd", 11), b"CallSid=CA1", 404),
]  # fmt: skip


@pytest.mark.parametrize(
    ("head", "body", "expected"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS]
)
def test_attack_is_refused_with_a_client_error_and_bounded_memory(server, head, body, expected):
    b, address = server
    tracemalloc.start()
    try:
        status, _headers, text = send(address, head, body)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == expected, text[:300]
    assert b"Traceback" not in text and b"File " not in text
    assert peak < MIB, f"the server held {peak / MIB:.1f} MiB for one refused request"
    assert b.server.calls == {}


def test_refused_requests_are_recorded_boundedly(server):
    b, address = server
    for n in range(300):  # long paths (no such webhook) and long queries (not signed)
        path = f"/twilio/voice?n={n}&pad=" if n % 2 else f"/twilio/voice/{n}/"
        status, _, _ = send(address, post_head(path + "x" * 8000, 14), b"CallSid=CA" + b"9" * 4)
        assert status == (403 if n % 2 else 404)
    kept = repr(list(b.server.refused)) + repr(list(b.server.events))
    assert len(kept) < 64 * 1024, f"{len(kept)} characters kept about 300 refused requests"
    assert 0 < len(b.server.refused) <= 100
    assert b.server.refused[-1]["path"].startswith("/twilio/voice?n=299&pad=xxx")


FORGED = "\r\nCRITICAL:telenb:the account was deleted"


@pytest.mark.parametrize(
    ("where", "path", "body"),
    [
        ("CallSid", "/twilio/voice", "CallSid=CA1" + FORGED.replace("\r\n", "%0D%0A")),
        ("path", "/twilio/voice%0D%0ACRITICAL:telenb:forged", "CallSid=CA1"),
        ("status path", "/twilio/status%0ACRITICAL:x", "CallSid=CA1%0A%0DCRITICAL"),
    ],
)
def test_log_lines_cannot_be_forged(server, caplog, where, path, body):
    _b, address = server
    caplog.set_level(logging.DEBUG)
    status, _, _ = send(address, post_head(path, len(body)), body.encode())
    assert status in (403, 404)
    messages = [r.getMessage() for r in caplog.records]
    assert messages, "the refusal was logged"
    for message in messages:
        assert "\n" not in message and "\r" not in message, message


def test_slow_clients_are_cut_off():
    b = telenb.connect(
        "twilio",
        public_url="https://abc123.ngrok.app",
        credentials=Credentials(SID, TOKEN),
        from_=NUMBER,
    )
    address = b.serve(port=0, limits={"channel_timeout": 1, "cleanup_interval": 1})
    socks = []
    try:
        for _ in range(3):
            s = socket.create_connection(address, timeout=6)
            s.sendall(b"POST /twilio/voice HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
            socks.append(s)
        started = time.monotonic()
        for s in socks:
            with contextlib.suppress(ConnectionResetError):
                assert s.recv(100) == b"", "the server answered a half-sent request"
        assert time.monotonic() - started < 5
    finally:
        for s in socks:
            s.close()
        b.stop()


def texting_flow(call):
    call.say("Hello.")
    call.message("Your code is 1234", to=call.caller_id)
    call.ask("Your PIN?", choices="[4 DIGITS]", timeout=5)
    call.message("PIN received", to=call.caller_id)
    call.hangup()


def signed_post(address, path, params):
    import urllib.request
    from urllib.parse import urlencode

    from twilio.request_validator import RequestValidator

    sig = RequestValidator(TOKEN).compute_signature("https://abc123.ngrok.app" + path, params)
    req = urllib.request.Request(
        f"http://{address[0]}:{address[1]}{path}",
        data=urlencode(params).encode(),
        headers={"X-Twilio-Signature": sig},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, resp.read().decode()


@pytest.mark.parametrize("replays", [1, 3])
def test_a_replayed_signed_webhook_does_not_run_the_flow_again(replays):
    from telenb.providers.twilio import RecordingHttpClient

    rest = RecordingHttpClient([(201, {"sid": "SM" + "c3" * 16, "status": "queued"})] * 8)
    b = telenb.connect(
        "twilio",
        public_url="https://abc123.ngrok.app",
        credentials=Credentials(SID, TOKEN),
        allow=["+1555*"],
        from_=NUMBER,
        http_client=rest,
    )
    b.answer(NUMBER, texting_flow, configure=False)
    address = b.serve(port=0)
    params = {"CallSid": "CA" + "b2" * 16, "AccountSid": SID, "From": "+15551234567",
              "To": NUMBER, "CallStatus": "ringing", "Direction": "inbound"}  # fmt: skip
    try:
        first = signed_post(address, "/twilio/voice", params)
        for _ in range(replays):
            assert signed_post(address, "/twilio/voice", params) == first
        assert len(rest.requests) == 1  # one SMS, not one per replay
        answer = {**params, "CallStatus": "in-progress", "Digits": "1234"}
        last = signed_post(address, "/twilio/continue/1", answer)
        assert "<Hangup" in last[1] and len(rest.requests) == 2
        for _ in range(replays):  # the flow has ended and been forgotten: still the same answer
            assert signed_post(address, "/twilio/continue/1", answer) == last
            assert signed_post(address, "/twilio/voice", params) == first
        assert len(rest.requests) == 2
    finally:
        b.stop()
