"""sipp (Debian sip-tester) calls the worker on loopback: INVITE -> 180 -> 200, ACK, BYE."""

import shutil
import socket
import subprocess

import pytest

from telenb.providers.sip.supervisor import Worker

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
SIPP = shutil.which("sipp")
pytestmark = pytest.mark.skipif(SIPP is None, reason="sipp (Debian sip-tester) is not installed")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sipp_uac_call_is_answered_and_hung_up():
    w = Worker("127.0.0.1", _free_udp_port())
    sipp = subprocess.Popen(
        [SIPP, "-sn", "uac", "-m", "1", "-i", "127.0.0.1", "-p", str(_free_udp_port()),
         "-timeout", "15", f"127.0.0.1:{w.port}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        logged = []  # the worker reports each SIP message it sends or receives ("sip" events)
        while (incoming := w.next_event())["type"] == "sip":
            logged.append(incoming)
        assert incoming["type"] == "incoming"
        assert [(e["dir"], e["line"].split()[0]) for e in logged] == [("in", "INVITE")]
        w.send("answer", call=incoming["call"])
        states = []
        while len(states) < 10 and (ev := w.next_event()) is not None:
            if ev["type"] != "state":
                continue
            states.append(ev["state"])
            if str(ev.get("state")).startswith("DISCONN"):
                break
        assert states[:4] == ["INCOMING", "EARLY", "CONNECTING", "CONFIRMED"]
        assert "CONFIRMED" in states and states[-1].startswith("DISCONN")
        assert sipp.wait(timeout=15) == 0  # sipp saw 200 to its INVITE and to its BYE
    finally:
        if sipp.poll() is None:
            sipp.kill()
        w.close()
