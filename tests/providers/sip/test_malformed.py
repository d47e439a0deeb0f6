"""Malformed SIP and RTP from a plain UDP socket: the worker answers 400 or drops it, the
next real call from the strict peer is served, and the kernel never notices.

RFC 3261 21.4.1: 400 Bad Request answers a request of malformed syntax; a response goes to
the request's Via (18.2.2), so a datagram without a parsable one can only be dropped.
RFC 3550 A.1: RTP packets that fail the header validity checks are discarded.
"""

from __future__ import annotations

import socket
import threading

import pytest

from telenb.speech import transcribe

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def _invite(port: int, me: int, n: int, cseq: str = "1 INVITE", body: str = "",
            length: int | None = None) -> bytes:  # fmt: skip
    return (
        f"INVITE sip:pin@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bKbad{n}\r\nMax-Forwards: 70\r\n"
        f"To: <sip:pin@127.0.0.1>\r\nFrom: <sip:mallory@127.0.0.1>;tag={n}\r\n"
        f"Call-ID: bad{n}@127.0.0.1\r\nCSeq: {cseq}\r\nContent-Type: application/sdp\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n{body}"
    ).encode()


def _replies(s: socket.socket) -> list[bytes]:
    """Status lines that arrive until the socket stays quiet for a second."""
    got = []
    s.settimeout(1.0)
    try:
        while True:
            got.append(s.recvfrom(4096)[0].split(b"\r\n", 1)[0])
    except TimeoutError:
        return got


def test_bad_sip_then_bad_rtp_and_the_real_call_still_works(sip_backend, pj_peer, tmp_path):
    backend = sip_backend()
    listening = threading.Event()
    got = {}

    def pin(call):
        listening.set()
        got["event"] = call.ask(choices="[3 DIGITS]", mode="dtmf", timeout=30)
        call.say("Thank you for calling.")
        call.hangup()

    backend.answer("pin", pin)
    port = int(backend.listen.rsplit(":", 1)[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        me = s.getsockname()[1]
        junk = {
            "garbage": b"\x00\xff\xfe not SIP at all",
            "truncated": _invite(port, me, 1)[:90],
            "bad CSeq": _invite(port, me, 2, cseq="abc INVITE"),
            "body shorter than Content-Length": _invite(port, me, 3, body="v=0\r\n", length=400),
            "unparsable SDP": _invite(port, me, 4, body="v=0\r\no=x\r\nm=audio x RTP/AVP z\r\n"),
        }
        answers = {}
        for name, datagram in junk.items():
            s.sendto(datagram, ("127.0.0.1", port))
            answers[name] = _replies(s)
    assert all(line.startswith(b"SIP/2.0 400") for lines in answers.values() for line in lines)
    assert answers["unparsable SDP"]  # an INVITE it can answer is answered 400, not dropped
    assert answers["garbage"] == [] and answers["truncated"] == []
    assert backend.worker.alive and backend.results == []  # no flow ran for any of them

    heard = tmp_path / "heard.wav"
    peer = pj_peer(record=heard)
    peer.send("call", uri=f"sip:pin@{backend.listen}")
    host, rtp = peer.expect("media")["remote_rtp"].rsplit(":", 1)  # the worker's RTP port
    peer.expect("state", state="CONFIRMED")
    assert listening.wait(60)
    bad_rtp = [
        b"",
        b"\x80",  # shorter than the 12-byte header
        b"\x40" + bytes(11),  # version 1
        b"\x8f" + bytes(11),  # 15 CSRCs announced, none there
        b"\x90\x00\x00\x01" + bytes(8) + b"\xbe\xde\xff\xff",  # extension longer than the packet
        b"\x80\x65\x00\x02" + bytes(8) + b"\x01",  # a truncated RFC 4733 event (PT 101)
    ]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for datagram in bad_rtp:
            s.sendto(datagram, (host, int(rtp)))
    peer.send("dtmf", digits="407")
    result = backend.wait(60)
    assert peer.expect("recorded")["path"] == str(heard)
    assert got["event"].name == "choice" and got["event"].value == "407"
    assert result.status == "completed" and result.error is None
    assert backend.worker.alive
    assert {"thank", "calling"} <= {w.strip(".,!").lower() for w in transcribe(heard).text.split()}
