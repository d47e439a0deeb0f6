"""`call.transfer(uri)` on real SIP: telenb as a B2BUA between two strict pjsua2 peers.

Tropo's `transfer` connects the caller to a new party and ends ``success`` when the far side
hangs up (the script goes on with the caller), ``hangup`` when the caller does, ``timeout``
when nobody answers and ``callFailure`` when the destination is busy or fails.  Here caller
A calls the flow, the flow INVITEs B, and the worker connects both calls' audio in its
conference bridge: what A says, B records (and the recogniser hears it), and back.  RFC 3261
governs each leg on its own: a BYE from one side is answered on that dialog, and the B2BUA
ends the other dialog with its own BYE (15.1.1) or a CANCEL while it still rings (9.1).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from telenb.audio import Audio
from telenb.errors import ConfigurationError
from telenb.speech import synthesize, transcribe

from .conftest import PEER_VOICE

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def _words(text: str) -> set[str]:
    return {w.strip(".,!?").lower() for w in text.split()}


def _spoken(path, text: str):
    voice = synthesize(text, voice=PEER_VOICE, rate=8000)
    Audio.concat([Audio.silence(0.3, 8000), voice, Audio.silence(0.3, 8000)]).save(
        path, subtype="PCM_16"
    )
    return path


def _desk(target: str, got: dict, **options):
    def desk(call):
        call.say("Connecting you.")
        got["event"] = call.transfer(target, **options)
        call.say("Back with the flow.")
        call.hangup()

    return desk


def test_transfer_bridges_audio_both_ways_and_the_callee_hanging_up_returns_to_the_flow(
    sip_backend, pj_peer, tmp_path
):
    """Tropo: after a transfer whose far side hangs up, the script continues with the caller
    (``success``); the second leg's statuses are those of an answered outbound call."""
    heard_a, heard_b = tmp_path / "a.wav", tmp_path / "b.wav"
    a = pj_peer(record=heard_a)
    b = pj_peer(record=heard_b, answer=True)
    got: dict = {}
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}"])
    backend.answer("desk", _desk(b.uri, got, timeout=20))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    a.expect("state", state="CONFIRMED")
    assert b.expect("incoming")["to"].startswith("<sip:peer@127.0.0.1")
    b.expect("media")
    time.sleep(1.0)  # the kernel bridges the legs once B's 200 is ACKed
    from_a = _spoken(tmp_path / "from_a.wav", "Please call me back tomorrow morning.")
    a.send("play", path=str(from_a))
    a.expect("played", 30)
    b.send("play", path=str(_spoken(tmp_path / "from_b.wav", "Welcome to the flower shop.")))
    b.expect("played", 30)
    b.send("hangup")
    assert b.expect("recorded", 30)["path"] == str(heard_b)
    result = backend.wait(60)
    assert a.expect("state", state="DISCONNECTED")["code"] == 200  # the flow's BYE, later
    assert a.expect("recorded", 30)["path"] == str(heard_a)
    event = got["event"]
    assert event.name == "success" and event.ended_by == "callee", result.trace.text()
    assert event.duration > 2.0
    caller, leg = result.legs
    assert leg.direction == "outbound-dial" and leg.to == b.uri
    assert leg.statuses() == ["initiated", "ringing", "in-progress", "completed"]
    assert event.value == leg.sid
    assert caller.statuses() == ["ringing", "in-progress", "completed"]
    kinds = [e.kind for e in result.trace if e.sid == caller.sid]
    assert kinds.index("transfer") < kinds.index("bridge") < kinds.index("unbridge")
    assert result.said() == ["Connecting you.", "Back with the flow."]
    words_b = _words(transcribe(heard_b).text)
    assert {"call", "back", "tomorrow", "morning"} <= words_b, words_b
    words_a = _words(transcribe(heard_a).text)
    assert {"welcome", "flower", "shop"} <= words_a, words_a  # B's words, bridged to A
    assert any(w.startswith("connect") for w in words_a), words_a  # and the flow's before


def test_the_caller_hanging_up_ends_the_second_leg_with_a_bye(sip_backend, pj_peer):
    """Tropo's transfer ends ``hangup`` when the caller leaves; the B2BUA BYEs the callee."""
    a = pj_peer()
    b = pj_peer(answer=True)
    got: dict = {}
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}"])
    backend.answer("desk", _desk(b.uri, got, timeout=20))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    b.expect("media")
    time.sleep(0.5)
    a.send("hangup")
    assert b.expect("state", state="DISCONNECTED")["code"] == 200  # our BYE, accepted
    result = backend.wait(60)
    event = got["event"]
    assert event.name == "hangup" and event.ended_by == "caller", result.trace.text()
    caller, leg = result.legs
    assert caller.status == leg.status == "completed"
    assert [e["by"] for e in result.trace.filter("hangup")] == ["caller", "caller"]
    assert result.said() == ["Connecting you."]  # the say after it is refused


