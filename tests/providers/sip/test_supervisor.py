"""The kernel outlives the SIP worker: a killed worker gives WorkerGone, not a crash."""

import socket

import pytest

from telenb.providers.sip.supervisor import Worker, WorkerGone

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_killed_worker_raises_worker_gone():
    w = Worker("127.0.0.1", _free_udp_port())
    try:
        assert w.alive
        w.proc.kill()
        w.proc.wait(timeout=5)
        assert w.next_event() is None
        with pytest.raises(WorkerGone):
            w.send("hangup", call=1)
    finally:
        w.close()


def test_clean_quit_and_unimplemented_command_is_an_error_event():
    w = Worker("127.0.0.1", _free_udp_port())
    try:
        w.send("hangup", call=1)
        assert w.next_event()["type"] == "error"
    finally:
        assert w.close() == 0
