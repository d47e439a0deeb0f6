"""The webhook side of the Twilio backend: a WSGI app that runs telenb flows as
continuations.

Twilio requests ``/twilio/voice`` when a call starts; the flow runs until it needs the caller
(an ask, a record, a transfer), and the TwiML for everything so far goes back with an
`action` URL ``/twilio/continue/<step>``.  The next webhook resumes the suspended flow with
what the caller did.  ``/twilio/status`` hears the call end and stops its flow.  Every request
must carry a valid X-Twilio-Signature (403 otherwise), checked with the SDK's
`RequestValidator` against the public URL.

Flows run in greenlets, which belong to one thread: all flow work goes through one
single-thread executor, whatever thread the HTTP server answers on.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ...errors import FlowError
from ...flow import verbs as V
from ...flow.api import Call
from ...flow.runtime import FlowSession
from .twiml_render import Renderer

log = logging.getLogger("telenb.twilio.backend")
PREFIX = "/twilio"
FINAL = ("completed", "busy", "no-answer", "failed", "canceled")
QUIET = (V.Say, V.Wait, V.Log, V.Answer)  # verbs that need no answer from the caller


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
class RemoteRecording:
    """A recording made on Twilio, as the flow sees it (Event.recording)."""

    sid: str
    url: str
    duration: float
    text: str = ""
    transcription: str | None = None


@dataclass
class Exchange:
    """One webhook and the TwiML that answered it (for logs, tests and export)."""

    path: str
    params: dict[str, str]
    twiml: str
    status: int = 200


class RemoteCall:
    """One real call's flow, suspended between webhooks (the FlowHost for `Call`)."""

    def __init__(self, server: WebhookServer, params: dict[str, str], flow: Callable, name: str):
        self.server = server
        self.sid = params.get("CallSid", "")
        self.params = params
        self.session = FlowSession(lambda: flow(Call(self)), max_steps=10_000, name=name)
        self.step = 0
        self.waiting: Any = None  # the verb whose outcome the next webhook brings
        self.ended = False
        self.started = False

    # -- FlowHost -------------------------------------------------------------------------------
    def perform(self, verb: Any) -> Any:
        return self.session.perform(verb)

    def trace(self, kind: str, /, **data: Any) -> None:
        self.server.log(self.sid, kind, **data)

    def info(self) -> dict[str, Any]:
        p = self.params
        state = "DISCONNECTED" if self.ended else "ANSWERED"
        return {
            "sid": self.sid,
            "from": p.get("From"),
            "to": p.get("To"),
            "network": "PSTN",
            "channel": "VOICE",
            "state": state,
            "headers": {},
            "caller_name": p.get("CallerName"),
        }

    # -- driving --------------------------------------------------------------------------------
    def advance(self, outcome: Any) -> str:
        """Resume the flow with `outcome`; TwiML for all it does until it needs the caller."""
        renderer = Renderer(self.server.notes)
        verb = self.session.send(outcome) if self.started else self.session.start()
        self.started = True
        while True:
            if verb is None:
                self._finished(renderer)
                break
            if self.ended:  # after <Hangup>: refuse call verbs, still send texts and logs
                verb = self.session.send(self._after_hangup(verb))
                continue
            if isinstance(verb, QUIET):
                if isinstance(verb, V.Say):
                    renderer.say(verb)
                elif isinstance(verb, V.Wait):
                    renderer.wait(verb)
                elif isinstance(verb, V.Log):
                    self.trace("log", message=verb.message)
                verb = self.session.send(V.Done())
                continue
            if isinstance(verb, V.Message):
                verb = self.session.send(self.server.send_message(verb, self.params))
                continue
            if self._needs_caller(verb, renderer):
                break
            outcome = self._ends(verb, renderer)
            if isinstance(outcome, _Unsupported):
                verb = self.session.throw(FlowError(outcome.why))
            else:
                verb = self.session.send(outcome)
        return renderer.xml()

    def _needs_caller(self, verb: Any, renderer: Renderer) -> bool:
        kinds = (V.Ask, V.Record, V.Transfer, V.Conference)
        if not isinstance(verb, kinds):
            return False
        self.step += 1
        action = self.server.url(f"{PREFIX}/continue/{self.step}")
        if isinstance(verb, V.Ask):
            renderer.ask(verb, action)
        elif isinstance(verb, V.Record):
            renderer.record(verb, action, action + "?empty=1")
        elif isinstance(verb, V.Transfer):
            renderer.transfer(verb, action)
        else:
            renderer.conference(verb, action)
        self.waiting = verb
        return True

    def _ends(self, verb: Any, renderer: Renderer) -> Any:
        """Hangup, Reject, Redirect end this call's TwiML; other verbs are not possible here."""
        if isinstance(verb, V.Hangup):
            renderer.hangup()
        elif isinstance(verb, V.Reject):
            renderer.reject(verb)
        elif isinstance(verb, V.Redirect):
            renderer.redirect(verb)
        else:
            name = type(verb).__name__
            why = {
                "Dial": "call() places a call for a flow that has none; on Twilio use "
                "TwilioBackend.call(to, flow)",
                "StartRecording": "start_recording() is not available on the Twilio backend yet",
                "StopRecording": "stop_recording() is not available on the Twilio backend yet",
            }.get(name, f"the Twilio backend cannot carry out {name}")
            return _Unsupported(why)
        self.ended = True
        return V.Done(detail={"twiml": type(verb).__name__.lower()})

    def _after_hangup(self, verb: Any) -> Any:
        if isinstance(verb, V.Message):
            return self.server.send_message(verb, self.params)
        if isinstance(verb, V.Log):
            self.trace("log", message=verb.message)
            return V.Done()
        return V.hangup_outcome(verb)

    def _finished(self, renderer: Renderer) -> None:
        err = self.session.error
        if err is not None:
            self.trace("error", error=type(err).__name__, message=str(err))
        if not self.ended:
            renderer.hangup()
            self.ended = True
        self.server.forget(self.sid)

    def resume(self, step: int, params: dict[str, str], query: dict[str, str]) -> str:
        """A webhook for `step`: decode what the caller did, resume the flow."""
        if step != self.step or self.waiting is None:
            log.warning("call %s: stale webhook for step %s (now %s)", self.sid, step, self.step)
            return Renderer(self.server.notes).xml()
        verb, self.waiting = self.waiting, None
        self.params.update({k: v for k, v in params.items() if k in ("CallStatus",)})
        gone = params.get("CallStatus") in FINAL
        return self.advance(decode(verb, params, query, gone))

    def stop(self, reason: str) -> None:
        self.ended = True
        self.session.stop(reason)


