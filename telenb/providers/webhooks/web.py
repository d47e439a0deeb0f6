"""The web as the simulated Twilio sees it: URLs routed to applications in this process.

A site is mounted at an origin (``https://app.example``) and serves what is mounted there:
an unmodified WSGI app (Flask, Django), an ASGI app (FastAPI, Starlette), a plain callable
``f(request) -> TwiML``, a static document (a string or a `VoiceResponse`), or a dict of
paths to any of these.  Apps are called in process — no sockets — through httpx's WSGI and
ASGI transports (`web_transport`), so `request.url`, `request.form` and signature checks work
as in production.  URLs on this machine (``http://127.0.0.1:8000/...``) not mounted here are
fetched over loopback HTTP by the same client; anything else is unreachable, as the internet
is from an offline box.  The timeout is a total deadline, enforced while the app runs
(`web_deadline`), and bodies are streamed and cut at the size limit.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ...errors import ConfigurationError
from .deadline import run_bounded
from .transport import (
    NO_LIMIT,
    HttpResponse,
    Unreachable,
    call_asgi,
    call_wsgi,
    fetch_loopback,
)

__all__ = [
    "HttpResponse",
    "Unreachable",
    "Web",
    "WebhookRequest",
    "call_wsgi",
    "detect_kind",
    "with_query",
]

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
KINDS = ("wsgi", "asgi", "callable", "static", "routes")


class WebhookRequest(dict):
    """What a plain-callable app receives: the parameters (a dict) plus url, path, method."""

    def __init__(self, params: Mapping[str, str], url: str, method: str, headers: dict):
        super().__init__(params)
        self.url, self.method, self.headers = url, method, headers
        parts = urlsplit(url)
        self.path, self.query = parts.path or "/", parts.query

    @property
    def params(self) -> dict[str, str]:
        return dict(self)

    @property
    def form(self) -> dict[str, str]:
        """The parameters under Flask's name, so `request.form["Digits"]` works here too."""
        return dict(self)

    @property
    def values(self) -> dict[str, str]:  # type: ignore[override]  # Flask's name wins here
        """`request.values`, as in Flask (form and query arguments together)."""
        return dict(self)


def not_fetchable(url: str) -> str | None:
    """Why Twilio would not fetch `url`, or None.  Twilio fetches only absolute http(s) URLs
    (error 11100, Invalid URL format: "Bad URL in Play or Redirect Verb Body", "Bad URL
    provided for a verb's action attribute"; https://www.twilio.com/docs/api/errors/11100).
    The answer never depends on what exists on this machine."""
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        return None
    shown = url if len(url) <= 80 else url[:77] + "..."
    return (
        f"{shown!r} is not an http(s) URL; Twilio fetches only absolute http:// or https:// "
        "URLs (give the app's URL, or a path relative to the document)"
    )


def with_query(url: str, params: list[tuple[str, str]]) -> str:
    """Append parameters to a URL's query: how every vendor sends a GET webhook."""
    if not params:
        return url
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


