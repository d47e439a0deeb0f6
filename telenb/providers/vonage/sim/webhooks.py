"""Vonage's side of a webhook: JSON bodies (or query strings for GET), a signed JWT, retries,
and the NCCO that comes back.

Answer webhooks default to GET with the fields in the query string; event webhooks to POST
with a JSON body (webhook reference).  Each request carries ``Authorization: Bearer <JWT>``
signed with the application's signature secret.  A connection that fails or times out, and
HTTP 429, 503 and 504, are tried twice before Vonage gives up ("Fallback URL").  Every
request and answer goes into the trace.
"""

from __future__ import annotations

import json
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ....errors import CallEnded
from ...webhooks.web import HttpResponse, Unreachable, with_query
from ..ncco.parse import MAX_BYTES, Action, NccoError, loads, parse_ncco
from ..signing import HEADER, sign

if TYPE_CHECKING:
    from ..application import VonageApplication

TIMEOUT = 5.0  # seconds: Vonage's default socket timeout for the answer webhook
RETRY_STATUSES = (429, 503, 504)
ATTEMPTS = 2
USER_AGENT = "Vonage-Voice-Simulator (telenb)"


class WebhookFailure(Exception):
    """The webhook could not be used: unreachable, an HTTP error, or no NCCO in the answer."""

    def __init__(self, detail: str, url: str):
        self.detail, self.url = detail, url
        super().__init__(f"{detail} ({url})")


def query_string(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """GET webhooks carry the fields as query parameters (objects as JSON text)."""
    out = []
    for key, value in payload.items():
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            value = json.dumps(value, separators=(",", ":"))
        elif isinstance(value, bool):
            value = "true" if value else "false"
        out.append((key, str(value)))
    return out


class Webhooks:
    """The HTTP client the simulated Vonage uses for one application."""

    def __init__(self, app: VonageApplication):
        self.app = app
        self.timeout = TIMEOUT

    def _trace(self, sid: str, kind: str, **data: Any) -> None:
        carrier = self.app.carrier
        carrier.trace.add(carrier.clock.now, sid, kind, **data)

    def send(
        self, method: str, url: str, payload: dict[str, Any], *, sid: str, purpose: str
    ) -> HttpResponse:
        """Make the request (retrying as Vonage does); `WebhookFailure` if it never worked."""
        app = self.app
        method = method.upper()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            self._trace(
                sid,
                "webhook",
                method=method,
                url=url,
                purpose=purpose,
                params=payload,
                status=None,
                error="not an absolute URL",
            )
            raise WebhookFailure(
                f"{url[:80]!r} is not an absolute http(s) URL; Vonage calls only those (build "
                "eventUrl from the request's base URL, as Vonage's samples do)",
                url,
            )
        if method == "GET":
            params = query_string(payload)
            target, body, form = with_query(url, params), b"", params
            headers = {"Accept": "application/json"}
        else:
            target = url
            body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
            form = list(payload.items())  # what a plain callable app receives
            headers = {"Content-Type": "application/json", "Accept": "application/json"}
        headers["User-Agent"] = USER_AGENT
        if app.signed and app.signature_secret:
            iat = round(app.timestamp_seconds())
            token = sign(
                app.signature_secret,
                body,
                api_key=app.api_key,
                application_id=app.application_id,
                iat=iat,
                jti=app.next_jti(),
            )
            headers[HEADER] = f"Bearer {token}"
        problem = ""
        for attempt in range(ATTEMPTS):
            try:
                response = app.web.request(
                    method,
                    target,
                    body=body,
                    headers=headers,
                    form=form,
                    timeout=self.timeout,
                    max_bytes=MAX_BYTES,
                )
            except CallEnded:
                raise
            except Unreachable as exc:
                self._trace(
                    sid,
                    "webhook",
                    method=method,
                    url=target,
                    purpose=purpose,
                    params=payload,
                    status=None,
                    error=str(exc),
                )
                problem = str(exc)
                if exc.kind in ("connect", "timeout") and attempt + 1 < ATTEMPTS:
                    continue
                raise WebhookFailure(problem, url) from None
            except Exception as exc:  # the app itself blew up: a server would answer 500
                tb = "".join(traceback.format_exception(exc))
                response = HttpResponse(500, {"content-type": "text/plain"}, tb.encode())
            self._trace(
                sid,
                "webhook",
                method=method,
                url=target,
                purpose=purpose,
                params=payload,
                status=response.status,
                response=response.text[:2000] if response.status >= 400 else None,
            )
            if response.status in RETRY_STATUSES and attempt + 1 < ATTEMPTS:
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def fetch_ncco(
        self,
        method: str,
        url: str,
        payload: dict[str, Any],
        *,
        sid: str,
        purpose: str,
        required: bool = True,
    ) -> list[Action] | None:
        """The NCCO a webhook answers with.  With `required` (the answer webhook) anything but
        an NCCO is a failure; otherwise (input, notify) an answer without an array means "go
        on with the current NCCO" and None is returned.  An invalid NCCO raises `NccoError`."""
        response = self.send(method, url, payload, sid=sid, purpose=purpose)
        if not 200 <= response.status < 300:
            raise WebhookFailure(f"the app answered HTTP {response.status}", url)
        if response.truncated:
            raise WebhookFailure(f"the answer is longer than {MAX_BYTES} bytes", url)
        if not response.body.strip():
            if required:
                raise NccoError("", "the answer webhook returned an empty body, not an NCCO")
            return None
        if not required:
            try:
                value = loads(response.body)
            except NccoError:
                return None
            if not isinstance(value, list):
                return None  # {"message": "ok"} and friends: the NCCO goes on
        else:
            value = loads(response.body)
        actions = parse_ncco(value)
        self._trace(sid, "ncco", url=url, ncco=json.dumps(value, separators=(",", ":"))[:4000])
        return actions

    def callback(
        self, method: str, url: str, payload: dict[str, Any], *, sid: str, event: str
    ) -> HttpResponse | None:
        """An event whose answer Vonage does not use; failures are logged as warnings."""
        try:
            response = self.send(method, url, payload, sid=sid, purpose=f"event:{event}")
        except WebhookFailure as exc:
            self.warn(sid, f"event {event!r} not delivered: {exc.detail}", url=url)
            return None
        if response.status >= 400:
            self.warn(sid, f"the event webhook answered HTTP {response.status}", url=url)
        return response

    def warn(self, sid: str, message: str, **where: Any) -> None:
        self._trace(sid, "warning", code=None, message=message, **where)
