"""The webhook side of the Twilio backend: a WSGI app that runs telenb flows as
continuations.

Twilio requests ``/twilio/voice`` when a call starts; the flow runs until it needs the caller
(an ask, a record, a transfer), and the TwiML for everything so far goes back with an
`action` URL ``/twilio/continue/<step>``.  The next webhook resumes the suspended flow with
what the caller did.  ``/twilio/status`` hears the call end and stops its flow.  Every request
must carry a valid X-Twilio-Signature (403 otherwise), checked with the SDK's
`RequestValidator` against the public URL; before that, only a bounded, well-formed form is
read (`guard`), and a repeated webhook gets its first answer (`Replies`).

Flows run in greenlets, which belong to the thread that made them, so each call's flow has a
thread of its own: a flow that blocks (slow work of its own) holds up only its own call's
webhooks, never another call's.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ....errors import FlowError
from ....flow import verbs as V
from ...live.guard import Refusals, Refused, Replies, clean, read_form
from ...live.server import InlineExecutor
from .remote_call import FINAL, PREFIX, RemoteCall, RemoteRecording, decode

__all__ = ["PREFIX", "Exchange", "InlineExecutor", "RemoteRecording", "WebhookServer", "decode"]

log = logging.getLogger("telenb.twilio.backend")
ROUTE = re.compile(r"/(voice|status|continue/[0-9]{1,6})")
WEBHOOK_TIMEOUT = 14.0  # Twilio gives up on a webhook after 15 s
KEEP = 10_000  # events and exchanges kept (a flow has at most 10,000 steps)


@dataclass
class Exchange:
    """One webhook and the TwiML that answered it (for logs, tests and export)."""

    path: str
    params: dict[str, str]
    twiml: str
    status: int = 200


class WebhookServer:
    """The WSGI app Twilio calls; `numbers` and `sessions` map calls to flows.

    `executor`, if given, runs every call's flow (an `InlineExecutor` for one-thread use);
    by default each call gets a thread of its own, ended when the call ends."""

    def __init__(
        self,
        auth_token: str,
        public_url: str,
        *,
        messenger: Callable[[V.Message, dict[str, str]], Any] | None = None,
        executor: Any = None,
        check_signatures: bool = True,
        prefix: str = PREFIX,
        signature_headers: tuple[str, ...] = ("X-Twilio-Signature",),
    ):
        self._token = auth_token
        self.prefix = prefix  # a TwiML dialect's backend serves under its own
        # WSGI keys of the headers that may carry the signature, the first present wins
        self._signature_name = signature_headers[0]
        self._signature_keys = tuple(
            "HTTP_" + h.upper().replace("-", "_") for h in signature_headers
        )
        self.public_url = public_url.rstrip("/")
        self.messenger = messenger
        self.executor = executor  # None: one thread per call
        self.check_signatures = check_signatures
        self.numbers: dict[str, Callable] = {}  # To number -> flow (inbound calls)
        self.sessions: dict[str, Callable] = {}  # token -> flow (calls we place)
        self.calls: dict[str, RemoteCall] = {}
        self.exchanges: deque[Exchange] = deque(maxlen=KEEP)
        self.events: deque[tuple[str, str, dict]] = deque(maxlen=KEEP)
        self.refused = Refusals()
        self.replies = Replies()
        self.notes: list[str] = []
        # a <Redirect> after each <Gather>, for a dialect whose <Gather> may not request its
        # action on an empty result (Twilio's actionOnEmptyResult)
        self.redirect_after_gather = False
        self._lock = threading.Lock()
        self._tokens = (f"s{n}" for n in itertools.count(1))

    def __repr__(self) -> str:
        return f"<WebhookServer {self.public_url} calls={len(self.calls)}>"

    def url(self, path: str) -> str:
        return self.public_url + path

    def log(self, sid: str, kind: str, **data: Any) -> None:
        self.events.append((sid, kind, data))
        shown = " ".join(f"{k}={clean(v)}" for k, v in data.items())
        log.info("%s %s %s", clean(sid, 64), kind, shown)

    def session_token(self, flow: Callable) -> str:
        with self._lock:
            token = f"{next(self._tokens)}-{secrets.token_hex(4)}"
        self.sessions[token] = flow
        return token

    def forget(self, sid: str) -> None:
        with self._lock:
            call = self.calls.pop(sid, None)
        if call is not None and call.executor is not self.executor:
            call.executor.shutdown(wait=False)  # the call's thread ends after this task

    def close(self, reason: str = "the webhook server stopped") -> None:
        """End every call still waiting for a webhook (none can arrive) and its thread."""
        with self._lock:
            calls = list(self.calls.values())
            self.calls.clear()
        for call in calls:
            try:
                call.executor.submit(call.stop, reason).result(timeout=2)
            except Exception:  # a flow blocked in its own work: its thread ends when it returns
                log.warning("call %s did not stop within 2 s", clean(call.sid, 64))
            if call.executor is not self.executor:
                call.executor.shutdown(wait=False)

    def send_message(self, verb: V.Message, params: dict[str, str]) -> Any:
        if self.messenger is None:
            raise FlowError("this backend cannot send messages (no REST client)")
        return self.messenger(verb, params)

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

    def _respond(self, environ: dict) -> tuple[str, str, str]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if method != "POST" or not self._route(path):
            self._refuse(environ, path, {}, f"no such webhook ({clean(method, 16)})")
            return "404 Not Found", "text/plain", "not found"
        try:
            params = read_form(environ)
        except Refused as refused:
            self._refuse(environ, path, {}, refused.reason)
            return refused.status, "text/plain", refused.reason
        return self.handle(
            method,
            path,
            environ.get("QUERY_STRING", ""),
            params,
            next((environ[k] for k in self._signature_keys if environ.get(k)), ""),
            remote=environ.get("REMOTE_ADDR", ""),
        )

    def _route(self, path: str) -> str | None:
        if not path.startswith(self.prefix + "/"):
            return None
        route = path[len(self.prefix) :]
        return route if ROUTE.fullmatch(route) else None

    def _refuse(self, environ: dict, path: str, params: dict[str, str], why: str) -> None:
        query = environ.get("QUERY_STRING", "")
        entry = self.refused.add(
            path=path + (f"?{query}" if query else ""),
            sid=params.get("CallSid", "-"),
            why=why,
            remote=environ.get("REMOTE_ADDR", ""),
        )
        log.info("refused %s from %s (call %s): %s", entry["path"], entry["remote"],
                 entry["sid"], why)  # fmt: skip

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        params: dict[str, str],
        signature: str,
        *,
        remote: str = "",
    ) -> tuple[str, str, str]:
        route = self._route(path)
        if method != "POST" or route is None:
            return "404 Not Found", "text/plain", "not found"
        if self.check_signatures and not self._signed(path, query, params, signature):
            self._refuse(
                {"REMOTE_ADDR": remote, "QUERY_STRING": query}, path, params, "bad signature"
            )
            return "403 Forbidden", "text/plain", f"invalid {self._signature_name}"
        sid = params.get("CallSid", "")
        q = dict(parse_qsl(query))
        if route == "/status":
            future, repeated = self._status(sid, params), False
        else:
            key = route + (f"?{query}" if query else "")
            future, repeated = self.replies.answer(sid, key, lambda: self._start(route, q, params))
        try:
            twiml = future.result(timeout=WEBHOOK_TIMEOUT)
        except Exception as exc:  # a timeout (the flow is still busy) or a telenb bug
            trace = None if isinstance(exc, TimeoutError) else exc
            log.error("webhook %s failed: %s", clean(path), clean(repr(exc)), exc_info=trace)
            self.log(sid, "error", error=type(exc).__name__, message=str(exc))
            return "500 Internal Server Error", "text/plain", "flow error"
        if repeated:
            self.log(sid, "repeated", path=route)
        else:
            self.exchanges.append(Exchange(path + (f"?{query}" if query else ""), params, twiml))
        return "200 OK", "text/xml", twiml

    def _signed(self, path: str, query: str, params: dict[str, str], signature: str) -> bool:
        from twilio.request_validator import RequestValidator

        url = self.url(path) + (f"?{query}" if query else "")
        return RequestValidator(self._token).validate(url, params, signature)

    # -- work on each call's own thread -----------------------------------------------------------
    def _start(self, route: str, query: dict[str, str], params: dict[str, str]) -> Future:
        """Submit the work for a /voice or /continue webhook to its call's executor."""
        sid = params.get("CallSid", "")
        if route == "/voice":
            executor = self.executor or ThreadPoolExecutor(1, thread_name_prefix="telenb-call")
            return executor.submit(self._begin, sid, query, params, executor)
        with self._lock:
            call = self.calls.get(sid)
        if call is None:
            return _done(_say_and_hang_up("This call is no longer known."))
        step = int(route.rsplit("/", 1)[1])
        try:
            return call.executor.submit(call.resume, step, params, query)
        except RuntimeError:  # its flow ended a moment ago
            return _done(_say_and_hang_up("This call is no longer known."))

    def _begin(self, sid: str, query: dict[str, str], params: dict[str, str], executor: Any) -> str:
        flow = self.sessions.pop(query.get("session", ""), None) or self.numbers.get(
            params.get("To", "")
        )
        if flow is None:
            self.log(sid, "unrouted", to=params.get("To"))
            if executor is not self.executor:
                executor.shutdown(wait=False)
            return _say_and_hang_up("This number has no telenb flow.")
        call = RemoteCall(self, dict(params), flow, getattr(flow, "__name__", "flow"), executor)
        with self._lock:
            self.calls[sid] = call
        self.log(sid, "start", to=params.get("To"), frm=params.get("From"))
        return call.advance(None)

    def _status(self, sid: str, params: dict[str, str]) -> Future:
        status = params.get("CallStatus", "")
        self.log(sid, "status", status=status, duration=params.get("CallDuration"))
        with self._lock:
            call = self.calls.get(sid)
        if call is None or status not in FINAL:
            return _done(_empty())

        def end() -> str:
            call.stop(f"the call ended ({status})")
            self.forget(sid)
            return _empty()

        try:
            return call.executor.submit(end)
        except RuntimeError:
            return _done(_empty())


def _done(value: str) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _say_and_hang_up(text: str) -> str:
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    response.say(text)
    response.hangup()
    return str(response)


def _empty() -> str:
    from twilio.twiml.voice_response import VoiceResponse

    return str(VoiceResponse())
