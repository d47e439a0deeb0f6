"""The real-Twilio webhook server over real sockets: calls do not wait for each other, and a
webhook Twilio retries gets the answer the first attempt got."""

from __future__ import annotations

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

import telenb
from telenb.providers.twilio import Credentials

SID, TOKEN = "AC" + "a1" * 16, "f" * 32
PUBLIC = "https://abc123.ngrok.app"
NUMBER, OTHER = "+15557654321", "+15557654322"


def params(n: int, to: str = NUMBER, **extra: str) -> dict[str, str]:
    base = {"CallSid": f"CA{n:032x}", "AccountSid": SID, "From": "+15551234567", "To": to,
            "CallStatus": "ringing", "Direction": "inbound"}  # fmt: skip
    return {**base, **extra}


def post(address, path, form, timeout=10.0):
    sig = RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)
    req = urllib.request.Request(
        f"http://{address[0]}:{address[1]}{path}",
        data=urlencode(form).encode(),
        headers={"X-Twilio-Signature": sig},
    )
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read().decode()


@pytest.fixture
def backend():
    b = telenb.connect(
        "twilio", public_url=PUBLIC, credentials=Credentials(SID, TOKEN), from_=NUMBER
    )
    yield b
    b.stop()


def test_a_flow_that_blocks_does_not_stall_other_calls(backend):
    gate = threading.Event()
    ran = []

    def stuck(call):
        gate.wait(20)  # a flow doing slow work of its own (a database, a slow API)
        call.say("Sorry for the wait.")

    def quick(call):
        ran.append(threading.current_thread().name)
        call.ask("Your PIN?", choices="[4 DIGITS]", timeout=5)

    backend.answer(NUMBER, stuck, configure=False)
    backend.answer(OTHER, quick, configure=False)
    address = backend.serve(port=0)
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(post, address, "/twilio/voice", params(1), 30)
        time.sleep(0.3)
        try:
            status, twiml = post(address, "/twilio/voice", params(2, to=OTHER), timeout=5)
            assert status == 200 and "<Gather" in twiml
            assert not held.done()  # answered while the other call's flow was still stuck
        finally:
            gate.set()
        assert "Sorry for the wait." in held.result(timeout=10)[1]
    assert ran and ran[0].startswith("telenb-call")


def test_a_retry_that_arrives_while_the_first_attempt_runs_gets_the_same_answer(backend):
    started = []

    def slow(call):
        started.append(call.sid)
        time.sleep(0.5)
        call.ask("Your PIN?", choices="[4 DIGITS]", timeout=5)

    backend.answer(NUMBER, slow, configure=False)
    address = backend.serve(port=0)
    with ThreadPoolExecutor(2) as pool:
        attempts = [pool.submit(post, address, "/twilio/voice", params(7)) for _ in range(2)]
        first, retry = (a.result(timeout=10) for a in attempts)
    assert first == retry and "<Gather" in first[1]
    assert len(started) == 1


def test_many_calls_at_once_each_resume_their_own_flow(backend):
    def pin(call):
        r = call.ask("Your PIN?", choices="[4 DIGITS]", timeout=5)
        call.say(f"You said {r.value}.")
        r = call.ask("Again?", choices="[4 DIGITS]", timeout=5)
        call.say(f"Then {r.value}.")

    backend.answer(NUMBER, pin, configure=False)
    address = backend.serve(port=0)

    def one(n: int) -> list[str]:
        said = [post(address, "/twilio/voice", params(n))[1]]
        for step in (1, 2):
            form = params(n, CallStatus="in-progress", Digits=f"{n + step - 1:04d}")
            said.append(post(address, f"/twilio/continue/{step}", form)[1])
        return said

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(100, 116)))
    for n, (_voice, first, second) in zip(range(100, 116), results, strict=True):
        assert f"You said {n:04d}." in first
        assert f"Then {n + 1:04d}." in second and "<Hangup" in second
    assert backend.server.calls == {}


def test_serving_refuses_an_inline_executor():
    from telenb.errors import ConfigurationError
    from telenb.providers.twilio.backend.server import InlineExecutor

    b = telenb.connect(
        "twilio",
        public_url=PUBLIC,
        credentials=Credentials(SID, TOKEN),
        from_=NUMBER,
        executor=InlineExecutor(),
    )
    with pytest.raises(ConfigurationError, match="a thread per call"):
        b.serve(port=0)
