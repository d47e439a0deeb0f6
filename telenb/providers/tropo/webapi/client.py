"""Tropo's side of the WebAPI's HTTP: one POST of JSON, one JSON document back.

Each carrier has one `TropoCloud` (the simulated Tropo account): the web its apps are served
on (`telenb.providers.webhooks.web.Web`, so an app may be a WSGI or ASGI app, a callable or a
server on 127.0.0.1), the applications by token, and the timeout.  `post` sends the session or
result JSON as Tropo did (``Content-Type: application/json``), follows HTTP redirects, and
turns every failure into a `WebApiError` that names the URL: unreachable, too slow, an HTTP
error status, a body too large, or a body that is not a WebAPI document.  Requests, answers
and documents go into the trace.
"""

from __future__ import annotations

import json
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ....errors import CallEnded
from ...webhooks.web import Unreachable, Web
from .document import MAX_BYTES, Document, WebApiError, parse_document

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

TIMEOUT = 10.0  # seconds telenb waits for a WebAPI answer (override with timeout=)
MAX_REDIRECTS = 5
USER_AGENT = "Tropo-WebAPI (telenb simulator)"
REDIRECTS = (301, 302, 303, 307, 308)


class TropoCloud:
    """The simulated Tropo account of one carrier: apps by token, the web they are on."""

    def __init__(self, carrier: Carrier):
        self.carrier = carrier
        self.account_id = str(int(carrier.account_sid[2:10], 16) % 100000)
        self.web = Web()
        self.timeout = TIMEOUT
        self.apps: dict[str, Any] = {}  # token -> WebApiApp

    def __repr__(self) -> str:
        return f"<TropoCloud account {self.account_id} apps={len(self.apps)}>"

    def origin_for(self, number: str) -> str:
        digits = "".join(ch for ch in number if ch.isalnum()) or "app"
        return f"https://{digits.lower()}.tropo.test"

    def trace(self, sid: str, kind: str, **data: Any) -> None:
        c = self.carrier
        c.trace.add(c.clock.now, sid or "-", kind, **data)

    def post(self, url: str, payload: dict[str, Any], *, sid: str, purpose: str) -> Document:
        """POST `payload` as JSON to `url`; the WebAPI document that comes back."""
        body = json.dumps(payload).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=UTF-8",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        method = "POST"
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = self.web.request(
                    method, url, body=body if method == "POST" else b"", headers=headers,
                    timeout=self.timeout, max_bytes=MAX_BYTES,
                )  # fmt: skip
            except CallEnded:
                raise
            except Unreachable as exc:
                self.trace(sid, "webhook", method=method, url=url, purpose=purpose,
                           json=payload, status=None, error=str(exc))  # fmt: skip
                raise WebApiError(f"{url} could not be reached: {exc}") from None
            except Exception as exc:  # the app raised: a server would answer 500
                tb = "".join(traceback.format_exception(exc))
                self.trace(sid, "webhook", method=method, url=url, purpose=purpose,
                           json=payload, status=500, response=tb[-2000:])  # fmt: skip
                raise WebApiError(
                    f"{url} answered HTTP 500: the app raised {type(exc).__name__}: {exc}"
                ) from None
            self.trace(
                sid, "webhook", method=method, url=url, purpose=purpose, json=payload,
                status=response.status,
                response=response.text[:2000] if response.status >= 400 else None,
            )  # fmt: skip
            location = response.headers.get("location")
            if response.status in REDIRECTS and location:
                url = urljoin(url, location)
                if response.status in (301, 302, 303):
                    method = "GET"
                continue
            if not 200 <= response.status < 300:
                raise WebApiError(f"{url} answered HTTP {response.status}")
            if response.truncated:
                raise WebApiError(
                    f"{url} answered more than {MAX_BYTES} bytes (telenb stopped reading there)"
                )
            try:
                doc = parse_document(response.body, url)
            except WebApiError as exc:
                raise WebApiError(f"{url}: {exc}") from None
            self.trace(sid, "webapi", url=url, json=doc.text)
            return doc
        raise WebApiError(f"{url}: more than {MAX_REDIRECTS} HTTP redirects in a row (a loop?)")


def tropo_cloud(carrier: Carrier) -> TropoCloud:
    """The carrier's simulated Tropo account (created on first use, kept on the carrier)."""
    cloud = getattr(carrier, "_tropo_cloud", None)
    if cloud is None:
        cloud = TropoCloud(carrier)
        setattr(carrier, "_tropo_cloud", cloud)  # noqa: B010 - goes away with the carrier
    return cloud
