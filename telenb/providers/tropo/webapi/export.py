"""A flow or Tropo script as Tropo WebAPI JSON, step by step: `flow_webapi(source, number)`.

The flow runs behind a small continuation app: each verb it reaches becomes a ``{"tropo":
[...]}`` document ending in ``on`` events whose ``next`` brings Tropo's result back, and the
result resumes the flow with the outcome the verb would have had.  The simulator's own WebAPI
interpreter plays Tropo, so every document shown has been executed for the simulated caller.
`notes` name what WebAPI JSON cannot say (a ``log()`` belongs to the app's own server; one
flow verb that needs several JSON verbs).  The TwiML side is
`telenb.providers.twilio.flow_twiml`, which takes the same sources.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ....errors import ConfigurationError
from ....flow import verbs as V
from ....flow.api import Call
from ....flow.grammar import DTMF_KEYS
from ....flow.runtime import FlowSession
from ...export.host import ContinuationHost, flow_of, scratch_carrier
from .app import site
from .client import tropo_cloud

NEXT = "/step"
EVENTS = ("continue", "incomplete", "hangup", "error")


@dataclass
class WebApiStep:
    """One exchange: what Tropo posted (session or result) and the app's JSON answer."""

    posted: dict[str, Any]
    document: dict[str, Any]

    def pretty(self) -> str:
        return json.dumps(self.document, indent=2, sort_keys=True)


@dataclass
class WebApiSteps:
    number: str
    caller: str
    steps: list[WebApiStep]
    notes: list[str]
    result: Any = None
    documents: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, i: int) -> WebApiStep:
        return self.steps[i]

    def replay(self) -> Callable[[Any], dict[str, Any]]:
        """A WebAPI app that answers with these documents in order (the export on its own)."""
        docs = list(self.documents)

        def app(_request: Any) -> dict[str, Any]:
            return docs.pop(0) if docs else {"tropo": [{"hangup": {}}]}

        return app

    def __repr__(self) -> str:
        who = repr(self.caller) if self.caller else "silent"
        lines = [f"Tropo WebAPI for {self.number} (caller: {who}), {len(self.steps)} step(s)"]
        for n, step in enumerate(self.steps, 1):
            lines.append(f"{n:2d}. {_heading(step.posted)}")
            lines.append("      " + json.dumps(step.document["tropo"], sort_keys=True))
        if self.notes:
            lines.append("Notes - what WebAPI JSON cannot say exactly:")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


def _heading(posted: dict[str, Any]) -> str:
    if "session" in posted:
        return "POST / (session)"
    actions: Any = (posted.get("result") or {}).get("actions") or {}
    first: dict[str, Any] = actions[0] if isinstance(actions, list) and actions else actions
    bits = [f"{k}={first[k]}" for k in ("disposition", "value") if first.get(k) is not None]
    return f"POST {NEXT} (result) " + " ".join(bits)


