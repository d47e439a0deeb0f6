"""The kernel's side of the SIP worker: start it, send commands, read events, outlive it.

The kernel never imports pjsua2; if the worker dies, `events()` ends and `alive` turns false,
and sending raises `WorkerGone` instead of taking the kernel down.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from .protocol import ProtocolError, decode, encode


class WorkerGone(RuntimeError):
    """The SIP worker process is no longer running."""


class Worker:
    """One SIP worker process listening on `host:port` (loopback in tests)."""

    def __init__(
        self, host: str, port: int, codecs: str = "PCMU,PCMA", rtp_timeout: float = 0.0
    ) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "telenb.providers.sip.worker",
                host,
                str(port),
                "--codecs",
                codecs,
                "--rtp-timeout",
                str(rtp_timeout),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # TELENB_SIP_DEBUG=1: the worker's own errors (a failing callback) on our stderr
            stderr=None if os.environ.get("TELENB_SIP_DEBUG") else subprocess.DEVNULL,
        )
        first = self.next_event()
        if first is None or first["type"] != "ready":
            self.close()
            raise WorkerGone(f"SIP worker failed to start on {host}:{port}: {first}")
        self.port = first["port"]

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, kind: str, **fields: Any) -> None:
        if not self.alive:
            raise WorkerGone(f"SIP worker exited with code {self.proc.returncode}")
        try:
            stdin = self.proc.stdin
            assert stdin is not None  # started with stdin=PIPE
            stdin.write(encode(kind, **fields))
            stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerGone(f"SIP worker pipe closed: {exc}") from None

    def next_event(self) -> dict[str, Any] | None:
        """The next event, or None once the worker is gone; bad lines become `error` events."""
        stdout = self.proc.stdout
        assert stdout is not None  # started with stdout=PIPE
        line = stdout.readline()
        if not line:
            return None
        try:
            return decode(line)
        except ProtocolError as exc:
            return {"type": "error", "message": f"bad line from worker: {exc}"}

    def close(self, timeout: float = 5.0) -> int:
        if self.alive:
            try:
                self.send("quit")
                self.proc.wait(timeout=timeout)
            except (WorkerGone, subprocess.TimeoutExpired):
                self.proc.kill()
        return self.proc.wait(timeout=timeout)
