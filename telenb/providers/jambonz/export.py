"""A flow as jambonz verb arrays, step by step: `flow_jambonz(source, number, caller=...)`.

The flow runs behind a small continuation app on the simulated web.  Prompts and pauses
gather into one array of verbs until the flow needs an answer: a ``gather`` or ``dial`` (or
``conference``) whose ``actionHook`` brings back what happened (jambonz calls a gather's
hook on a timeout too, with ``reason: timeout``), and whose answer replaces the rest of the
application.  The call_status_hook hears the call end.  The simulator's jambonz interpreter
plays jambonz, so every array shown has run for the simulated caller; `notes` name what the
verbs cannot say (`telenb.providers.export.tables.JAMBONZ` is the whole table).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ...errors import ConfigurationError
from ...flow import verbs as V
from ...sim.carrier import Carrier
from ..export.host import Continuation, flow_of, scratch_carrier
from ..webhooks.json_apps import JsonSite
from .application import jambonz_application

DIAL_STATUS = {"completed": "answered", "busy": "busy", "no-answer": "no-answer",
               "failed": "failed"}  # fmt: skip


@dataclass
class JambonzStep:
    path: str
    request: dict[str, Any]
    verbs: list[dict[str, Any]]


@dataclass
class JambonzSteps:
    number: str
    caller: str
    steps: list[JambonzStep]
    notes: list[str]
    result: Any = None

    @property
    def documents(self) -> list[list[dict[str, Any]]]:
        return [s.verbs for s in self.steps]

    def __len__(self) -> int:
        return len(self.steps)

    def replay(self) -> dict[str, list[dict[str, Any]]]:
        """A jambonz app (paths to verb arrays) answering with these arrays."""
        table = {s.path: s.verbs for s in self.steps[1:]}
        return {"/": self.steps[0].verbs, **table} if self.steps else {}

    def __repr__(self) -> str:
        who = repr(self.caller) if self.caller else "silent"
        lines = [f"jambonz for {self.number} (caller: {who}), {len(self.steps)} step(s)"]
        for n, step in enumerate(self.steps, 1):
            lines.append(f"{n:2d}. POST {step.path}")
            lines.append("      " + json.dumps(step.verbs, sort_keys=True))
        if self.notes:
            lines.append("Notes - what jambonz verbs cannot say exactly:")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


class _Continuation(Continuation):
    """The jambonz app that runs `flow`: one verb array per step."""

    def __init__(self, flow: Callable[..., Any], carrier: Carrier):
        super().__init__(flow)
        self.carrier = carrier
        self.steps: list[JambonzStep] = []

    def __call__(self, request: Any) -> Any:
        path, data = request.path, dict(request)
        if path == "/status":  # the dialled legs' statuses come here too (parent_call_sid)
            ours = data.get("call_sid") == self.host.details.get("sid")
            if ours and data.get("call_status") in ("completed", "failed", "busy", "no-answer"):
                self.hung_up()
            return None
        if path == "/call":
            self.host.details.update(sid=data.get("call_sid"), to=data.get("to"),
                                     **{"from": data.get("from")})  # fmt: skip
            verb = self.session.start()
        else:
            verb = self.session.send(self.outcome(self.pending, data))
        verbs = self.document(verb)
        self.steps.append(JambonzStep(path, data, verbs))
        return verbs

    def step(self) -> str:
        return f"/step/{self.n}"

    def say(self, say: V.Say) -> dict[str, Any]:
        if say.is_audio:
            out: dict[str, Any] = {"verb": "play", "url": say.text}
        else:
            out = {"verb": "say", "text": say.text}
            synth = {k: v for k, v in (("voice", say.voice), ("language", say.language)) if v}
            if synth:
                out["synthesizer"] = synth
            if say.voice:
                self.note(f"voice {say.voice!r} goes as synthesizer.voice: a name of the "
                          "synthesizer vendor's, which jambonz does not translate")  # fmt: skip
        if say.say_as:
            self.note(f"say_as={say.say_as!r}: spoken as plain text")
        if say.loop != 1:
            out["loop"] = say.loop
        return out

    def nested(self, say: V.Say | None) -> dict[str, Any]:
        """A prompt nested in a gather (the say or play object, without ``verb``)."""
        if say is None:
            return {}
        prompt = self.say(say)
        kind = prompt.pop("verb")
        return {kind: prompt}

    def translate(self, verb: Any) -> tuple[list[dict[str, Any]], bool]:
        if isinstance(verb, V.Say):
            return [self.say(verb)], False
        if isinstance(verb, V.Wait):
            return ([{"verb": "pause", "length": verb.seconds}] if verb.seconds > 0 else []), False
        if isinstance(verb, V.Ask):
            return [self.gather(verb)], True
        if isinstance(verb, V.Record):
            self.note("record(): jambonz has no record verb (it records with SIPREC or a "
                      "listen websocket); the export gathers the caller's speech instead, so "
                      "the flow gets a transcript and no audio")  # fmt: skip
            gather: dict[str, Any] = {"verb": "gather", "input": ["speech"],
                                      "actionHook": self.step(), "timeout": verb.timeout,
                                      "speechTimeout": verb.silence_timeout,
                                      **self.nested(verb.prompt)}  # fmt: skip
            return [gather], True
        if isinstance(verb, V.Transfer):
            if len(verb.to) > 1:
                self.note("transfer to several numbers: dial rings its targets at once")
            targets = [{"type": "sip", "sipUri": t} if t.startswith("sip:")
                       else {"type": "phone", "number": t} for t in verb.to]  # fmt: skip
            dial: dict[str, Any] = {"verb": "dial", "target": targets,
                                    "actionHook": self.step(), "timeout": verb.timeout}  # fmt: skip
            if verb.caller_id:
                dial["callerId"] = verb.caller_id
            if verb.headers:
                dial["headers"] = dict(verb.headers)
            return [dial], True
        if isinstance(verb, V.Conference):
            if verb.terminator or verb.play_tones or verb.join_prompt or verb.leave_prompt:
                self.note("conference(terminator, play_tones, join/leave prompts): the "
                          "conference verb has none; dropped")  # fmt: skip
            conf: dict[str, Any] = {"verb": "conference", "name": verb.id,
                                    "actionHook": self.step()}  # fmt: skip
            if verb.mute:
                conf["joinMuted"] = True
            return [conf], True
        if isinstance(verb, V.Message):
            self.note("message() is sent through jambonz's REST API (SMS), not a call verb")
            self.carrier.send_message(verb.text, to=verb.to,
                                      from_=verb.from_ or self.host.details.get("to"))  # fmt: skip
            return [], False
        if isinstance(verb, V.Hangup):
            return [{"verb": "hangup"}], False
        if isinstance(verb, V.Reject):
            status = 486 if verb.reason == "busy" else 603
            self.note("reject(): sip:decline, which telenb does not simulate (the call ends)")
            return [{"verb": "sip:decline", "status": status}], False
        if isinstance(verb, V.Redirect):
            return [{"verb": "redirect", "actionHook": verb.to}], False
        if isinstance(verb, V.StartRecording | V.StopRecording):
            self.note(f"{type(verb).__name__}: jambonz records with SIPREC (config.record), "
                      "which the export does not write; not exported")  # fmt: skip
            return [], False
        if isinstance(verb, V.Log):
            self.note("log() has no jambonz verb: the app logs on its own server")
            return [], False
        if isinstance(verb, V.Answer):
            return [], False
        raise ConfigurationError(f"{type(verb).__name__} has no jambonz form")

    def gather(self, verb: V.Ask) -> dict[str, Any]:
        inputs = {"dtmf": ["digits"], "speech": ["speech"]}.get(verb.mode, ["digits", "speech"])
        out: dict[str, Any] = {"verb": "gather", "input": inputs, "actionHook": self.step(),
                               "timeout": verb.timeout, "bargein": verb.bargein}  # fmt: skip
        if "digits" in inputs:
            most = verb.grammar.max_digits
            if most:
                out["numDigits"] = most
            out["interDigitTimeout"] = verb.interdigit_timeout
            if verb.terminator:
                out["finishOnKey"] = verb.terminator
        recognizer: dict[str, Any] = {}
        if "speech" in inputs:
            phrases = verb.grammar.phrases()
            if phrases:
                recognizer["hints"] = phrases
                self.note("spoken choices go as recognizer.hints; jambonz returns free text "
                          "that the flow matches against the choices")  # fmt: skip
            if verb.speech_timeout:
                out["speechTimeout"] = verb.speech_timeout
        if verb.recognizer:
            recognizer["language"] = verb.recognizer
        if recognizer:
            out["recognizer"] = recognizer
        if verb.min_confidence > 0:
            self.note(f"ask(min_confidence={verb.min_confidence:g}): gather has no minimum "
                      "confidence; the flow compares the one jambonz reports")  # fmt: skip
        if verb.attempts > 1:
            self.note("ask() attempts run one gather each, so the flow's handlers fire per "
                      "attempt in the app")  # fmt: skip
        return out | self.nested(verb.prompt)

    def outcome(self, verb: Any, data: dict[str, Any]) -> Any:
        """The outcome `verb` would have had, from jambonz's actionHook."""
        reason = data.get("reason")
        speech = ((data.get("speech") or {}).get("alternatives") or [{}])[0]
        if isinstance(verb, V.Ask):
            if reason == "dtmfDetected":
                return V.AskOutcome("input", "dtmf", digits=str(data.get("digits", "")))
            if reason == "speechDetected":
                return V.AskOutcome("input", "speech", text=str(speech.get("transcript", "")),
                                    confidence=float(speech.get("confidence", 1)))  # fmt: skip
            return V.AskOutcome("noinput")
        if isinstance(verb, V.Record):
            if reason == "speechDetected":
                rec = SimpleNamespace(url=None, transcription=speech.get("transcript"),
                                      duration=0.0)  # fmt: skip
                return V.RecordOutcome("record", rec)
            return V.RecordOutcome("timeout")
        if isinstance(verb, V.Transfer):
            status = data.get("dial_call_status", "failed")
            return V.DialOutcome(DIAL_STATUS.get(status, "failed"), data.get("dial_call_sid"))
        return V.Done()


def flow_jambonz(
    source: Any, number: str | None = None, *, caller: str = "", seed: int = 0
) -> JambonzSteps:
    """Show a flow (or the flow answering `number` on a Carrier) as the jambonz verb arrays
    of one call by `caller` (a caller script; default silent)."""
    flow, number = flow_of(source, number, "jambonz")
    with scratch_carrier(seed) as sim:
        japp = jambonz_application(sim)
        origin = japp.origin_for(sim.normalize(number))
        app_ = _Continuation(flow, sim)
        sim.app(number, jambonz=f"{origin}/call", status_hook="/status")
        # it drives the flow's greenlet, which belongs to one thread: the network's own
        japp.web.mount(origin, JsonSite(app_), "callable", same_thread=True)
        result = sim.call(number, caller=caller)
    return JambonzSteps(number, caller, app_.steps, app_.notes, result)
