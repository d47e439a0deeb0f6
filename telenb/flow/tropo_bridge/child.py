"""The interpreter child process: one per call, spoken to in JSON lines, never left behind.

The protocol is one JSON object per line on the child's stdin and stdout.  The child blocks on
its stdin while the call carries out a verb, so only one side talks at a time.  Reads wait a
bounded wall-clock time (a script computing forever, or an interpreter that hangs at start,
ends the call instead of the kernel), and `close()` kills the child's whole process group.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import tempfile
import weakref
from typing import Any

from ...errors import FlowError

STARTUP_TIMEOUT = 120.0  # a JVM starting Groovy on a busy machine takes a few seconds
STEP_TIMEOUT = 60.0  # wall seconds the script may compute between two verbs


class Child:
    """A running interpreter with the shim and the script loaded."""

    def __init__(self, argv: list[str], env: dict[str, str], title: str):
        self.title = title
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the child)
        self._proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            start_new_session=True,  # its own process group: `close()` kills all of it
        )
        self._buffer = b""
        self._started = False
        # a flow dropped without ending (a kernel shutting down) still ends its child
        self._finalizer = weakref.finalize(self, _kill, self._proc)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def send(self, message: dict[str, Any]) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died() from None

    def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """The child's next message; it exiting or going quiet too long is a `FlowError`."""
        if timeout is None:
            timeout = STEP_TIMEOUT if self._started else STARTUP_TIMEOUT
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                self.close()
                raise FlowError(
                    f"the {self.title} script did nothing the call could see for {timeout:g} "
                    "seconds (a loop that never ends?); its interpreter was stopped"
                )
            chunk = os.read(fd, 65536)
            if not chunk:
                raise self._died()
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        self._started = True
        try:
            message = json.loads(line)
        except ValueError:
            raise FlowError(
                f"the {self.title} interpreter wrote something that is not telenb's protocol: "
                f"{line[:200].decode('utf-8', 'replace')!r}"
            ) from None
        if not isinstance(message, dict):
            raise FlowError(f"the {self.title} interpreter sent {message!r}, not a message")
        return message

    def stderr(self, limit: int = 4000) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._stderr.seek(0)
            return self._stderr.read()[-limit:].decode("utf-8", "replace").strip()
        return ""

    def _died(self) -> FlowError:
        code = self._proc.poll()
        if code is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._proc.wait(timeout=5)
        detail = self.stderr()
        self.close()
        return FlowError(
            f"the {self.title} interpreter ended unexpectedly (exit status {code})"
            + (f":\n{detail}" if detail else "")
        )

    @property
    def running(self) -> bool:
        return self._proc.poll() is None

    def close(self) -> None:
        """Stop the child (and anything it started) and release its pipes."""
        _kill(self._proc)
        self._finalizer.detach()
        for stream in (self._proc.stdin, self._proc.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        with contextlib.suppress(OSError):
            self._stderr.close()


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, OSError):
        proc.wait(timeout=10)
