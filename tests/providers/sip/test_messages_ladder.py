"""A SIP call's text messages (RFC 3428 MESSAGE in its dialog), its ladder and its RTP counters,
against the strict pjsua2 peer; and an `ask` question the caller can hear over real RTP."""

from __future__ import annotations

import threading

import pytest

from telenb.errors import FlowError
from telenb.speech import transcribe

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def _labels(result) -> list[str]:
    """The call's SIP messages, without the optional 100 Trying (RFC 3261 8.2.6.1: a UAS that
    answers within 200 ms need not send it)."""
    return [f"{m.dir} {m.label}" for m in result.sip_messages if m.label != "100 Trying"]


def test_message_reaches_the_caller_in_the_dialog_and_the_ladder_shows_it(sip_backend, pj_peer):
    """Tropo's `message()` during a call, over SIP: a MESSAGE inside the INVITE's dialog to
    the caller, answered 200 (RFC 3428 7); the peer receives the exact text."""
    peer = pj_peer()

    def shop(call):
        call.say("Your link is on its way.")
        call.message("Your red dress: https://shop.example/red", to=call.caller_id)
        call.wait(1)
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    got = peer.expect("message", 60)
    assert got["text"] == "Your red dress: https://shop.example/red"
    assert got["content_type"] == "text/plain"
    assert got["from"].startswith("<sip:shop@127.0.0.1") or "sip:shop@" in got["from"]
    result = backend.wait(60)
    assert result.status == "completed" and result.error is None
    sent, delivered = result.trace.filter("message")
    assert (sent["status"], sent["body"], sent["to"]) == (
        "sent", "Your red dress: https://shop.example/red", result.from_)  # fmt: skip
    assert (delivered["status"], delivered["code"], delivered["sid"]) == (
        "delivered", 200, sent["sid"])  # fmt: skip
    assert _labels(result) == [

        "in INVITE", "out 180 Ringing", "out 200 OK", "in ACK",
        "out MESSAGE", "in 200 OK", "out BYE", "in 200 OK",
    ]  # fmt: skip
    assert [m.cseq.split()[1] for m in result.sip_messages if m.label == "200 OK"] == [
        "INVITE", "MESSAGE", "BYE"]  # fmt: skip
    text = repr(result.ladder(times=False)).splitlines()
    assert text[0].split() == ["telenb", result.from_]
    assert "MESSAGE" in text[6] and text[6].endswith(">|")  # sent: the arrow points at the peer


def test_the_peers_message_is_traced_as_received(sip_backend, pj_peer):
    peer = pj_peer()
    listening = threading.Event()

    def shop(call):
        listening.set()
        call.wait(4)
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert listening.wait(30)
    peer.send("message", text="Running late, call me back")
    assert peer.expect("message_status", 30)["code"] == 200
    result = backend.wait(60)
    [got] = result.trace.filter("message")
    assert (got["status"], got["body"], got["from"]) == (
        "received", "Running late, call me back", result.from_)  # fmt: skip
    assert "in MESSAGE" in _labels(result) and "out 200 OK" in _labels(result)


def test_message_to_anyone_but_the_other_party_is_refused(sip_backend, pj_peer):
    """No relay: SIP has no SMS, and a MESSAGE to a third party would make telenb forward
    text for whoever calls it."""
    peer = pj_peer()

    def shop(call):
        call.message("hello", to="+15551234567")

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    result = backend.wait(60)
    assert isinstance(result.error, FlowError)
    assert "only the other party" in str(result.error)
    assert not result.trace.filter("message")
    assert "out MESSAGE" not in _labels(result)


def test_rtp_counters_at_the_end_of_the_call(sip_backend, pj_peer):
    """20 ms G.711 frames: about 50 packets a second each way on loopback, none lost."""
    peer = pj_peer()

    def shop(call):
        call.wait(3)
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    result = backend.wait(60)
    rtp = result.rtp
    assert rtp is not None and rtp["rx_lost"] == 0
    assert 40 <= rtp["rx_packets"] / result.duration <= 60, (rtp, result.duration)
    assert 40 <= rtp["tx_packets"] / result.duration <= 60, (rtp, result.duration)
    assert 0 <= rtp["rx_jitter_ms"] <= rtp["rx_jitter_max_ms"] < 60


def test_the_caller_hears_an_ask_question_that_listens_for_speech(sip_backend, pj_peer, tmp_path):
    """A spoken `ask` records the caller while its question plays.  The worker got the two
    commands (record, play) in one read; it once ran only the first, so the question never
    reached the caller."""
    heard = tmp_path / "heard.wav"
    peer = pj_peer(record=heard)

    def shop(call):
        call.ask("Which colour would you like, green or yellow?", choices="green, yellow",
                 mode="speech", timeout=2)  # fmt: skip
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    result = backend.wait(60)
    assert peer.expect("recorded", 30)["path"] == str(heard)
    assert [e["prompt"] for e in result.trace.filter("ask")] == [
        "Which colour would you like, green or yellow?"]  # fmt: skip
    words = {w.strip(".,!?").lower() for w in transcribe(heard).text.split()}
    assert {"which", "would", "like"} <= words, words
