"""The web as the simulated Twilio sees it: URLs routed to applications in this process.

A site is mounted at an origin (``https://app.example``) and serves what is mounted there:
an unmodified WSGI app (Flask, Django), an ASGI app (FastAPI, Starlette), a plain callable
``f(request) -> TwiML``, a static document (a string or a `VoiceResponse`), or a dict of
paths to any of these.  Apps are called in process — no sockets — with the environ or scope a
real server would build, so `request.url`, `request.form` and signature checks work as in
production.  URLs on this machine (``http://127.0.0.1:8000/...``) not mounted here are fetched
over loopback HTTP; anything else is unreachable, as the internet is from an offline box.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from ...errors import ConfigurationError

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
KINDS = ("wsgi", "asgi", "callable", "static", "routes")


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    elapsed: float = 0.0  # wall-clock seconds the app took

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Unreachable(Exception):
    """The request could not be delivered: `kind` is url, host, connect, timeout or size."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message)


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

    values = form


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


class Web:
    """Routes requests to mounted sites (in process) or to loopback HTTP servers."""

    def __init__(self) -> None:
        self.sites: list[Site] = []

    def mount(self, url: str, target: Any, kind: str | None = None) -> Site:
        """Serve `target` at `url` (an origin, optionally with a path prefix)."""
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
        site = Site(origin, target, kind, prefix)
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
    ) -> HttpResponse:
        """Deliver one request; raise `Unreachable` when it cannot be delivered."""
        headers = dict(headers or {})
        refused = not_fetchable(url)
        if refused:
            raise Unreachable("url", refused)
        site = self.site_for(url)
        start = time.monotonic()
        if site is not None:
            response = _serve(site, method, url, body, headers, form or [], timeout)
        elif (urlsplit(url).hostname or "") in LOOPBACK:
            response = _loopback(method, url, body, headers, timeout)
        else:
            raise Unreachable(
                "host",
                f"{urlsplit(url).hostname!r} cannot be resolved: the simulator is offline; mount "
                "an app there (carrier.app(..., twiml=app, base_url=...)) or use a URL on "
                "127.0.0.1",
            )
        response.elapsed = time.monotonic() - start
        if site is not None and response.elapsed > timeout:
            took = f"the app took {response.elapsed:.1f}s (limit {timeout:g}s)"
            raise Unreachable("timeout", took)
        return response


# -- serving mounted sites ------------------------------------------------------------------------
def _serve(
    site: Site,
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    form: list[tuple[str, str]],
    timeout: float,
) -> HttpResponse:
    if site.kind == "wsgi":
        return call_wsgi(site.target, method, url, body, headers)
    if site.kind == "asgi":
        return call_asgi(site.target, method, url, body, headers, timeout)
    if site.kind == "routes":
        path = urlsplit(url).path or "/"
        target = site.target.get(path)
        if target is None and path.endswith("/"):
            target = site.target.get(path.rstrip("/") or "/")
        if target is None:
            return HttpResponse(404, {"content-type": "text/plain"}, b"not found")
        sub = Site(site.origin, target, detect_kind(target))
        return _serve(sub, method, url, body, headers, form, timeout)
    if site.kind == "static":
        return _document(site.target)
    params = dict(form) if method == "POST" else _query_params(url)
    result = site.target(WebhookRequest(params, url, method, headers))
    return _document(result)


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
    from urllib.parse import parse_qsl

    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def call_wsgi(
    app: Callable[..., Any], method: str, url: str, body: bytes, headers: dict[str, str]
) -> HttpResponse:
    """Call a WSGI app with the environ a front-end server would build for this request."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": parts.netloc,
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "HOST":
            environ[f"HTTP_{key}"] = value
    environ["CONTENT_LENGTH"] = str(len(body))
    state: dict[str, Any] = {}
    chunks: list[bytes] = []

    def start_response(status: str, response_headers: list, exc_info: Any = None) -> Any:
        state["status"] = int(status.split()[0])
        state["headers"] = {k.lower(): v for k, v in response_headers}
        return chunks.append

    result = app(environ, start_response)
    try:
        for chunk in result:
            chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return HttpResponse(state.get("status", 500), state.get("headers", {}), b"".join(chunks))


def call_asgi(
    app: Callable[..., Any],
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
) -> HttpResponse:
    """Call an ASGI app once, on an event loop of its own (the kernel's loop may be running)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    raw_headers = [(b"host", parts.netloc.encode("latin-1"))]
    raw_headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw_headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": parts.scheme,
        "path": unquote_to_bytes(parts.path or "/").decode("utf-8", "replace"),
        "raw_path": (parts.path or "/").encode("latin-1"),
        "query_string": parts.query.encode("latin-1"),
        "root_path": "",
        "headers": raw_headers,
        "server": (parts.hostname or "localhost", port),
        "client": ("127.0.0.1", 0),
        "state": {},
    }
    out: dict[str, Any] = {"status": 500, "headers": {}, "body": []}

    async def run() -> None:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(timeout)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                out["headers"] = {
                    k.decode("latin-1").lower(): v.decode("latin-1")
                    for k, v in message.get("headers", [])
                }
            elif message["type"] == "http.response.body":
                out["body"].append(message.get("body", b""))

        await asyncio.wait_for(app(scope, receive, send), timeout)

    try:
        asyncio.get_running_loop()
        in_loop = True
    except RuntimeError:
        in_loop = False
    try:
        if in_loop:  # e.g. inside Jupyter: run the app's loop on a helper thread
            error: list[BaseException] = []

            def worker() -> None:
                try:
                    asyncio.run(run())
                except BaseException as exc:  # re-raised on the calling thread
                    error.append(exc)

            thread = threading.Thread(target=worker, name="telenb-asgi", daemon=True)
            thread.start()
            thread.join()
            if error:
                raise error[0]
        else:
            asyncio.run(run())
    except TimeoutError:
        raise Unreachable("timeout", f"the ASGI app did not answer within {timeout:g}s") from None
    return HttpResponse(out["status"], out["headers"], b"".join(out["body"]))


def _loopback(
    method: str, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> HttpResponse:
    """A real HTTP request to a server on this machine (never through a proxy)."""
    import urllib.error

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    req = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
    for k, v in headers.items():
        req.add_header(k, v)
    try:
        with opener.open(req, timeout=timeout) as resp:
            headers_in = {k.lower(): v for k, v in resp.headers.items()}
            return HttpResponse(resp.status, headers_in, resp.read())
    except urllib.error.HTTPError as exc:
        return HttpResponse(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())
    except TimeoutError:
        raise Unreachable("timeout", f"no response from {url} within {timeout:g}s") from None
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise Unreachable("timeout", f"no response from {url} within {timeout:g}s") from None
        raise Unreachable("connect", f"cannot connect to {url}: {reason}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let 3xx responses through: the webhook client follows redirects itself (and counts)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
