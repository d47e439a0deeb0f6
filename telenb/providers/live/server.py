"""The webhook side of a live backend: a WSGI app that runs telenb flows as continuations.

The vendor requests ``<prefix>/answer`` when a call starts; the flow runs until it needs the
caller, and the vendor's document for everything so far goes back with URLs
``<prefix>/step/<n>`` (and, for Vonage, ``record/<n>`` and ``connect/<n>`` events; each
vendor's `Hooks.routes` names the paths it serves, any other is 404).  The next webhook
resumes the suspended flow with what the caller did; the hangup or completed event stops it.
The flow's continuation is the vendor's own exporter (`providers/<vendor>/export.py`, on
`providers/export/host.py`) with absolute URLs, so what a dry run shows, what the simulator
replays and what the vendor gets are one and the same.  Twilio and its dialects (TeXML,
cXML) keep the TwiML server of `providers/twilio/backend/`, which shares this package's
guard, executor and serving.

Every request is read within bounds (`guard`), then its signature is checked by the vendor's
`Hooks.verify` (refused otherwise, before any flow sees it), and a repeated webhook gets the
first answer (`Replies`).  Flows run in greenlets, which belong to the thread that made them,
so each call's flow has a thread of its own.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl

from ...errors import FlowError
from ...flow import verbs as V
from .guard import Refusals, Refused, Replies, clean, read_body

log = logging.getLogger("telenb.live.server")
WEBHOOK_TIMEOUT = 14.0  # vendors give up on a webhook after 10-15 s
KEEP = 10_000  # exchanges and events kept


class InlineExecutor:
    """Runs submitted work at once on the calling thread (tests, exports, one-thread use)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True) -> None:
        pass


@dataclass
class Inbound:
    """One webhook request as it arrived: what a signature check needs."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    remote: str = ""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def url(self, public_url: str) -> str:
        return public_url + self.path + (f"?{self.query}" if self.query else "")


class Request(dict):
    """A webhook's parameters with its path below the prefix (what an exporter's
    continuation reads: ``request.path``, ``dict(request)``)."""

    def __init__(self, path: str, params: dict[str, Any]):
        super().__init__(params)
        self.path = path


class Hooks(Protocol):
    """What one vendor says about its webhooks (see each `providers/<vendor>/backend/`)."""

    vendor: str
    prefix: str  # "/plivo"
    media_type: str  # of the documents answered
    refusal: str  # the status line of a bad signature ("403 Forbidden")
    routes: re.Pattern[str]  # the paths below the prefix it requests, "/answer" among them

    def verify(self, inbound: Inbound, url: str) -> str | None:
        """None when the signature is good, else why not."""

    def params(self, inbound: Inbound) -> dict[str, Any]:
        """The webhook's parameters (form or JSON); raises `Refused` when unreadable."""

    def call_key(self, params: dict[str, Any]) -> str:
        """What identifies the call across its webhooks."""

    def to_number(self, params: dict[str, Any]) -> str:
        """The called number, E.164 (for inbound routing)."""

    def final(self, route: str, params: dict[str, Any]) -> bool:
        """Whether this webhook says the call is over."""

    def continuation(self, flow: Callable, server: ContinuationServer) -> Any:
        """The vendor's continuation running `flow`: called with a `Request`, returns the
        next document (or None), with `session` and `hung_up()`."""

    def render(self, document: Any) -> str:
        """A document as the response body."""

    def goodbye(self, text: str) -> Any:
        """A document that says `text` and hangs up."""


@dataclass
class Exchange:
    """One webhook and the document that answered it (for logs and tests)."""

    path: str
    params: dict[str, Any]
    document: str
    status: int = 200


@dataclass
class LiveCall:
    key: str
    continuation: Any
    executor: Any
    params: dict[str, Any] = field(default_factory=dict)