class _Continuation:
    """The WebAPI app that runs `flow` one verb per document."""

    def __init__(self, flow: Callable[[Call], Any]):
        self.host = ContinuationHost()
        self.call = Call(self.host)
        self.host.session = FlowSession(lambda: flow(self.call), name="export")
        self.pending: Any = None
        self.steps: list[WebApiStep] = []
        self.notes: list[str] = []
        self.failure: ConfigurationError | None = None  # a verb WebAPI JSON cannot carry

    def __call__(self, request: Any) -> dict[str, Any]:
        posted = dict(request)
        session = self.host.session
        assert session is not None
        if "session" in posted:
            s = posted["session"]
            self.host.details.update(
                sid=s.get("callId"), to=(s.get("to") or {}).get("id"),
                **{"from": (s.get("from") or {}).get("id")},
            )  # fmt: skip
            verb = session.start()
        else:
            result = posted.get("result") or {}
            if result.get("state") == "DISCONNECTED":
                self.host.details["state"] = "DISCONNECTED"
            verb = session.send(self.outcome(self.pending, result))
        try:
            document = self.document(verb)
        except ConfigurationError as exc:
            self.failure = exc
            session.stop("not exportable")
            raise
        self.steps.append(WebApiStep(posted, document))
        return document

    def document(self, verb: Any) -> dict[str, Any]:
        session = self.host.session
        assert session is not None
        while True:
            if verb is None:
                return {"tropo": [{"hangup": {}}]}
            action = self.translate(verb)
            if action is not None:
                break
            verb = session.send(_immediate(verb))  # nothing to send: resume at once
        self.pending = verb
        if isinstance(verb, V.Hangup | V.Reject | V.Redirect):
            return {"tropo": action}
        on = [{"on": {"event": e, "next": NEXT}} for e in EVENTS]
        return {"tropo": action + on}

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def translate(self, verb: Any) -> list[dict[str, Any]] | None:
        """A flow verb as WebAPI verbs (None: nothing to send)."""
        if isinstance(verb, V.Say):
            say = _say(verb)
            if verb.loop > 1:
                self.note("say(loop=N) has no WebAPI field: the say is repeated N times")
            return [{"say": [say] * verb.loop}]
        if isinstance(verb, V.Ask):
            ask: dict[str, Any] = {
                "name": "answer",
                "choices": {"value": verb.grammar.source, "mode": verb.mode},
                "attempts": 1,
                "timeout": verb.timeout,
                "interdigitTimeout": verb.interdigit_timeout,
                "bargein": verb.bargein,
                "minConfidence": round(verb.min_confidence * 100),
            }
            if verb.terminator:
                ask["choices"]["terminator"] = verb.terminator
            if verb.prompt is not None:
                ask["say"] = [_say(verb.prompt)]
            if verb.recognizer:
                ask["recognizer"] = verb.recognizer
            if verb.attempts > 1:
                self.note("ask() attempts run one WebAPI ask each, so the flow's handlers "
                          "fire per attempt as in the script")  # fmt: skip
            return [{"ask": ask}]
        if isinstance(verb, V.Record):
            rec: dict[str, Any] = {
                "name": "recording", "beep": verb.beep, "maxTime": verb.max_time,
                "maxSilence": verb.silence_timeout, "timeout": verb.timeout,
                "format": verb.format, "bargein": verb.bargein,
            }  # fmt: skip
            if verb.terminator:
                rec["choices"] = {"terminator": verb.terminator}
            if verb.prompt is not None:
                rec["say"] = [_say(verb.prompt)]
            if verb.transcribe:
                rec["transcription"] = {"id": "transcription", "url": "mailto:app@example.com"}
            if verb.path:
                self.note("record(path=...) is a local file; WebAPI uploads to a 'url'")
            return [{"record": rec}]
        if isinstance(verb, V.Transfer):
            tr: dict[str, Any] = {"name": "transfer", "to": list(verb.to),
                                  "timeout": verb.timeout,
                                  "answerOnMedia": verb.answer_on_media}  # fmt: skip
            if verb.caller_id:
                tr["from"] = verb.caller_id
            if verb.headers:
                tr["headers"] = dict(verb.headers)
            if verb.terminator:
                tr["choices"] = {"terminator": verb.terminator}
            if verb.ring_audio:
                tr["on"] = {"event": "ring", "say": {"value": verb.ring_audio}}
            if verb.record:
                self.note("transfer(record=True) has no WebAPI field; use startRecording")
            return [{"transfer": tr}]
        if isinstance(verb, V.Conference):
            conf: dict[str, Any] = {"id": verb.id, "name": "conference", "mute": verb.mute,
                                    "playTones": verb.play_tones}  # fmt: skip
            if verb.terminator:
                conf["terminator"] = verb.terminator
            for key, value in (("joinPrompt", verb.join_prompt),
                               ("leavePrompt", verb.leave_prompt)):  # fmt: skip
                if value:
                    conf[key] = True if value == "beep" else {"value": value}
            return [{"conference": conf}]
        if isinstance(verb, V.Message):
            msg: dict[str, Any] = {"say": {"value": verb.text}, "to": verb.to,
                                   "network": verb.network, "channel": verb.channel}  # fmt: skip
            if verb.from_:
                msg["from"] = verb.from_
            if verb.media:
                self.note("message(media=...) has no WebAPI field: Tropo's message sent text")
            return [{"message": msg}]
        if isinstance(verb, V.Wait):
            return [{"wait": {"milliseconds": round(verb.seconds * 1000)}}]
        if isinstance(verb, V.Hangup):
            return [{"hangup": {}}]
        if isinstance(verb, V.Reject):
            if verb.reason == "busy":
                self.note("reject(reason='busy') is a plain reject in WebAPI JSON")
            return [{"reject": {}}]
        if isinstance(verb, V.Redirect):
            return [{"redirect": {"to": verb.to}}]
        if isinstance(verb, V.Answer):
            return [{"answer": {}}]
        if isinstance(verb, V.StartRecording):
            return [{"startRecording": {"format": verb.format}}]
        if isinstance(verb, V.StopRecording):
            return [{"stopRecording": {}}]
        if isinstance(verb, V.Log):
            self.note("log() has no WebAPI verb: a WebAPI app logs on its own server")
            return None
        if isinstance(verb, V.Dial):
            raise ConfigurationError(
                "call() places a new call; export a flow that answers a call (a WebAPI "
                "session's outbound call is the session API's job: start_session)"
            )
        raise ConfigurationError(f"{type(verb).__name__} has no Tropo WebAPI form")

    def outcome(self, verb: Any, result: dict[str, Any]) -> Any:
        """The outcome `verb` would have had on the simulator, from Tropo's result JSON."""
        actions = result.get("actions") or {}
        action = (actions[0] if actions else {}) if isinstance(actions, list) else actions
        hung = result.get("state") == "DISCONNECTED" or action.get("disposition") == "HANGUP"
        if isinstance(verb, V.Ask):
            disposition = action.get("disposition")
            if disposition in ("SUCCESS", "NOMATCH"):
                heard = str(action.get("utterance") or action.get("value") or "")
                keyed = bool(heard) and all(c in DTMF_KEYS for c in heard)
                return V.AskOutcome(
                    "input", "dtmf" if keyed else "speech",
                    text="" if keyed else heard, digits=heard if keyed else "",
                    confidence=float(action.get("confidence", 100)) / 100.0,
                )  # fmt: skip
            return V.AskOutcome("hangup" if hung else "noinput")
        if isinstance(verb, V.Record):
            url = action.get("value")
            rec = SimpleNamespace(url=url, transcription=action.get("transcription"),
                                  reason="")  # fmt: skip
            if action.get("disposition") == "SUCCESS":
                return V.RecordOutcome("record", rec)
            return V.RecordOutcome("hangup" if hung else "timeout", rec if url else None)
        if isinstance(verb, V.Transfer):
            kind = {"SUCCESS": "answered", "TIMEOUT": "no-answer", "BUSY": "busy",
                    "HANGUP": "hangup"}.get(action.get("disposition", ""), "failed")  # fmt: skip
            return V.DialOutcome(kind, None, float(action.get("duration") or 0))
        if isinstance(verb, V.Conference | V.Say | V.Wait | V.Answer):
            return V.Done(hangup=hung)
        return V.Done()