class _Unsupported:
    def __init__(self, why: str):
        self.why = why


def decode(verb: Any, params: dict[str, str], query: dict[str, str], gone: bool) -> Any:
    """What Twilio's action request says about the caller, as the verb's outcome."""
    if isinstance(verb, V.Ask):
        if gone:
            return V.AskOutcome("hangup")
        speech = params.get("SpeechResult")
        if speech:
            return V.AskOutcome("input", "speech", speech, confidence=_float(params, "Confidence"))
        digits = params.get("Digits", "")
        if digits:
            key = params.get("FinishedOnKey") or None
            return V.AskOutcome("input", "dtmf", digits=digits, terminated_by=key)
        return V.AskOutcome("noinput")
    if isinstance(verb, V.Record):
        if query.get("empty"):
            return V.RecordOutcome("hangup" if gone else "timeout")
        rec = RemoteRecording(
            params.get("RecordingSid", ""),
            params.get("RecordingUrl", ""),
            _float(params, "RecordingDuration"),
        )
        kind = "hangup" if gone or params.get("Digits") == "hangup" else "record"
        return V.RecordOutcome(kind, rec)
    if isinstance(verb, V.Transfer):
        status = params.get("DialCallStatus", "failed")
        sid = params.get("DialCallSid")
        duration = _float(params, "DialCallDuration")
        if gone:
            return V.DialOutcome("hangup", sid, duration, ended_by="caller")
        if status in ("completed", "answered"):
            return V.DialOutcome("answered", sid, duration, ended_by="callee")
        return V.DialOutcome(status if status in ("busy", "no-answer", "canceled") else "failed")
    return V.Done(hangup=gone)


def _float(params: dict[str, str], key: str) -> float:
    try:
        return float(params.get(key) or 0)
    except ValueError:
        return 0.0


