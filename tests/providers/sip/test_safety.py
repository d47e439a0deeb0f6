"""Section 5 of issue 15 on real SIP: no open relay, and a call that loses its media ends.

RFC 3550 has no keepalive for a dead stream and SIP learns nothing when a phone crashes or
the network is cut: a B2BUA or media server must notice that RTP stopped (Asterisk's
``rtptimeout``, FreeSWITCH's ``media_timeout``) and end the call itself.  The peer here stops
dead (SIGSTOP: no RTP, no BYE, no answers), as a crashed phone does.
"""

from __future__ import annotations

import os
import signal
import socket
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


@pytest.mark.parametrize(
    "uri",
    [
        "sip:mallory@198.51.100.7:5999",  # another host
        "sip:bob@127.0.0.1:59990",  # another port
        "sip:a@198.51.100.7@127.0.0.1:5999",  # a second '@' hiding the real host
        "sip:bob@127.0.0.1:5999?Route=%3Csip:198.51.100.7%3E",  # a URI header
    ],
)
def test_outbound_calls_off_the_allow_list_are_refused_before_any_invite(sip_backend, uri):
    """`backend.call` and `transfer` reach only what `allow=` names, checked on a plain
    sip:user@host:port; anything else is a clear `ConfigurationError` and no call is made."""
    from telenb.errors import ConfigurationError

    backend = sip_backend(allow=["sip:*@127.0.0.1:5999"])
    with pytest.raises(ConfigurationError, match=r"allow-list|plain SIP URI"):
        backend.call(uri, lambda call: None)
    assert backend.results == [] and backend._calls == {}


def test_an_allowed_call_is_placed_and_a_refused_one_sends_nothing(sip_backend):
    """The refusal happens before the worker is asked: a socket on the refused port hears
    nothing, while the same socket allowed receives the INVITE."""
    from telenb.errors import ConfigurationError

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as target:
        target.bind(("127.0.0.1", 0))
        target.settimeout(2.0)
        port = target.getsockname()[1]
        refused = sip_backend(allow=["sip:*@127.0.0.1:5999"])
        with pytest.raises(ConfigurationError, match="allow-list"):
            refused.call(f"sip:bob@127.0.0.1:{port}", lambda call: None)
        with pytest.raises(TimeoutError):  # socket.timeout: nothing arrived
            target.recvfrom(4096)
        allowed = sip_backend(allow=[f"sip:bob@127.0.0.1:{port}"])
        threading.Thread(target=allowed.call, args=(f"sip:bob@127.0.0.1:{port}", print),
                         kwargs={"ring_timeout": 2, "timeout": 2}, daemon=True).start()  # fmt: skip
        packet, _ = target.recvfrom(4096)
    assert packet.startswith(f"INVITE sip:bob@127.0.0.1:{port} SIP/2.0".encode())
