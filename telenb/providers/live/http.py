"""A vendor's REST requests through httpx: sent, or recorded exactly as they would be sent.

`RecordingTransport` stands in for the vendor's cloud: it records each request as httpx
built it (method, URL, body bytes, headers) and answers with queued canned responses, so
tests compare requests byte for byte and dry runs show what would have gone out, without
the network.  `Rest` is the one place a live backend sends from.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from typing import Any

import httpx

from ...errors import TelenbError

log = logging.getLogger("telenb.live.http")
USER_AGENT = "telenb"


@dataclass
class RecordedRequest:
    """A request as it would have gone on the wire."""

    method: str
    url: str
    body: bytes
    headers: dict[str, str]

    @property
    def authorization(self) -> str | None:
        return self.headers.get("Authorization")

    def masked(self) -> RecordedRequest:
        """A copy whose Authorization header says only its scheme (for dry runs and logs)."""
        return replace(self, headers=masked_headers(self.headers))

    def __repr__(self) -> str:
        return (
            f"<{self.method} {self.url} body={self.body!r} headers={masked_headers(self.headers)}>"
        )


def masked_headers(headers: dict[str, str]) -> dict[str, str]:
    out = dict(headers)
    for name in list(out):
        if name.lower() == "authorization":
            scheme = out[name].split(" ", 1)[0]
            out[name] = f"{scheme} ****"
    return out


class VendorError(TelenbError):
    """The vendor's API refused a request (its status and its own message, no secrets)."""

    def __init__(self, vendor: str, status: int, detail: str):
        super().__init__(f"{vendor} answered HTTP {status}: {detail}")
        self.status = status


class RecordingTransport(httpx.BaseTransport):
    """An httpx transport that records every request and answers from `responses`
    (each (status, JSON-able body); default 200 with ``{}``); nothing is sent."""

    def __init__(self, responses: list[tuple[int, Any]] | None = None):
        self.requests: list[RecordedRequest] = []
        self.responses = list(responses or [])

    def respond(self, status: int, body: Any) -> None:
        self.responses.append((status, body))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        headers = {_title(k): v for k, v in request.headers.items()}
        self.requests.append(RecordedRequest(request.method, str(request.url), body, headers))
        status, payload = self.responses.pop(0) if self.responses else (200, {})
        text = payload if isinstance(payload, str) else json.dumps(payload)
        return httpx.Response(status, content=text.encode(),
                              headers={"Content-Type": "application/json"})  # fmt: skip


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class Rest:
    """Sends one vendor's REST requests; `transport` (an httpx transport) replaces the
    network, as `RecordingTransport` does in tests and dry runs."""

    def __init__(self, vendor: str, transport: httpx.BaseTransport | None = None,
                 timeout: float = 15.0):  # fmt: skip
        self.vendor = vendor
        self.transport = transport
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<Rest {self.vendor}>"

    def send(self, method: str, url: str, *, headers: dict[str, str], content: bytes) -> Any:
        """The JSON answer to the request; `VendorError` for a 4xx/5xx (no credentials in it)."""
        with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
            response = client.request(
                method, url, content=content, headers={"User-Agent": USER_AGENT, **headers}
            )
        log.info("%s %s -> %s", method, url, response.status_code)
        if response.status_code >= 400:
            raise VendorError(self.vendor, response.status_code, response.text[:300])
        try:
            return response.json() if response.content else {}
        except ValueError:
            return {}
