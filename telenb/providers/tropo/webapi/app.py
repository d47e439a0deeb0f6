"""Tropo WebAPI apps on the simulated carrier: `carrier.app(number, tropo_webapi=...)`.

    carrier.app("+15550100", tropo_webapi=flask_app, url="/index.json")     # WSGI, unmodified
    carrier.app("+15550100", tropo_webapi="http://127.0.0.1:8080/index.json")  # a real server
    carrier.app("+15550100", tropo_webapi=lambda req: {"tropo": [{"say": {"value": "Hi"}}]})
    carrier.app("+15550100", tropo_webapi={"/": start, "/continue": answer})  # callables
    start_session(carrier, token, numberToDial="+15550123")                  # session API

The app is served on the simulated web (``https://15550100.tropo.test`` unless `base_url`
says otherwise) or fetched from 127.0.0.1, and gets what Tropo sent: the session JSON, then
result JSON at each ``next`` URL.  A plain callable gets a `TropoRequest` (the parsed JSON,
a dict, with `.body`, `.url`, `.path`) and may answer with a dict, a JSON string, or anything
with ``RenderJson()`` (the tropo-webapi-python builder).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ....errors import ConfigurationError, check_options
from ...webhooks.web import app_address, detect_kind
from .client import tropo_cloud
from .interpreter import WebApiApp

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

OPTIONS = ("url", "base_url", "token", "timeout", "kind", "voice")


class TropoRequest(dict):
    """What a plain-callable WebAPI app receives: the JSON Tropo posted, as a dict."""

    def __init__(self, data: Any, body: str, url: str, method: str, headers: dict[str, str]):
        super().__init__(data if isinstance(data, dict) else {})
        self.body, self.url, self.method, self.headers = body, url, method, headers
        parts = urlsplit(url)
        self.path, self.query = parts.path or "/", parts.query

    @property
    def json(self) -> dict[str, Any]:
        return dict(self)

    @property
    def session(self) -> dict[str, Any] | None:
        return self.get("session")

    @property
    def result(self) -> dict[str, Any] | None:
        return self.get("result")


def render(value: Any) -> tuple[int, bytes]:
    """An app's answer as (status, body): dicts and lists as JSON, builders rendered."""
    status = 200
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int):
        value, status = value
    if value is None:
        return status, b""
    if hasattr(value, "RenderJson"):
        value = value.RenderJson()
    if isinstance(value, (dict, list)):
        value = json.dumps(value)
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError(
            f"a WebAPI app answers a dict, a JSON string or a Tropo builder, not "
            f"{type(value).__name__}"
        )
    return status, value


def as_wsgi(fn: Callable[[TropoRequest], Any]) -> Callable[..., Any]:
    """A plain callable (or a fixed document) served as a WSGI app."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size).decode("utf-8", "replace") if size else ""
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            data = {}
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        url = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('PATH_INFO', '')}"
        if environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}  # fmt: skip
        status, out = render(fn(TropoRequest(data, body, url, environ["REQUEST_METHOD"], headers)))
        start_response(
            f"{status} {'OK' if status < 400 else 'Error'}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(out)))],
        )
        return [out]  # fmt: skip

    app.__name__ = getattr(fn, "__name__", "tropo_app")
    return app


def site(source: Any, kind: str | None = None) -> tuple[Any, str]:
    """(target, kind) to mount on the web: callables and fixed documents become WSGI apps."""
    if isinstance(source, Mapping) and "tropo" not in source:
        return {path: site(target)[0] for path, target in source.items()}, "routes"
    if isinstance(source, (str, bytes, Mapping, list)):
        document = source
        return as_wsgi(lambda _req: document), "wsgi"
    kind = kind or detect_kind(source)
    if kind == "callable":
        return as_wsgi(source), "wsgi"
    return source, kind


def tropo_webapi_flow(
    source: Any, *, carrier: Carrier, number: str, **options: Any
) -> Callable[[Any], Any]:
    """The builder behind `carrier.app(number, tropo_webapi=source, ...)`.

    `source`: a WSGI app (Flask...), an ASGI app, a callable ``f(request)``, a dict of paths
    to these, a fixed document (a dict or JSON text), or the start URL of a server on
    127.0.0.1.  Options: `url` (the start path on the app, default "/"), `base_url` (its
    origin), `token` (for `start_session`; made from the carrier's seed when not given),
    `timeout` (seconds to wait for each answer, default 10), `kind` (wsgi, asgi, callable),
    `voice` (the default voice of the app's prompts, as the application's setting was)."""
    check_options("app", options, OPTIONS)
    cloud = tropo_cloud(carrier)
    url, base_url, kind = options.get("url"), options.get("base_url"), options.get("kind")
    timeout = options.get("timeout")
    if timeout is not None:
        if timeout <= 0:
            raise ConfigurationError(f"timeout must be positive seconds, not {timeout!r}")
        cloud.timeout = float(timeout)
    origin, start = app_address(cloud, source, number, url=url, base_url=base_url,
                                what="start document", example="/index.json")  # fmt: skip
    if origin is not None:
        target, kind = site(source, kind)
        cloud.web.mount(origin, target, kind)
        start = origin + start
    token = options.get("token") or _token(carrier, number)
    app = WebApiApp(cloud, start, number=number, token=token, voice=options.get("voice"))
    setattr(app, "text_sessions", True)  # noqa: B010 - texts to the number start a session with this app
    cloud.apps[token] = app
    return app


def _token(carrier: Carrier, number: str) -> str:
    """Tropo's tokens were 88 hex digits; these come from the seed (same seed, same token)."""
    import hashlib

    digest = hashlib.sha512(f"tropo-token:{carrier.seed}:{number}".encode()).hexdigest()
    return digest[:88]


def start_session(carrier: Carrier, token: str, *, run: bool = True, **parameters: Any) -> Any:
    """Launch the WebAPI app that owns `token`, as Tropo's session API did
    (``POST /1.0/sessions {"token": ...}``): its start URL gets a session whose
    ``parameters`` hold ``token``, ``action: create`` and these `parameters` (as strings).
    Returns the `CallResult` of the session (its trace, calls and messages)."""
    cloud = tropo_cloud(carrier)
    app = cloud.apps.get(str(token))
    if app is None:
        shown = f"{token[:6]}..." if isinstance(token, str) and len(token) > 8 else repr(token)
        raise ConfigurationError(
            f"no Tropo WebAPI app has the token {shown}; mount one with "
            "carrier.app(number, tropo_webapi=..., token=...) and use its .token"
        )
    params = {"token": app.token, "action": "create"}
    params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in parameters.items()})
    return carrier.launch(app.launch(params), run=run)


def new_token() -> str:
    """A random token, for apps that should not share a guessable one."""
    return secrets.token_hex(44)