class ContinuationServer:
    """The WSGI app a vendor calls; `numbers` and `sessions` map calls to flows."""

    def __init__(
        self,
        hooks: Hooks,
        public_url: str,
        *,
        messenger: Callable[[V.Message, dict[str, Any]], Any] | None = None,
        executor: Any = None,
        methods: tuple[str, ...] = ("POST",),
    ):
        self.hooks = hooks
        self.public_url = public_url.rstrip("/")
        self.messenger = messenger
        self.executor = executor  # None: one thread per call
        self.methods = methods
        self.numbers: dict[str, Callable] = {}
        self.sessions: dict[str, Callable] = {}
        self.calls: dict[str, LiveCall] = {}
        self.exchanges: deque[Exchange] = deque(maxlen=KEEP)
        self.events: deque[tuple[str, str, dict]] = deque(maxlen=KEEP)
        self.refused = Refusals()
        self.replies = Replies()
        self._lock = threading.Lock()
        self._tokens = (f"s{n}" for n in itertools.count(1))

    def __repr__(self) -> str:
        return f"<ContinuationServer {self.hooks.vendor} {self.public_url} calls={len(self.calls)}>"

    def url(self, path: str) -> str:
        return self.public_url + path

    def log(self, key: str, kind: str, **data: Any) -> None:
        self.events.append((key, kind, data))
        shown = " ".join(f"{k}={clean(v)}" for k, v in data.items())
        log.info("%s %s %s %s", self.hooks.vendor, clean(key, 64), kind, shown)

    def session_token(self, flow: Callable) -> str:
        with self._lock:
            token = f"{next(self._tokens)}-{secrets.token_hex(4)}"
        self.sessions[token] = flow
        return token

    def send_message(self, verb: V.Message, params: dict[str, Any]) -> Any:
        if self.messenger is None:
            raise FlowError(f"this {self.hooks.vendor} backend cannot send messages")
        return self.messenger(verb, params)

    def forget(self, key: str) -> None:
        with self._lock:
            call = self.calls.pop(key, None)
        if call is not None and call.executor is not self.executor:
            call.executor.shutdown(wait=False)

    def close(self, reason: str = "the webhook server stopped") -> None:
        """End every call still waiting for a webhook (none can arrive) and its thread."""
        with self._lock:
            calls = list(self.calls.values())
            self.calls.clear()
        for call in calls:
            try:
                call.executor.submit(call.continuation.hung_up).result(timeout=2)
            except Exception:
                log.warning("call %s did not stop within 2 s (%s)", clean(call.key, 64), reason)
            if call.executor is not self.executor:
                call.executor.shutdown(wait=False)

    # -- WSGI -------------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        try:
            status, ctype, text = self._respond(environ)
        except Exception:  # never a traceback to the caller, never an unescaped log line
            log.exception("webhook %s failed", clean(environ.get("PATH_INFO", "")))
            status, ctype, text = "500 Internal Server Error", "text/plain", "server error"
        data = text.encode("utf-8")
        start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(data)))])
        return [data]

    def route(self, path: str) -> str | None:
        prefix = self.hooks.prefix
        if not path.startswith(prefix + "/"):
            return None
        route = path[len(prefix) :]
        return route if self.hooks.routes.fullmatch(route) else None

    def _respond(self, environ: dict) -> tuple[str, str, str]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        remote = environ.get("REMOTE_ADDR", "")
        query = environ.get("QUERY_STRING", "")
        route = self.route(path)
        if method not in self.methods or route is None:
            self._refuse(path, query, remote, f"no such webhook ({clean(method, 16)})")
            return "404 Not Found", "text/plain", "not found"
        try:
            body = read_body(environ)
        except Refused as refused:
            self._refuse(path, query, remote, refused.reason)
            return refused.status, "text/plain", refused.reason
        headers = {
            k[5:].replace("_", "-").lower(): str(v)
            for k, v in environ.items()
            if k.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        inbound = Inbound(method, path, query, headers, body, remote)
        return self.handle(inbound)

    def _refuse(self, path: str, query: str, remote: str, why: str, key: str = "-") -> None:
        entry = self.refused.add(
            path=path + (f"?{query}" if query else ""), sid=key, why=why, remote=remote
        )
        log.info("refused %s from %s (call %s): %s", entry["path"], entry["remote"],
                 entry["sid"], why)  # fmt: skip

    def handle(self, inbound: Inbound) -> tuple[str, str, str]:
        """Check, then answer one webhook: (status line, content type, body)."""
        route = self.route(inbound.path)
        if route is None:
            return "404 Not Found", "text/plain", "not found"
        why = self.hooks.verify(inbound, inbound.url(self.public_url))
        if why is not None:
            self._refuse(inbound.path, inbound.query, inbound.remote, f"bad signature: {why}")
            return self.hooks.refusal, "text/plain", f"refused: {why}"
        try:
            params = self.hooks.params(inbound)
        except Refused as refused:
            self._refuse(inbound.path, inbound.query, inbound.remote, refused.reason)
            return refused.status, "text/plain", refused.reason
        key = self.hooks.call_key(params)
        query = dict(parse_qsl(inbound.query))
        final = self.hooks.final(route, params)
        if route.startswith("/step/") or route == "/answer":
            slot = route + (f"?{inbound.query}" if inbound.query else "")
            future, repeated = self.replies.answer(
                key,
                slot,
                lambda: self._start(route, query, params, key),
            )
        else:
            future, repeated = self._event(route, params, key, final), False
        try:
            document = future.result(timeout=WEBHOOK_TIMEOUT)
        except Exception as exc:  # a timeout (the flow is still busy) or a telenb bug
            trace = None if isinstance(exc, TimeoutError) else exc
            log.error("webhook %s failed: %s", clean(inbound.path), clean(repr(exc)),
                      exc_info=trace)  # fmt: skip
            self.log(key, "error", error=type(exc).__name__, message=str(exc))
            return "500 Internal Server Error", "text/plain", "flow error"
        if document is None:
            return "204 No Content", "text/plain", ""
        text = self.hooks.render(document)
        if repeated:
            self.log(key, "repeated", path=route)
        else:
            shown = inbound.path + (f"?{inbound.query}" if inbound.query else "")
            self.exchanges.append(Exchange(shown, params, text))
        return "200 OK", self.hooks.media_type, text

    # -- work on each call's own thread -----------------------------------------------------------
    def _start(self, route: str, query: dict[str, str], params: dict[str, Any], key: str) -> Future:
        if route == "/answer":
            executor = self.executor or ThreadPoolExecutor(1, thread_name_prefix="telenb-call")
            return executor.submit(self._begin, query, params, key, executor)
        with self._lock:
            call = self.calls.get(key)
        if call is None:
            return _done(self.hooks.goodbye("This call is no longer known."))
        try:
            return call.executor.submit(self._advance, call, route, params)
        except RuntimeError:  # its flow ended a moment ago
            return _done(self.hooks.goodbye("This call is no longer known."))

    def _begin(self, query: dict[str, str], params: dict[str, Any], key: str, executor: Any) -> Any:
        flow = self.sessions.pop(query.get("session", ""), None) or self.numbers.get(
            self.hooks.to_number(params)
        )
        if flow is None:
            self.log(key, "unrouted", to=self.hooks.to_number(params))
            if executor is not self.executor:
                executor.shutdown(wait=False)
            return self.hooks.goodbye("This number has no telenb flow.")
        call = LiveCall(key, self.hooks.continuation(flow, self), executor, dict(params))
        with self._lock:
            self.calls[key] = call
        self.log(key, "start", to=self.hooks.to_number(params))
        return self._advance(call, "/answer", params)

    def _advance(self, call: LiveCall, route: str, params: dict[str, Any]) -> Any:
        document = call.continuation(Request(route, params))
        err = call.continuation.session.error
        if err is not None:
            self.log(call.key, "error", error=type(err).__name__, message=str(err))
        if call.continuation.session.finished:
            self.forget(call.key)
        return document

    def _event(self, route: str, params: dict[str, Any], key: str, final: bool) -> Future:
        self.log(key, "event", path=route, status=params.get("status") or params.get("CallStatus"))
        with self._lock:
            call = self.calls.get(key)
        if call is None:
            return _done(None)

        def run() -> Any:
            document = call.continuation(Request(route, params))
            if final:
                call.continuation.hung_up()
                self.forget(key)
            return document

        try:
            return call.executor.submit(run)
        except RuntimeError:
            return _done(None)


def _done(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def json_params(inbound: Inbound) -> dict[str, Any]:
    """A JSON webhook's object (GET: its query), or `Refused`."""
    if inbound.method == "GET" or not inbound.body:
        return dict(parse_qsl(inbound.query))
    try:
        data = json.loads(inbound.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused("400 Bad Request", "the webhook body is not JSON") from None
    if not isinstance(data, dict):
        raise Refused("400 Bad Request", "the webhook body is not a JSON object")
    return data
