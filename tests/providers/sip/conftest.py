"""Peers for the SIP tests: free loopback ports and sipp started by PID with a timeout."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

SCENARIOS = Path(__file__).parent / "scenarios"
SIPP = shutil.which("sipp")
PCAP_DIR = Path("/usr/share/sip-tester")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_rtp_port() -> int:
    """An even port whose odd neighbour (RTCP) is free too."""
    for _ in range(50):
        p = free_udp_port() & ~1
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a, \
                 socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b:  # fmt: skip
                a.bind(("127.0.0.1", p))
                b.bind(("127.0.0.1", p + 1))
            return p
        except OSError:
            continue
    raise RuntimeError("no free RTP port pair on loopback")


class Sipp:
    """One sipp process on loopback, killed by PID if it outlives the test."""

    def __init__(self, scenario: Path | str, target: str | None, *, service: str = "shop",
                 timeout: int = 30, extra: tuple[str, ...] = ()):  # fmt: skip
        """A UAC calling `target`, or (target None) a UAS waiting on `self.port`."""
        assert SIPP is not None
        self.port = free_udp_port()
        calls = ["-s", service, target] if target else []
        self.proc = subprocess.Popen(
            [SIPP, "-sf", str(scenario), "-m", "1", "-i", "127.0.0.1",
             "-mi", "127.0.0.1", "-mp", str(free_rtp_port()), "-p", str(self.port),
             "-timeout", str(timeout), "-timeout_error", *extra, *calls],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def wait(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture
def sipp_peer():
    if SIPP is None:
        pytest.skip("sipp (Debian sip-tester) is not installed")
    started: list[Sipp] = []

    def start(*args, **kwargs) -> Sipp:
        peer = Sipp(*args, **kwargs)
        started.append(peer)
        return peer

    yield start
    for peer in started:
        peer.stop()


@pytest.fixture
def sip_backend():
    pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
    import telenb

    made = []

    def make(**options):
        options.setdefault("listen", f"127.0.0.1:{free_udp_port()}")
        backend = telenb.connect("sip", **options)
        made.append(backend)
        return backend

    yield make
    for b in made:
        b.close()
