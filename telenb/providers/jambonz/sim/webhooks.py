"""jambonz's side of a webhook: a JSON body (or the query string for GET), a signature,
and the verbs that come back.

Hooks are a URL or ``{"url", "method", "username", "password"}``; relative URLs are resolved
against the application's call_hook.  POST is the default method.  Every request carries
``Jambonz-Signature`` (see `..signing`) and ``User-Agent: jambonz``.  A failed request is
not retried unless the URL asks with ``#rc=<n>&rp=<policy>`` (jambonz's retry hash: ``ct``
connection failures, the default, ``rt`` timeouts, ``4xx``, ``5xx`` or ``all``).
"""

from __future__ import annotations

import base64
import json
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from ....errors import CallEnded
from ...webhooks.web import HttpResponse, Unreachable, with_query
from ..signing import HEADER, sign
from ..verbs.parse import MAX_BYTES, JambonzError, Verb, loads, parse_app

if TYPE_CHECKING:
    from ..application import JambonzApplication

TIMEOUT = 10.0  # JAMBONES_HTTP_TIMEOUT's default


class WebhookFailure(Exception):
    def __init__(self, detail: str, url: str):
        self.detail, self.url = detail, url
        super().__init__(f"{detail} ({url})")


def body_of(payload: dict[str, Any]) -> bytes:
    """The payload as JSON.stringify writes it (what node-client re-signs)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def resolve(hook: Any, base: str | None) -> tuple[str, str, dict[str, str]]:
    """(absolute url, method, extra headers) of a hook."""
    if isinstance(hook, dict):
        url, method = hook.get("url", ""), (hook.get("method") or "POST").upper()
        headers = {}
        if hook.get("username"):
            token = f"{hook['username']}:{hook.get('password', '')}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    else:
        url, method, headers = str(hook), "POST", {}
    if base and not urlsplit(url).scheme:
        url = urljoin(base, url)
    return url, method, headers


class Webhooks:
    """The HTTP client the simulated jambonz uses for one application."""

    def __init__(self, app: JambonzApplication):
        self.app = app
        self.timeout = TIMEOUT

    def _trace(self, sid: str, kind: str, **data: Any) -> None:
        carrier = self.app.carrier
        carrier.trace.add(carrier.clock.now, sid, kind, **data)

    def warn(self, sid: str, message: str) -> None:
        self._trace(sid, "warning", code=None, message=message)

    def send(
        self, hook: Any, payload: dict[str, Any], *, sid: str, base: str | None, purpose: str
    ) -> HttpResponse:
        app = self.app
        url, method, headers = resolve(hook, base)
        parts = urlsplit(url)
        retry = dict(parse_qsl(parts.fragment))
        url = urlunsplit(parts._replace(fragment=""))
        attempts = 1 + min(abs(int(retry.get("rc", "0") or 0)), 5)
        policy = set((retry.get("rp") or "ct").split(","))
        body = body_of(payload)
        headers |= {"User-Agent": "jambonz", "Accept": "application/json"}
        if method == "GET":
            params = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in payload.items()]
            target, data, form = with_query(url, params), b"", params
        else:
            target, data, form = url, body, list(payload.items())
            headers["Content-Type"] = "application/json"
        if app.signed and app.webhook_secret:
            headers[HEADER] = sign(app.webhook_secret, body, app.timestamp_seconds())
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            try:
                response = app.web.request(
                    method, target, body=data, headers=headers, form=form,
                    timeout=self.timeout, max_bytes=MAX_BYTES,
                )  # fmt: skip
            except CallEnded:
                raise
            except Unreachable as exc:
                self._trace(sid, "webhook", method=method, url=target, purpose=purpose,
                            params=payload, status=None, error=str(exc))  # fmt: skip
                kind = "rt" if exc.kind == "timeout" else "ct"
                if not last and (kind in policy or "all" in policy):
                    continue
                raise WebhookFailure(str(exc), url) from None
            except Exception as exc:  # the app blew up: a server would answer 500
                tb = "".join(traceback.format_exception(exc))
                response = HttpResponse(500, {"content-type": "text/plain"}, tb.encode())
            shown = response.text[:2000] if response.status >= 400 else None
            self._trace(sid, "webhook", method=method, url=target, purpose=purpose,
                        params=payload, status=response.status, response=shown)  # fmt: skip
            family = f"{response.status // 100}xx"
            if response.status >= 400 and not last and (family in policy or "all" in policy):
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def fetch_verbs(
        self, hook: Any, payload: dict[str, Any], *, sid: str, base: str | None, purpose: str,
        required: bool = False,
    ) -> list[Verb] | None:  # fmt: skip
        """The verbs a hook answers with; None when it answers none (the app goes on).
        An invalid document raises `JambonzError`; an HTTP error `WebhookFailure`."""
        response = self.send(hook, payload, sid=sid, base=base, purpose=purpose)
        url = resolve(hook, base)[0]
        if not 200 <= response.status < 300:
            raise WebhookFailure(f"web callback returned unexpected status code "
                                 f"{response.status}", url)  # fmt: skip
        if not response.body.strip():
            if required:
                raise JambonzError("no application provided")
            return None
        value = loads(response.body)
        if not required and not isinstance(value, list):
            return None
        verbs = parse_app(value)
        self._trace(sid, "jambonz", url=url, app=json.dumps(value, separators=(",", ":"))[:4000])
        if required and not verbs:
            raise JambonzError("no application provided")
        return verbs

    def notify(
        self, hook: Any, payload: dict[str, Any], *, sid: str, base: str | None, purpose: str
    ) -> None:
        """A status hook: its answer is not used; failures are warnings."""
        try:
            response = self.send(hook, payload, sid=sid, base=base, purpose=purpose)
        except WebhookFailure as exc:
            self.warn(sid, f"{purpose} not delivered: {exc.detail}")
            return
        if response.status >= 400:
            self.warn(sid, f"the call_status_hook answered HTTP {response.status}")
