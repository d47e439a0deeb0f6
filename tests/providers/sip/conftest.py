"""Peers for the SIP tests: free loopback ports, sipp and a strict pjsua2 peer (`peers.py`),
each its own process started by PID and killed if it outlives the test."""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

SCENARIOS = Path(__file__).parent / "scenarios"
# what the peer says is spoken by piper's joe where installed: one short espeak-ng word
# through G.711 and the peer's 16 kHz bridge is a coin toss for any recogniser (bench/voices.py
# puts joe at 100 % of words through the channel; "Shoes." in espeak's Daniel is heard as "2")
PEER_VOICE = "piper:en_US-joe-medium" if importlib.util.find_spec("piper") else None
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
                 timeout: int = 30, extra: tuple[str, ...] = (), count: int = 1):  # fmt: skip
        """A UAC calling `target` (`count` calls), or (target None) a UAS on `self.port`."""
        assert SIPP is not None
        self.port = free_udp_port()
        calls = ["-s", service, target] if target else []
        self.proc = subprocess.Popen(
            [SIPP, "-sf", str(scenario), "-m", str(count), "-i", "127.0.0.1",
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


PEER = Path(__file__).parent / "peers.py"


class PjPeer:
    """The strict pjsua2 peer (`peers.py`) on a free loopback port, its events on a queue."""

    def __init__(self, *, record: Path | None = None, answer: bool = False, reject: int = 0,
                 refuse_refer: int = 0):  # fmt: skip
        self.port = free_udp_port()
        self.uri = f"sip:peer@127.0.0.1:{self.port}"
        args = [sys.executable, str(PEER), str(self.port)]
        args += ["--record", str(record)] if record else []
        args += ["--answer"] if answer else []
        args += ["--reject", str(reject)] if reject else []
        args += ["--refuse-refer", str(refuse_refer)] if refuse_refer else []
        log = os.environ.get("PEER_LOG_FILE")  # with PEER_LOG=5: pjsip's log, SDP and all
        with open(log or os.devnull, "ab") as err:
            self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err)  # fmt: skip
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.expect("ready", 30)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.events.put({"type": "exited"})

    def send(self, kind: str, **fields: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"type": kind, **fields}) + "\n").encode())
        self.proc.stdin.flush()

    def expect(self, kind: str, timeout: float = 30, **match: Any) -> dict[str, Any]:
        """The next event of `kind` (with fields equal to `match`); earlier ones are kept."""
        for ev in self.seen:
            if ev["type"] == kind and all(ev.get(k) == v for k, v in match.items()):
                self.seen.remove(ev)
                return ev
        while True:
            try:
                ev = self.events.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"the peer sent no {kind!r} within {timeout} s") from None
            if ev["type"] == kind and all(ev.get(k) == v for k, v in match.items()):
                return ev
            if ev["type"] == "exited":
                raise AssertionError(f"the peer exited before {kind!r}")
            self.seen.append(ev)

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            try:
                self.send("quit")
                return self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
        return self.proc.wait(timeout=5)


@pytest.fixture
def pj_peer():
    """Start strict peers (a second pjsua2 Endpoint, never in this process)."""
    pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
    started: list[PjPeer] = []

    def start(**kwargs: Any) -> PjPeer:
        peer = PjPeer(**kwargs)
        started.append(peer)
        return peer

    yield start
    for peer in started:
        peer.stop()


@pytest.fixture
def kamailio():
    """Start Debian's kamailio (`telenb.providers.sip.kamailio`), stopped by PID after the test."""
    from telenb.providers.sip.kamailio import Kamailio, kamailio_binary

    if kamailio_binary() is None:
        pytest.skip("Debian's kamailio is not installed")
    started: list[Kamailio] = []

    def start(**kwargs: Any) -> Kamailio:
        k = Kamailio(**kwargs)
        started.append(k)
        return k

    yield start
    for k in started:
        k.stop()
