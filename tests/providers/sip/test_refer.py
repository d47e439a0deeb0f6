"""Blind transfer by REFER on real SIP, between strict pjsua2 peers.

RFC 3515: a REFER in the dialog asks the far end to contact its Refer-To target; the far
end answers 202 Accepted and reports the new call's progress in NOTIFYs whose body is a
message/sipfrag status line (2.4.4-2.4.5).  RFC 5589 4 (basic transfer): the transferor
ends its own dialog with BYE once the NOTIFY says the target answered.  A phone that will
not transfer refuses the REFER (405, 501, 603): telenb then bridges the call itself.  And
telenb's worker never acts on a REFER it receives: that would be an open relay.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from telenb.speech import transcribe

from .test_transfer import _desk, _spoken, _words

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def test_refer_hands_the_caller_to_the_target_and_telenb_leaves_the_call(
    sip_backend, pj_peer, tmp_path
):
    """A answers the REFER 202 and calls B itself; on the final NOTIFY (200) the worker BYEs
    A's first dialog; A and B then talk directly, without telenb's media."""
    heard_b = tmp_path / "b.wav"
    a = pj_peer()
    b = pj_peer(record=heard_b, answer=True)
    got: dict = {}
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}"], transfer="refer")
    backend.answer("desk", _desk(b.uri, got, timeout=20))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    assert a.expect("refer", 60)["to"].strip("<>") == b.uri
    invite = b.expect("incoming")
    assert f"127.0.0.1:{a.port}" in invite["headers"]["Contact"]  # A calls B, not telenb
    result = backend.wait(60)
    event = got["event"]
    assert event.name == "success", result.trace.text()
    statuses = result.trace.filter("refer-status")
    assert statuses[-1]["final"] and statuses[-1]["code"] == 200
    [hangup] = result.trace.filter("hangup")
    assert hangup["by"] == "flow" and "transferred by REFER" in hangup["cause"]
    assert result.status == "completed" and len(result.legs) == 1  # no leg of telenb's
    # the phone's own call to B, from its NOTIFYs' sipfrag lines, as a leg's statuses
    assert result.trace.statuses(event.value) == ["initiated", "ringing", "in-progress"], (
        result.trace.text())  # fmt: skip
    assert result.said() == ["Connecting you."]  # the flow's call ended with the transfer
    b.expect("media")
    time.sleep(0.5)
    a.send("play", path=str(_spoken(tmp_path / "from_a.wav", "Welcome to the flower shop.")))
    a.expect("played", 30)
    a.send("hangup")
    assert b.expect("recorded", 30)["path"] == str(heard_b)
    assert {"welcome", "flower", "shop"} <= _words(transcribe(heard_b).text)


def test_a_phone_refusing_refer_gets_the_b2bua_instead(sip_backend, pj_peer):
    """603 Decline to the REFER itself (no NOTIFY follows): telenb places the second leg
    and bridges, and the transfer ends as a bridged one does."""
    a = pj_peer(refuse_refer=603)
    b = pj_peer(answer=True)
    got: dict = {}
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{b.port}"], transfer="refer")
    backend.answer("desk", _desk(b.uri, got, timeout=20))
    a.send("call", uri=f"sip:desk@{backend.listen}")
    a.expect("refer", 60)
    assert f"127.0.0.1:{a.port}" not in b.expect("incoming")["headers"]["Contact"]
    b.expect("media")
    time.sleep(0.5)
    b.send("hangup")
    result = backend.wait(60)
    assert got["event"].name == "success" and got["event"].ended_by == "callee"
    [refused] = result.trace.filter("refer-refused")
    assert refused["code"] == 603 and refused["then"] == "b2bua"
    _, leg = result.legs
    assert leg.statuses() == ["initiated", "ringing", "in-progress", "completed"]
    assert result.said() == ["Connecting you.", "Back with the flow."]


def test_a_refer_sent_to_telenb_is_declined_and_calls_nobody(sip_backend, pj_peer):
    """Acting on a received REFER would let anyone make telenb call anywhere, past the
    allow-list: the worker answers 603 Decline and no INVITE leaves for the Refer-To."""
    a = pj_peer()
    waiting = threading.Event()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as target:
        target.bind(("127.0.0.1", 0))
        target.settimeout(2.0)
        port = target.getsockname()[1]
        backend = sip_backend(allow=[f"sip:*@127.0.0.1:{port}"])  # even an allowed target

        def hold(call):
            call.say("Please hold.")
            waiting.set()
            call.wait(20)

        backend.answer("hold", hold)
        a.send("call", uri=f"sip:desk@{backend.listen}".replace("desk", "hold"))
        a.expect("state", state="CONFIRMED")
        assert waiting.wait(60)
        a.send("refer", uri=f"sip:victim@127.0.0.1:{port}")
        status = a.expect("refer_status", 30)
        assert status["final"] and status["code"] == 603
        with pytest.raises(TimeoutError):  # socket.timeout: no INVITE arrived
            target.recvfrom(2048)
        a.send("hangup")
        result = backend.wait(30)
    assert result.status == "completed" and len(result.legs) == 1