def _immediate(verb: Any) -> Any:
    return V.Done()


def _say(say: V.Say) -> dict[str, Any]:
    out: dict[str, Any] = {"value": say.text}
    if say.voice:
        out["voice"] = say.voice
    if say.say_as:
        out["as"] = say.say_as
    return out


def flow_webapi(
    source: Any, number: str | None = None, *, caller: str = "", seed: int = 0
) -> WebApiSteps:
    """Show a flow (or the Tropo script or flow answering `number` on a Carrier) as the
    Tropo WebAPI documents of one call by `caller` (a caller script; default silent)."""

    flow, number = flow_of(source, number, "Tropo WebAPI")
    with scratch_carrier(seed) as sim:
        app_ = _Continuation(flow)
        sim.app(number, tropo_webapi=app_, timeout=300.0)
        cloud = tropo_cloud(sim)
        # it drives the flow itself (greenlets), so it answers on the network's own thread,
        # with no webhook deadline: an interpreter starting on a busy machine is not an error
        cloud.web.mount(cloud.origin_for(sim.normalize(number)), site(app_)[0], "wsgi",
                        same_thread=True)  # fmt: skip
        result = sim.call(number, caller=caller)
        session = app_.host.session
        if session is not None and not session.finished:  # the caller hung up: Tropo's
            app_.host.details["state"] = "DISCONNECTED"  # answer to that result is unused
            session.stop("the call ended")
    if app_.failure is not None:
        raise app_.failure
    docs = [s.document for s in app_.steps]
    return WebApiSteps(number, caller, app_.steps, app_.notes, result, docs)