def test_a_busy_target_is_call_failure_and_the_flow_goes_on(sip_backend, pj_peer):
    """486 Busy Here on the second leg: Tropo's ``callFailure`` (its handler runs), the leg
    ``busy`` as Twilio reports it, and the caller still talks to the flow."""
    a = pj_peer()
    b = pj_peer(reject=486)
    got: dict = {}
    failures = []
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}"])
    backend.answer("desk", _desk(b.uri, got, timeout=20, on_call_failure=failures.append))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    result = backend.wait(60)
    assert got["event"].name == "callFailure" and failures == [got["event"]]
    caller, leg = result.legs
    assert leg.statuses() == ["initiated", "busy"]  # as the simulator's busy phone
    [why] = [e for e in result.trace.filter("status") if e.sid == leg.sid and e["status"] == "busy"]
    assert "486" in why["cause"]
    assert result.said() == ["Connecting you.", "Back with the flow."]
    assert caller.status == "completed"


def test_an_unanswered_target_is_cancelled_after_the_timeout(sip_backend, pj_peer, tmp_path):
    """A callee that only rings: after `timeout` the B2BUA CANCELs (the callee's INVITE ends
    487, RFC 3261 9.1) and the transfer is Tropo's ``timeout``, the leg ``no-answer``; while
    it rang the caller heard the transfer's `ring_audio` (Tropo's playvalue)."""
    heard = tmp_path / "a.wav"
    a = pj_peer(record=heard)
    b = pj_peer()  # 180 only
    got: dict = {}
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}"])
    ring = "Please wait while we find someone to help you."
    backend.answer("desk", _desk(b.uri, got, timeout=5, ring_audio=ring))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    assert b.expect("state", state="DISCONNECTED", timeout=30)["code"] == 487
    result = backend.wait(60)
    assert got["event"].name == "timeout", result.trace.text()
    _, leg = result.legs
    assert leg.statuses() == ["initiated", "ringing", "no-answer"]
    assert result.said()[-1] == "Back with the flow."
    assert a.expect("recorded", 30)["path"] == str(heard)
    text = transcribe(heard).text
    assert {"wait", "find", "someone"} <= _words(text), text


def test_a_target_off_the_allow_list_is_refused_before_any_invite(sip_backend, pj_peer):
    """A flow cannot make telenb an open relay: `transfer` to a URI the allow-list does not
    name raises `ConfigurationError` inside the flow and no packet leaves for it."""
    a = pj_peer()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as target:
        target.bind(("127.0.0.1", 0))
        target.settimeout(2.0)
        port = target.getsockname()[1]
        caught = []
        done = threading.Event()

        def desk(call):
            try:
                call.transfer(f"sip:bob@127.0.0.1:{port}")
            except ConfigurationError as exc:
                caught.append(str(exc))
            call.hangup()
            done.set()

        backend = sip_backend(allow=["sip:*@127.0.0.1:5999"])
        backend.answer("desk", desk)
        a.send("call", uri=f"sip:desk@{backend.listen}")
        assert done.wait(60)
        result = backend.wait(30)
        with pytest.raises(TimeoutError):  # socket.timeout: no INVITE arrived
            target.recvfrom(2048)
    assert caught and "allow-list" in caught[0]
    assert len(result.legs) == 1  # no second leg was placed
    assert len(result.trace.filter("transfer")) == 0


def test_the_caller_keys_the_terminator_to_give_up_while_it_rings(sip_backend, pj_peer):
    """Tropo's transfer `terminator`: the caller's key (here an RFC 4733 event) cancels a
    transfer that still rings; the leg is CANCELled (487 at the callee) and ``canceled``."""
    a = pj_peer()
    b = pj_peer()  # 180 only
    got: dict = {}
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}"])
    backend.answer("desk", _desk(b.uri, got, timeout=20, terminator="*"))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    b.expect("incoming")
    a.send("dtmf", digits="*")
    assert b.expect("state", state="DISCONNECTED", timeout=30)["code"] == 487
    result = backend.wait(60)
    assert got["event"].name == "canceled", result.trace.text()
    _, leg = result.legs
    assert leg.statuses() == ["initiated", "ringing", "canceled"]
    assert result.said()[-1] == "Back with the flow."


def test_the_first_of_two_targets_to_answer_wins_and_the_other_is_cancelled(sip_backend, pj_peer):
    """Several destinations ring at once (Tropo's `to` list); the first to answer is bridged
    and the other's INVITE is CANCELled, as on the simulator."""
    a = pj_peer()
    b = pj_peer(answer=True)
    c = pj_peer()  # 180 only
    got: dict = {}
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}", f"sip:*@127.0.0.1:{c.port}"])
    backend.answer("desk", _desk([c.uri, b.uri], got, timeout=20))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    assert c.expect("state", state="DISCONNECTED", timeout=30)["code"] == 487
    b.expect("media")
    time.sleep(0.5)
    b.send("hangup")
    result = backend.wait(60)
    assert got["event"].name == "success", result.trace.text()
    _, to_c, to_b = result.legs
    assert (to_b.to, to_b.status, to_c.to, to_c.status) == (b.uri, "completed", c.uri, "canceled")
    assert got["event"].value == to_b.sid
