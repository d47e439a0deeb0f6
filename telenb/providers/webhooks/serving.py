"""WSGI apps on a production-grade server (waitress), with limits set for the open internet.

The webhook server faces the internet through a tunnel, so the standard library's reference
server (`wsgiref`, one thread per connection, no limits) is not enough.  waitress parses
requests itself, answers 400 to a malformed ``Content-Length`` and 413 to a body over
``max_request_body_size`` before the app sees either, closes connections that sit idle (a
client that never finishes its headers) after ``channel_timeout`` seconds, and caps
connections and worker threads.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger("telenb.serving")

# Twilio's webhooks are small forms (a few KiB even with a long SpeechResult); a webhook
# answer is one TwiML document.
WEBHOOK_LIMITS: dict[str, Any] = {
    "threads": 8,  # webhooks answered at once (each call's flow has its own thread too)
    "connection_limit": 100,
    "channel_timeout": 30,  # seconds a connection may sit idle or half-sent
    "cleanup_interval": 10,
    "max_request_header_size": 16 * 1024,
    "max_request_body_size": 64 * 1024,
    "inbuf_overflow": 64 * 1024,
    "expose_tracebacks": False,
    "asyncore_use_poll": True,  # select() breaks above 1024 file descriptors
    "ident": "telenb",
    "clear_untrusted_proxy_headers": True,
}


class RunningServer:
    """A waitress server on its own daemon thread; `address` is (host, port)."""

    def __init__(
        self,
        app: Callable[..., Any],
        host: str,
        port: int,
        *,
        name: str,
        limits: Mapping[str, Any] | None = None,
    ):
        from waitress.server import create_server

        self._map: dict[int, Any] = {}
        options = {**WEBHOOK_LIMITS, **dict(limits or {})}
        self._server = create_server(app, map=self._map, host=host, port=port, **options)
        self.address: tuple[str, int] = (host, int(self._server.effective_port))
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._server.run()
        except Exception:  # the loop ends when stop() closes its sockets
            log.debug("server loop ended", exc_info=True)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening socket and every connection, then end the worker threads."""
        from waitress import wasyncore

        def close_all() -> None:  # on the server's own loop thread, where asyncore is safe
            wasyncore.close_all(self._map)

        with contextlib.suppress(OSError):  # already closed
            self._server.trigger.pull_trigger(close_all)
        self._thread.join(timeout)
        self._server.task_dispatcher.shutdown(timeout=timeout)
