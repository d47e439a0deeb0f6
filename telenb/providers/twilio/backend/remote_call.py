"""One real call's flow, suspended between Twilio webhooks (a continuation).

`RemoteCall` is the FlowHost a flow's `Call` talks to: `advance()` runs the flow until it
needs the caller and returns the TwiML for everything so far; `resume()` feeds it what the
next webhook says the caller did.  Every method of one call runs on that call's own thread
(greenlets belong to the thread that made them), so one call's state needs no lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ....errors import FlowError
from ....flow import verbs as V
from ....flow.api import Call
from ....flow.runtime import FlowSession
from ...live.guard import clean
from ..twiml.render import Renderer

if TYPE_CHECKING:
    from collections.abc import Callable

    from .server import WebhookServer

log = logging.getLogger("telenb.twilio.backend")
PREFIX = "/twilio"
FINAL = ("completed", "busy", "no-answer", "failed", "canceled")
QUIET = (V.Say, V.Wait, V.Log, V.Answer)  # verbs that need no answer from the caller


@dataclass
class RemoteRecording:
    """A recording made on Twilio, as the flow sees it (Event.recording)."""

    sid: str
    url: str
    duration: float
    text: str = ""
    transcription: str | None = None


class RemoteCall:
    """One real call's flow, suspended between webhooks (the FlowHost for `Call`)."""

    def __init__(
        self,
        server: WebhookServer,
        params: dict[str, str],
        flow: Callable,
        name: str,
        executor: Any,
    ):
        self.server = server
        self.executor = executor  # the one thread this call's flow runs on
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
        action = self.server.url(f"{self.server.prefix}/continue/{self.step}")
        if isinstance(verb, V.Ask):
            renderer.ask(verb, action)
            if self.server.redirect_after_gather:  # no input: the next verb brings it back
                renderer.response.redirect(action + "?empty=1", method="POST")
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
            log.warning(
                "call %s: stale webhook for step %s (now %s)", clean(self.sid, 64), step, self.step
            )
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