def detect_kind(target: Any) -> str:
    """Which kind of site `target` is; explicit `kind=` overrides this guess."""
    if isinstance(target, (str, bytes)) or hasattr(target, "to_xml"):
        return "static"
    if isinstance(target, Mapping):
        return "routes"
    if not callable(target):
        raise ConfigurationError(
            f"cannot serve {type(target).__name__}: give TwiML text, a VoiceResponse, a "
            "callable, a WSGI/ASGI app or a dict of paths"
        )
    call = target if inspect.isfunction(target) or inspect.ismethod(target) else target.__call__
    if inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(target):
        return "asgi"
    try:
        params = [
            p
            for p in inspect.signature(call).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
    except (TypeError, ValueError):
        return "wsgi"
    if len(params) == 3:
        return "asgi"
    return "wsgi" if len(params) == 2 else "callable"


@dataclass
class Site:
    origin: str  # scheme://host[:port]
    target: Any
    kind: str
    prefix: str = ""  # path prefix the site owns ("" = all)
    same_thread: bool = False  # called on the network's thread (timed only after it returns)


class Web:
    """Routes requests to mounted sites (in process) or to loopback HTTP servers."""

    def __init__(self) -> None:
        self.sites: list[Site] = []

    def mount(
        self, url: str, target: Any, kind: str | None = None, *, same_thread: bool = False
    ) -> Site:
        """Serve `target` at `url` (an origin, optionally with a path prefix).

        `same_thread` is for telenb's own apps that drive flows themselves (the real-Twilio
        webhook server run against the simulator): flows are greenlets bound to the
        network's thread, so such an app cannot run on the webhook's worker thread."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(
                f"mount at an http(s) URL such as https://app.example, not {url!r}"
            )
        kind = kind or detect_kind(target)
        if kind not in KINDS:
            raise ConfigurationError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        prefix = parts.path.rstrip("/")
        self.sites = [s for s in self.sites if (s.origin, s.prefix) != (origin, prefix)]
        site = Site(origin, target, kind, prefix, same_thread)
        self.sites.append(site)
        self.sites.sort(key=lambda s: -len(s.prefix))
        return site

    def site_for(self, url: str) -> Site | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        path = parts.path or "/"
        for site in self.sites:
            if site.origin == origin and (
                not site.prefix or path == site.prefix or path.startswith(site.prefix + "/")
            ):
                return site
        return None

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        form: list[tuple[str, str]] | None = None,
        timeout: float = 15.0,
        max_bytes: int = NO_LIMIT,
    ) -> HttpResponse:
        """Deliver one request within `timeout` seconds in all (however the app or server
        spends them); raise `Unreachable` when it cannot be delivered in time.  A body longer
        than `max_bytes` is not read further: the response comes back `truncated`."""
        headers = dict(headers or {})
        refused = not_fetchable(url)
        if refused:
            raise Unreachable("url", refused)
        start = time.monotonic()
        deadline = start + timeout
        site = self.site_for(url)
        if site is not None:
            kind, target = _route(site, url)
            if kind in ("static", "404"):  # nothing of the app's runs: no thread needed
                response = _document(target) if kind == "static" else _not_found()
            elif site.same_thread:
                args = (method, url, body, headers, form or [], timeout, max_bytes, deadline)
                response = _serve(kind, target, *args)
                if time.monotonic() > deadline:
                    raise Unreachable("timeout", f"the app took longer than {timeout:g}s")
            else:
                app = partial(_serve, kind, target, method, url, body, headers, form or [])
                late = f"the app did not answer within {timeout:g}s"
                response = run_bounded(
                    partial(app, timeout, max_bytes, deadline),
                    timeout,
                    partial(Unreachable, "timeout", late),
                )
        elif (urlsplit(url).hostname or "") in LOOPBACK:
            fetch = partial(fetch_loopback, method, url, body, headers, timeout)
            late = f"no complete response from {url} within {timeout:g}s"
            response = run_bounded(
                partial(fetch, max_bytes=max_bytes, deadline=deadline),
                timeout,
                partial(Unreachable, "timeout", late),
            )
        else:
            raise Unreachable(
                "host",
                f"{urlsplit(url).hostname!r} cannot be resolved: the simulator is offline; mount "
                "an app there (carrier.app(..., twiml=app, base_url=...)) or use a URL on "
                "127.0.0.1",
            )
        response.elapsed = time.monotonic() - start
        return _limit(response, max_bytes)


# -- serving mounted sites ------------------------------------------------------------------------
def _route(site: Site, url: str) -> tuple[str, Any]:
    """(kind, target) that answers `url` on `site`, looking paths up in a routes table."""
    if site.kind != "routes":
        return site.kind, site.target
    path = urlsplit(url).path or "/"
    target = site.target.get(path)
    if target is None and path.endswith("/"):
        target = site.target.get(path.rstrip("/") or "/")
    if target is None:
        return "404", None
    return detect_kind(target), target


def _not_found() -> HttpResponse:
    return HttpResponse(404, {"content-type": "text/plain"}, b"not found")


def _serve(
    kind: str,
    target: Any,
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    form: list[tuple[str, str]],
    timeout: float,
    max_bytes: int,
    deadline: float,
) -> HttpResponse:
    """Call the app (on the webhook's worker thread, see `web_deadline`)."""
    if kind == "wsgi":
        return call_wsgi(target, method, url, body, headers, max_bytes=max_bytes, deadline=deadline)
    if kind == "asgi":
        return call_asgi(target, method, url, body, headers, timeout, max_bytes=max_bytes)
    if kind == "routes":  # a table inside a table
        inner_kind, inner = _route(Site("", target, "routes"), url)
        if inner_kind == "404":
            return _not_found()
        args = (method, url, body, headers, form, timeout, max_bytes, deadline)
        return _serve(inner_kind, inner, *args)
    if kind == "static":
        return _document(target)
    params = dict(form) if method == "POST" else _query_params(url)
    result = target(WebhookRequest(params, url, method, headers))
    return _document(result)


def _limit(response: HttpResponse, max_bytes: int) -> HttpResponse:
    """Cut an answer made whole in memory (a callable's string) as a stream would be."""
    if len(response.body) > max_bytes:
        response.body, response.truncated = response.body[: max_bytes + 1], True
    return response


def _document(value: Any) -> HttpResponse:
    if isinstance(value, HttpResponse):
        return value
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int):
        response = _document(value[0])
        response.status = value[1]
        return response
    if value is None:
        return HttpResponse(204, {}, b"")
    if hasattr(value, "to_xml"):
        value = value.to_xml()
    # a lone surrogate cannot be UTF-8; sent as is, the TwiML parser names its position (12100)
    data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)
    return HttpResponse(200, {"content-type": "text/xml; charset=utf-8"}, data)


def _query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def app_address(
    account: Any,
    source: Any,
    number: str,
    *,
    url: str | None,
    base_url: str | None,
    what: str = "webhook",
    example: str = "/",
) -> tuple[str | None, str]:
    """Where an app's first webhook is: ``(None, url)`` when `source` is that http(s) URL
    itself, else ``(origin, path)`` to mount it at: `base_url` (or the account's origin for
    `number`) and `url` as the path.  `what` and `example` name the webhook in errors."""
    if isinstance(source, str) and urlsplit(source.strip()).scheme in ("http", "https"):
        if url is not None or base_url is not None:
            raise ConfigurationError(f"give the {what}'s URL as the source, or url=, not both")
        return None, source.strip()
    origin = (base_url or account.origin_for(number)).rstrip("/")
    path = url or "/"
    if urlsplit(path).scheme:
        raise ConfigurationError(
            f"url= is the {what}'s path on the app, such as {example!r}, not {path!r}; "
            "give the origin as base_url="
        )
    return origin, path if path.startswith("/") else "/" + path


def absolute(url: str | None, base: str) -> str | None:
    """`url` resolved against `base` (a webhook path given relative to the first one)."""
    return None if url is None else urljoin(base, url)
