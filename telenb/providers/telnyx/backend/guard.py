"""Telnyx's webhook signature in front of the TwiML server: Ed25519 over
``<telnyx-timestamp>|<raw body>`` with the account's public key
(`providers/telnyx/signing.py`), and a timestamp within five minutes of now, so a captured
request cannot be replayed later.  Anything else gets 403 before the TwiML server (and any
flow) sees it; the body is read within the shared bounds first."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from typing import Any

from ...live.guard import Refusals, Refused, clean, read_body
from ..signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE, SignatureError, verify

log = logging.getLogger("telenb.telnyx.backend")
_SIGNATURE = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
_STAMP = "HTTP_" + TIMESTAMP_HEADER.upper().replace("-", "_")


class Ed25519Guard:
    """A WSGI app that lets through only requests Telnyx signed."""

    def __init__(
        self,
        app: Callable[..., Any],
        public_key: str,
        refused: Refusals,
        *,
        clock: Callable[[], float] = time.time,
        tolerance: float = TOLERANCE,
    ):
        self.app, self.public_key, self.refused = app, public_key, refused
        self.clock, self.tolerance = clock, tolerance

    def __repr__(self) -> str:
        return f"<Ed25519Guard {self.app!r}>"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            body = read_body(environ)
            verify(self.public_key, body, environ.get(_SIGNATURE), environ.get(_STAMP),
                   now=self.clock(), tolerance=self.tolerance)  # fmt: skip
        except (Refused, SignatureError) as exc:
            status = exc.status if isinstance(exc, Refused) else "403 Forbidden"
            entry = self.refused.add(path=environ.get("PATH_INFO", ""), sid="-", why=str(exc),
                                     remote=environ.get("REMOTE_ADDR", ""))  # fmt: skip
            log.info("refused %s: %s", entry["path"], clean(str(exc)))
            data = f"refused: {exc}".encode()
            start_response(status, [("Content-Type", "text/plain"),
                                    ("Content-Length", str(len(data)))])  # fmt: skip
            return [data]
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)
