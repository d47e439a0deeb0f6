"""An HTTP client for the twilio SDK that records the exact requests instead of sending them.

Each request is prepared with `requests`, exactly as the SDK's own `TwilioHttpClient` does
before it sends, so tests can compare method, URL, form body and Authorization header byte
for byte, and dry runs can show what would have been sent.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from twilio.http import HttpClient

from ...live.http import RecordedRequest

__all__ = ["RecordedRequest", "RecordingHttpClient"]


class RecordingHttpClient(HttpClient):
    """A `twilio.http.HttpClient` that prepares each request exactly as the SDK's own
    client would (with `requests`), records it, and answers with queued canned responses
    (default: 200 with ``{}``) — for tests and dry runs; nothing is sent."""

    def __init__(self, responses: list[tuple[int, Any]] | None = None):
        super().__init__(logging.getLogger("telenb.twilio.recording"), False, None)
        self.requests: list[RecordedRequest] = []
        self.responses = list(responses or [])

    def respond(self, status: int, body: Any) -> None:
        self.responses.append((status, body))

    def request(
        self,
        method: str,
        url: str,
        params: dict | None = None,
        data: dict | None = None,
        headers: dict | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Any:
        from requests import Request
        from twilio.http.response import Response

        prepared = Request(
            method.upper(), url, params=params, data=data, headers=headers, auth=auth
        ).prepare()
        body = prepared.body or b""
        self.requests.append(
            RecordedRequest(
                prepared.method or method.upper(),
                prepared.url or url,
                body.encode() if isinstance(body, str) else bytes(body),  # type: ignore[arg-type]
                {k: str(v) for k, v in prepared.headers.items()},
            )
        )
        status, payload = self.responses.pop(0) if self.responses else (200, {})
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return Response(status, text, {"Content-Type": "application/json"})