class WebhookServer:
    """The WSGI app Twilio calls; `routes` maps called numbers (or session tokens) to flows."""

    def __init__(
        self,
        auth_token: str,
        public_url: str,
        *,
        messenger: Callable[[V.Message, dict[str, str]], Any] | None = None,
        executor: Any = None,
        check_signatures: bool = True,
    ):
        self._token = auth_token
        self.public_url = public_url.rstrip("/")
        self.messenger = messenger
        self.executor = executor if executor is not None else _one_thread()
        self.check_signatures = check_signatures
        self.numbers: dict[str, Callable] = {}  # To number -> flow (inbound calls)
        self.sessions: dict[str, Callable] = {}  # token -> flow (calls we place)
        self.calls: dict[str, RemoteCall] = {}
        self.exchanges: list[Exchange] = []
        self.events: list[tuple[str, str, dict]] = []
        self.notes: list[str] = []
        self._lock = threading.Lock()
        self._tokens = (f"s{n}" for n in itertools.count(1))

    def __repr__(self) -> str:
        return f"<WebhookServer {self.public_url} calls={len(self.calls)}>"

    def url(self, path: str) -> str:
        return self.public_url + path

    def log(self, sid: str, kind: str, **data: Any) -> None:
        self.events.append((sid, kind, data))
        log.info("%s %s %s", sid, kind, data)

    def session_token(self, flow: Callable) -> str:
        token = f"{next(self._tokens)}-{secrets.token_hex(4)}"
        self.sessions[token] = flow
        return token

    def forget(self, sid: str) -> None:
        self.calls.pop(sid, None)

    def send_message(self, verb: V.Message, params: dict[str, str]) -> Any:
        if self.messenger is None:
            raise FlowError("this backend cannot send messages (no REST client)")
        return self.messenger(verb, params)

    # -- WSGI -------------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size) if size else b""
        params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        status, ctype, text = self.handle(
            environ.get("REQUEST_METHOD", "GET"),
            path,
            query,
            params,
            environ.get("HTTP_X_TWILIO_SIGNATURE", ""),
        )
        data = text.encode("utf-8")
        start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(data)))])
        return [data]

    def handle(
        self, method: str, path: str, query: str, params: dict[str, str], signature: str
    ) -> tuple[str, str, str]:
        if method != "POST" or not path.startswith(PREFIX + "/"):
            return "404 Not Found", "text/plain", "not found"
        if self.check_signatures and not self._signed(path, query, params, signature):
            self.log(params.get("CallSid", "-"), "refused", path=path, why="bad signature")
            return "403 Forbidden", "text/plain", "invalid X-Twilio-Signature"
        q = dict(parse_qsl(query))
        future = self.executor.submit(self._dispatch, path[len(PREFIX) :], q, params)
        try:
            twiml = future.result(timeout=14)
        except Exception as exc:
            log.exception("webhook %s failed", path)
            self.log(
                params.get("CallSid", "-"), "error", error=type(exc).__name__, message=str(exc)
            )
            return "500 Internal Server Error", "text/plain", "flow error"
        self.exchanges.append(Exchange(path + (f"?{query}" if query else ""), params, twiml))
        return "200 OK", "text/xml", twiml

    def _signed(self, path: str, query: str, params: dict[str, str], signature: str) -> bool:
        from twilio.request_validator import RequestValidator

        url = self.url(path) + (f"?{query}" if query else "")
        return RequestValidator(self._token).validate(url, params, signature)

    def _dispatch(self, path: str, query: dict[str, str], params: dict[str, str]) -> str:
        sid = params.get("CallSid", "")
        if path == "/voice":
            flow = self.sessions.pop(query.get("session", ""), None) or self.numbers.get(
                params.get("To", "")
            )
            if flow is None:
                self.log(sid, "unrouted", to=params.get("To"))
                return _say_and_hang_up("This number has no telenb flow.")
            call = RemoteCall(self, dict(params), flow, getattr(flow, "__name__", "flow"))
            self.calls[sid] = call
            self.log(sid, "start", to=params.get("To"), frm=params.get("From"))
            return call.advance(None)
        if path.startswith("/continue/"):
            call = self.calls.get(sid)
            if call is None:
                return _say_and_hang_up("This call is no longer known.")
            return call.resume(int(path.rsplit("/", 1)[1] or 0), params, query)
        if path == "/status":
            status = params.get("CallStatus", "")
            self.log(sid, "status", status=status, duration=params.get("CallDuration"))
            call = self.calls.get(sid)
            if call is not None and status in FINAL:
                call.stop(f"the call ended ({status})")
                self.forget(sid)
            return _empty()
        return _empty()


def _say_and_hang_up(text: str) -> str:
    from twilio.twiml.voice_response import VoiceResponse

    response = VoiceResponse()
    response.say(text)
    response.hangup()
    return str(response)


def _empty() -> str:
    from twilio.twiml.voice_response import VoiceResponse

    return str(VoiceResponse())


def _one_thread() -> ThreadPoolExecutor:
    """Greenlets are bound to the thread that made them: all flows live on this one."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="telenb-flows")
