"""The pjsua2 worker process: starts on a free loopback port, survives malformed SIP."""

import socket
import subprocess
import sys

import pytest

from telenb.providers.sip.protocol import decode, encode

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def worker():
    port = _free_udp_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "telenb.providers.sip.worker", "127.0.0.1", str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        yield proc, port
    finally:
        proc.kill()
        proc.wait(timeout=5)


def _options(port: int, body: bytes = b"") -> bytes:
    return (
        f"OPTIONS sip:x@127.0.0.1:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKtest1\r\nMax-Forwards: 70\r\n"
        f"To: <sip:x@127.0.0.1:{port}>\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\n"
        "Call-ID: t1@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    ).encode() + body


def test_worker_starts_answers_and_survives_garbage(worker):
    proc, port = worker
    assert decode(proc.stdout.readline()) == {"type": "ready", "port": port}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.bind(("127.0.0.1", 0))
        for junk in (b"\x00\xff garbage", b"INVITE\r\n\r\n", b"SIP/2.0 200\r\nVia: ;;;\r\n\r\n"):
            s.sendto(junk, ("127.0.0.1", port))
        s.sendto(_options(port).replace(b"9;", f"{s.getsockname()[1]};".encode()),
                 ("127.0.0.1", port))  # fmt: skip
        reply, _ = s.recvfrom(4096)
    assert reply.startswith(b"SIP/2.0 ")  # the stack still answers a valid request
    assert proc.poll() is None
    proc.stdin.write(encode("quit"))
    proc.stdin.flush()
    assert proc.wait(timeout=5) == 0
