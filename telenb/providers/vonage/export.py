"""A flow as Vonage NCCOs, step by step: `flow_ncco(source, number, caller=...)`.

The flow runs behind a small continuation app on the simulated web.  Prompts, waits and
background recordings are gathered into one NCCO until the flow needs an answer: an
``input`` (whose event answers with the next NCCO), or a ``record``, ``connect`` or
``conversation`` followed by a ``notify`` that brings the flow back.  The simulator's NCCO
interpreter plays Vonage, so every NCCO shown has run for the simulated caller.  `notes`
name what an NCCO cannot say; `CAPABILITIES` is the whole table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ...errors import ConfigurationError
from ...flow import verbs as V
from ...flow.api import Call
from ...sim.carrier import Carrier
from ..export.host import Continuation, flow_of, scratch_carrier
from ..webhooks.json_apps import JsonSite
from .application import vonage_application

CAPABILITIES = (
    ("per-attempt ask handlers", "each attempt is its own input; the app runs the handlers"),
    ("speech grammars", "choices go as speech.context hints; the flow matches the text"),
    ("minimum confidence", "the flow compares the confidence Vonage reports"),
    ("interdigit timeout", "dtmf.timeOut is one timeout (at most 10 s)"),
    ("terminator other than #", "only submitOnHash exists; other keys are dropped"),
    ("voices by name", "talk takes language and style; the default voice speaks"),
    ("say_as", "spoken as plain text"),
    ("record after a silent timeout", "record has no start timeout; endOnSilence 3-10 s"),
    ("transcription", "not requested"),
    ("transfer to several numbers", "connect takes one endpoint: they are tried in turn"),
    ("conference exit key, tones, prompts", "conversation has none; dropped"),
    ("stop_recording()", "no NCCO action: the recording runs to the end of the call"),
    ("reject()", "no NCCO action: the call is answered and ended"),
    ("redirect(url)", "a notify to url, whose NCCO replaces the current one"),
    ("log()", "stays on the app's own server"),
    ("message()", "sent through the Messages API (SMS), not an NCCO"),
)


@dataclass
class NccoStep:
    path: str
    request: dict[str, Any]
    ncco: list[dict[str, Any]]


@dataclass
class NccoSteps:
    number: str
    caller: str
    steps: list[NccoStep]
    notes: list[str]
    origin: str
    result: Any = None

    @property
    def documents(self) -> list[list[dict[str, Any]]]:
        return [s.ncco for s in self.steps]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, i: int) -> NccoStep:
        return self.steps[i]

    def replay(self) -> Callable[[Any], Any]:
        """An NCCO app answering each webhook path with its document (others: 204)."""
        table = {s.path: s.ncco for s in self.steps}
        if self.steps:
            table["/"] = self.steps[0].ncco  # the front door's default answer path

        def app(request: Any) -> Any:
            return table.get(request.path)

        return app

    def __repr__(self) -> str:
        who = repr(self.caller) if self.caller else "silent"
        lines = [f"NCCO for {self.number} (caller: {who}), {len(self.steps)} step(s)"]
        for n, step in enumerate(self.steps, 1):
            lines.append(f"{n:2d}. {step.path}")
            lines.append("      " + json.dumps(step.ncco, sort_keys=True))
        if self.notes:
            lines.append("Notes - what an NCCO cannot say exactly:")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, float(value)))


def _digits(number: str) -> str:
    return number[1:] if number.startswith("+") else number


class _Continuation(Continuation):
    """The NCCO app that runs `flow`: one NCCO per step."""

    def __init__(self, flow: Callable[[Call], Any], origin: str, carrier: Carrier):
        super().__init__(flow)
        self.origin, self.carrier = origin, carrier
        self.steps: list[NccoStep] = []
        self.events: dict[str, list[dict[str, Any]]] = {}

    def url(self, kind: str) -> list[str]:
        return [f"{self.origin}/{kind}/{self.n}"]

    def __call__(self, request: Any) -> Any:
        path, data = request.path, dict(request)
        if path == "/answer":
            self.host.details.update(to="+" + str(data.get("to", "")),
                                     **{"from": "+" + str(data.get("from", ""))})  # fmt: skip
            doc = self.document(self.session.start())
        elif path.startswith("/step/"):
            doc = self.document(self.session.send(self.outcome(self.pending, path, data)))
        elif path == "/event":
            if data.get("status") == "completed":
                self.hung_up()
            return None
        else:  # record and connect events: kept for the step's outcome
            self.events.setdefault(path.split("/")[-1], []).append(data)
            return None
        self.steps.append(NccoStep(path, data, doc))
        return doc

    def talk(self, say: V.Say, bargein: bool = False) -> dict[str, Any]:
        if say.is_audio:
            out: dict[str, Any] = {"action": "stream", "streamUrl": [say.text]}
        else:
            out = {"action": "talk", "text": say.text}
            if say.language:
                out["language"] = say.language
        if say.loop != 1:
            out["loop"] = say.loop
        if bargein:
            out["bargeIn"] = True
        if say.voice:
            self.note(f"voice {say.voice!r}: talk has language and style, not voice names; "
                      "the default voice speaks")  # fmt: skip
        if say.say_as:
            self.note(f"say_as={say.say_as!r}: spoken as plain text")
        return out

    def notify(self) -> dict[str, Any]:
        return {"action": "notify", "payload": {"step": self.n}, "eventUrl": self.url("step")}

    def translate(self, verb: Any) -> tuple[list[dict[str, Any]], bool]:
        """NCCO actions for `verb`, and whether the flow waits for their answer."""
        if isinstance(verb, V.Say):
            return [self.talk(verb)], False
        if isinstance(verb, V.Wait):
            return ([{"action": "wait", "timeout": _clamp(verb.seconds, 0.1, 7200)}]
                    if verb.seconds > 0 else []), False  # fmt: skip
        if isinstance(verb, V.Ask):
            return self.ask(verb), True
        if isinstance(verb, V.Record):
            rec: dict[str, Any] = {
                "action": "record", "endOnSilence": _clamp(verb.silence_timeout, 3, 10),
                "timeOut": _clamp(verb.max_time, 3, 7200), "beepStart": verb.beep,
                "format": "mp3" if "mp3" in verb.format else "wav",
                "eventUrl": self.url("record"),
            }  # fmt: skip
            if verb.terminator:
                rec["endOnKey"] = verb.terminator[0]
            if verb.transcribe:
                self.note("record(transcribe=True): no transcription is requested")
            prompt = [self.talk(verb.prompt)] if verb.prompt is not None else []
            return [*prompt, rec, self.notify()], True
        if isinstance(verb, V.Transfer):
            target = verb.to[0]
            if len(verb.to) > 1:
                self.note("transfer to several numbers: connect takes one endpoint; the "
                          "export rings the first")  # fmt: skip
            endpoint = ({"type": "sip", "uri": target} if target.startswith("sip")
                        else {"type": "phone", "number": _digits(target)})  # fmt: skip
            con: dict[str, Any] = {"action": "connect", "endpoint": [endpoint],
                                   "timeout": _clamp(verb.timeout, 1, 120),
                                   "eventUrl": self.url("connect")}  # fmt: skip
            if verb.caller_id:
                con["from"] = _digits(verb.caller_id)
            return [con, self.notify()], True
        if isinstance(verb, V.Conference):
            conv: dict[str, Any] = {"action": "conversation", "name": verb.id}
            if verb.mute:
                conv["mute"] = True
            if verb.terminator or verb.play_tones or verb.join_prompt or verb.leave_prompt:
                self.note("conference(terminator, play_tones, join/leave prompts): "
                          "conversation has none; dropped")  # fmt: skip
            return [conv, self.notify()], True
        if isinstance(verb, V.Message):
            self.note("message() is sent through the Messages API (SMS), not an NCCO")
            self.carrier.send_message(verb.text, to=verb.to,
                                      from_=verb.from_ or self.host.details.get("to"))  # fmt: skip
            return [], False
        if isinstance(verb, V.Hangup):
            return [], False
        if isinstance(verb, V.Reject):
            self.note("reject(): no NCCO action; the call is answered and ended")
            return [], False
        if isinstance(verb, V.Redirect):
            return [{"action": "notify", "payload": {}, "eventUrl": [verb.to]}], False
        if isinstance(verb, V.StartRecording):
            return [{"action": "record", "eventUrl": self.url("record")}], False
        if isinstance(verb, V.StopRecording):
            self.note("stop_recording(): no NCCO action; the recording runs to the end")
            return [], False
        if isinstance(verb, V.Log):
            self.note("log() has no NCCO action: the app logs on its own server")
            return [], False
        if isinstance(verb, V.Answer):
            return [], False
        raise ConfigurationError(f"{type(verb).__name__} has no NCCO form")

    def ask(self, verb: V.Ask) -> list[dict[str, Any]]:
        types = {"dtmf": ["dtmf"], "speech": ["speech"]}.get(verb.mode, ["dtmf", "speech"])
        action: dict[str, Any] = {"action": "input", "type": types,
                                  "eventUrl": self.url("step")}  # fmt: skip
        if "dtmf" in types:
            dtmf: dict[str, Any] = {"timeOut": _clamp(verb.timeout, 0, 10)}
            if verb.timeout > 10:
                self.note(f"ask(timeout={verb.timeout:g}): dtmf.timeOut is at most 10 s")
            most = verb.grammar.max_digits
            if most:
                dtmf["maxDigits"] = int(_clamp(most, 1, 20))
            if verb.terminator == "#":
                dtmf["submitOnHash"] = True
            elif verb.terminator:
                self.note(f"ask(terminator={verb.terminator!r}): only # can submit input")
            action["dtmf"] = dtmf
        if "speech" in types:
            speech: dict[str, Any] = {"startTimeout": _clamp(verb.timeout, 1, 60)}
            phrases = verb.grammar.phrases()
            if phrases:
                speech["context"] = phrases
                self.note("spoken choices go as speech.context hints; Vonage returns free "
                          "text that the flow matches against the choices")  # fmt: skip
            if verb.speech_timeout:
                speech["endOnSilence"] = _clamp(verb.speech_timeout, 0.4, 10)
            if verb.recognizer:
                speech["language"] = verb.recognizer
            action["speech"] = speech
        if verb.min_confidence > 0:
            self.note(f"ask(min_confidence={verb.min_confidence:g}): input has no minimum "
                      "confidence; the flow compares the one Vonage reports")  # fmt: skip
        if verb.attempts > 1:
            self.note("ask() attempts run one input each, so the flow's handlers fire per "
                      "attempt in the app")  # fmt: skip
        prompt = [self.talk(verb.prompt, verb.bargein)] if verb.prompt is not None else []
        return [*prompt, action]

    def outcome(self, verb: Any, path: str, data: dict[str, Any]) -> Any:
        """The outcome `verb` would have had, from Vonage's event."""
        step = path.split("/")[-1]
        if isinstance(verb, V.Ask):
            dtmf, speech = data.get("dtmf") or {}, data.get("speech") or {}
            if dtmf.get("digits"):
                return V.AskOutcome("input", "dtmf", digits=str(dtmf["digits"]))
            results = speech.get("results") or []
            if results:
                best = results[0]
                return V.AskOutcome("input", "speech", text=str(best.get("text", "")),
                                    confidence=float(best.get("confidence", 1)))  # fmt: skip
            return V.AskOutcome("noinput")
        if isinstance(verb, V.Record):
            recs = self.events.get(step) or []
            if recs:
                rec = SimpleNamespace(url=recs[-1].get("recording_url"), transcription=None)
                return V.RecordOutcome("record", rec)
            return V.RecordOutcome("timeout")
        if isinstance(verb, V.Transfer):
            statuses = [e.get("status") for e in self.events.get(step) or []]
            done = [e for e in self.events.get(step) or [] if e.get("status") == "completed"]
            duration = float(done[-1].get("duration") or 0) if done else 0.0
            for status, kind in (("answered", "answered"), ("busy", "busy"),
                                 ("timeout", "no-answer"), ("cancelled", "canceled")):  # fmt: skip
                if status in statuses:
                    return V.DialOutcome(kind, None, duration)
            return V.DialOutcome("failed")
        return V.Done()


def flow_ncco(
    source: Any, number: str | None = None, *, caller: str = "", seed: int = 0
) -> NccoSteps:
    """Show a flow (or the flow answering `number` on a Carrier) as the NCCOs of one call by
    `caller` (a caller script; default silent)."""
    flow, number = flow_of(source, number, "NCCO")
    with scratch_carrier(seed) as sim:
        origin = vonage_application(sim).origin_for(sim.normalize(number))
        app_ = _Continuation(flow, origin, sim)
        sim.app(number, ncco=app_, url="/answer", event_url="/event")
        # it drives the flow itself (a greenlet, bound to one thread), so it answers on the
        # network's own thread: on a webhook worker, two idle workers could split its steps
        vonage_application(sim).web.mount(origin, JsonSite(app_), "callable", same_thread=True)
        result = sim.call(number, caller=caller)
    return NccoSteps(number, caller, app_.steps, app_.notes, origin, result)
