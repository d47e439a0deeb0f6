"""`telenb sip serve FILE`: answer real SIP calls with one flow until Ctrl-C or SIGTERM.

The command line loads the flow (as `telenb run` does) and calls `serve`; everything that can
be checked without the network (the listen address, the sip extra, the password variable)
is checked first by `preflight`, so a mistake is one clear line, never a half-started
worker.  One line is printed per call, and nothing printed ever holds a credential.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from ...errors import ConfigurationError
from .backend import SipBackend
from .registration import parse_aor, read_password
from .result import SipCallResult
from .supervisor import WorkerGone


def parse_listen(text: str) -> tuple[str, int]:
    """(ip, port) from ``127.0.0.1:5070`` (``[::1]:5070`` for IPv6); port 0 picks a free one."""
    host, sep, port = text.strip().rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        ip = ipaddress.ip_address(host)
        number = int(port)
        if not sep or not 0 <= number <= 65535:
            raise ValueError(text)
    except ValueError:
        raise ConfigurationError(
            f"--listen is IP:PORT, an address of this machine and a UDP port (0-65535), "
            f"such as 127.0.0.1:5070, not {text!r}"
        ) from None
    return str(ip), number


def preflight(listen: str, register: str | None, password_env: str | None) -> None:
    """Everything `serve` needs that can be checked before the worker starts."""
    parse_listen(listen)
    if importlib.util.find_spec("pjsua2") is None:
        raise ConfigurationError(
            'telenb sip serve needs pjsua2, which the sip extra installs: pip install "telenb[sip]"'
        )
    if register and not password_env:
        raise ConfigurationError(
            "--register needs --password-env VAR, the environment variable holding the password"
        )
    if password_env and not register:
        raise ConfigurationError("--password-env is for --register URI: give the AOR to register")
    if register:
        _, hostport = parse_aor(register)
        read_password(password_env or "", f"sip:{hostport}")  # raises if unset; value dropped


def call_line(result: SipCallResult) -> str:
    """One finished call as a line: who called whom, how it ended, how long it was answered."""
    line = f"call {result.from_} -> {result.to}  {result.status}  {result.duration:.1f}s"
    if result.error is not None:
        line += f"  (the flow raised {type(result.error).__name__}: {result.error})"
    return line


def serve(
    flow: Callable[..., Any],
    *,
    listen: str = "127.0.0.1:5070",
    user: str = "*",
    register: str | None = None,
    password_env: str | None = None,
    allow: Iterable[str] = (),
    out: TextIO | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Answer SIP calls for `user` (``*``: any) with `flow` until SIGINT, SIGTERM or `stop`."""
    out = out or sys.stdout
    stop = stop or threading.Event()
    preflight(listen, register, password_env)
    host, port = parse_listen(listen)
    try:
        # no stereo recording kept per call: a server's results would grow without bound
        backend = SipBackend(listen=f"{host}:{port}", allow=list(allow), record_calls=False)
    except WorkerGone as exc:
        raise ConfigurationError(f"cannot listen on {listen}: {exc}") from None
    previous = _on_sigterm(stop)
    try:
        backend.answer(user, flow)
        if register:
            reg = backend.register(register, password_env=password_env or "", flow=flow)
            _say(out, f"registered {reg.aor} at {reg.registrar} (expires {reg.granted} s)")
        who = "any user" if user == "*" else f"user {user}"
        name = getattr(flow, "__name__", "flow")
        _say(out, f"telenb: {name} answers SIP calls for {who} on {backend.listen}; "
                  "Ctrl-C or SIGTERM stops")  # fmt: skip
        while not stop.is_set():
            try:
                result = backend.wait(0.2)
            except TimeoutError:
                continue
            _say(out, call_line(result))
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        backend.close()  # unregisters, then ends the worker
    _say(out, "telenb: stopped")
    return 0


def _on_sigterm(stop: threading.Event) -> Any:
    """SIGTERM sets `stop` (only the main thread may install handlers); the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)
