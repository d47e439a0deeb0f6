"""Section 5 of issue 15 on real SIP: no open relay, and a call that loses its media ends.

RFC 3550 has no keepalive for a dead stream and SIP learns nothing when a phone crashes or
the network is cut: a B2BUA or media server must notice that RTP stopped (Asterisk's
``rtptimeout``, FreeSWITCH's ``media_timeout``) and end the call itself.  The peer here stops
dead (SIGSTOP: no RTP, no BYE, no answers), as a crashed phone does.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def test_a_call_whose_rtp_stops_ends_by_rtp_timeout_and_the_backend_lives(sip_backend, pj_peer):
    """The peer stops sending RTP without a BYE: within `rtp_timeout` (plus the worker's
    half-second look) the call ends, its trace saying why; the next call is served."""
    peer = pj_peer()
    answered = threading.Event()
    got = {}

    def hold(call):
        call.say("Please hold.")
        answered.set()
        got["wait"] = call.wait(60)

    backend = sip_backend(rtp_timeout=2)
    backend.answer("hold", hold)
    peer.send("call", uri=f"sip:hold@{backend.listen}")
    peer.expect("media")
    assert answered.wait(60)
    time.sleep(1.0)  # RTP flows: the timer restarts with every packet
    os.kill(peer.proc.pid, signal.SIGSTOP)
    stopped = time.monotonic()
    try:
        result = backend.wait(30)
        took = time.monotonic() - stopped
    finally:
        os.kill(peer.proc.pid, signal.SIGCONT)
    assert 2.0 <= took < 2.0 + 4.0, result.trace.text()
    [timeout] = result.trace.filter("media-timeout")
    assert timeout["seconds"] >= 2.0 and timeout["packets"] > 0
    [hangup] = result.trace.filter("hangup")
    assert hangup["by"] == "network" and "RTP timeout" in hangup["cause"]
    assert result.status == "completed"
    assert "RTP timeout" in result.trace.filter("status")[-1]["cause"]
    assert backend.worker.alive
    # the kernel and the worker carry on: a second caller is answered as usual
    again = pj_peer()
    backend.answer("bye", lambda call: call.hangup())
    again.send("call", uri=f"sip:bye@{backend.listen}")
    assert backend.wait(30).status == "completed"


def test_an_invite_for_an_unknown_user_gets_404_and_reaches_no_flow(sip_backend, pj_peer):
    """No open relay: an INVITE whose Request-URI names no flow is refused 404 Not Found
    (RFC 3261 21.4.5); no flow runs and no second INVITE leaves the worker."""
    peer = pj_peer()
    ran = []
    backend = sip_backend(allow=[f"sip:*@127.0.0.1:{peer.port}"])
    backend.answer("shop", ran.append)
    peer.send("call", uri=f"sip:someone-else@{backend.listen}")
    assert peer.expect("state", state="DISCONNECTED")["code"] == 404
    result = backend.wait(30)
    assert ran == [] and result.status == "failed"
    assert len(result.legs) == 1 and len(result.trace.filter("transfer")) == 0
    assert peer.events.empty() and not [e for e in peer.seen if e["type"] == "incoming"]
