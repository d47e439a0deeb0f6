"""A flow as Plivo XML, step by step: `flow_plivo(source, number, caller=...)`.

The flow runs behind a small continuation app on the simulated web.  Prompts and waits
gather into one ``<Response>`` until the flow needs an answer: a ``<GetInput>``, ``<Record>``
or ``<Dial>`` whose ``action`` brings back what happened, followed by a ``<Redirect>`` to
the same step, because Plivo runs the next verb when a GetInput hears nothing or a Record
records nothing.  The simulator's Plivo interpreter plays Plivo, so every document shown has
run for the simulated caller; `notes` name what Plivo XML cannot say
(`telenb.providers.export.tables.PLIVO` is the whole table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ...errors import ConfigurationError
from ...flow import verbs as V
from ...sim.carrier import Carrier
from ..export.host import Continuation, flow_of, scratch_carrier
from .application import plivo_application
from .sim.app import XmlSite

RECORD_TIMEOUT = 30.0  # call.record()'s default start timeout
DIAL_STATUS = {"completed": "answered", "busy": "busy", "no-answer": "no-answer",
               "cancel": "canceled"}  # fmt: skip


def _tag(name: str, text: str = "", **attrs: Any) -> str:
    shown = "".join(
        f" {k}={quoteattr(str(v).lower() if isinstance(v, bool) else str(v))}"
        for k, v in attrs.items()
        if v is not None
    )
    return f"<{name}{shown}>{text}</{name}>" if text else f"<{name}{shown}/>"


def _seconds(value: float) -> int:
    return max(1, round(value))


@dataclass
class PlivoStep:
    path: str
    request: dict[str, str]
    xml: str


@dataclass
class PlivoSteps:
    number: str
    caller: str
    steps: list[PlivoStep]
    notes: list[str]
    result: Any = None

    @property
    def documents(self) -> list[str]:
        return [s.xml for s in self.steps]

    def __len__(self) -> int:
        return len(self.steps)

    def replay(self) -> dict[str, str]:
        """A Plivo app (paths to documents) answering with these documents."""
        table = {s.path: s.xml for s in self.steps[1:]}
        return {"/": self.steps[0].xml, **table} if self.steps else {}

    def __repr__(self) -> str:
        who = repr(self.caller) if self.caller else "silent"
        lines = [f"Plivo XML for {self.number} (caller: {who}), {len(self.steps)} step(s)"]
        for n, step in enumerate(self.steps, 1):
            lines.append(f"{n:2d}. POST {step.path}")
            lines.append("      " + step.xml)
        if self.notes:
            lines.append("Notes - what Plivo XML cannot say exactly:")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)


class _Continuation(Continuation):
    """The Plivo XML app that runs `flow`: one document per step."""

    def __init__(self, flow: Callable[..., Any], carrier: Carrier):
        super().__init__(flow)
        self.carrier = carrier
        self.steps: list[PlivoStep] = []

    def __call__(self, request: Any) -> str | None:
        path, data = request.path, {k: str(v) for k, v in dict(request).items()}
        if path == "/hangup":
            self.hung_up()
            return None
        if path == "/answer":
            self.host.details.update(sid=data.get("CallUUID"), to="+" + data.get("To", ""),
                                     **{"from": "+" + data.get("From", "")})  # fmt: skip
            verb = self.session.start()
        else:
            verb = self.session.send(self.outcome(self.pending, data))
        xml = "<Response>" + "".join(self.document(verb)) + "</Response>"
        self.steps.append(PlivoStep(path, data, xml))
        return xml

    def step(self) -> str:
        return f"/step/{self.n}"

    def speak(self, say: V.Say) -> str:
        if say.is_audio:
            return _tag("Play", escape(say.text), loop=say.loop if say.loop != 1 else None)
        voice = None
        if say.voice:
            if say.voice.upper() in ("WOMAN", "MAN") or say.voice.startswith("Polly."):
                voice = say.voice
            else:
                self.note(f"voice {say.voice!r}: Plivo speaks WOMAN, MAN or Polly.* voices; "
                          "the default voice speaks")  # fmt: skip
        if say.say_as:
            self.note(f"say_as={say.say_as!r}: spoken as plain text")
        return _tag("Speak", escape(say.text), voice=voice, language=say.language,
                    loop=say.loop if say.loop != 1 else None)  # fmt: skip

    def translate(self, verb: Any) -> tuple[list[str], bool]:
        back = _tag("Redirect", self.step())  # Plivo goes on here when nothing came back
        if isinstance(verb, V.Say):
            return [self.speak(verb)], False
        if isinstance(verb, V.Wait):
            if verb.seconds <= 0:
                return [], False
            if verb.seconds != round(verb.seconds):
                self.note(f"wait({verb.seconds:g}): <Wait length> takes whole seconds")
            return [_tag("Wait", length=_seconds(verb.seconds))], False
        if isinstance(verb, V.Ask):
            return [self.get_input(verb), back], True
        if isinstance(verb, V.Record):
            if verb.transcribe:
                self.note("record(transcribe=True): telenb asks no transcription of Plivo")
            if verb.timeout != RECORD_TIMEOUT:
                self.note("record(timeout=...): <Record> has no start timeout; its timeout "
                          "is the silence that ends it")  # fmt: skip
            prompt = [self.speak(verb.prompt)] if verb.prompt is not None else []
            rec = _tag("Record", action=self.step(), method="POST",
                       maxLength=_seconds(verb.max_time),
                       timeout=_seconds(verb.silence_timeout), playBeep=verb.beep,
                       finishOnKey=verb.terminator or "",
                       fileFormat="mp3" if "mp3" in verb.format else "wav")  # fmt: skip
            return [*prompt, rec, back], True
        if isinstance(verb, V.Transfer):
            if len(verb.to) > 1:
                self.note("transfer to several numbers: <Dial> rings its <Number>s at once")
            nouns = "".join(
                _tag("User", escape(t)) if t.startswith("sip:")
                else _tag("Number", escape(t.lstrip("+")))
                for t in verb.to
            )  # fmt: skip
            caller_id = verb.caller_id.lstrip("+") if verb.caller_id else None
            dial = _tag("Dial", nouns, action=self.step(), method="POST",
                        timeout=_seconds(verb.timeout), callerId=caller_id)  # fmt: skip
            return [dial, back], True
        if isinstance(verb, V.Conference):
            if verb.terminator or verb.play_tones or verb.join_prompt or verb.leave_prompt:
                self.note("conference(terminator, play_tones, join/leave prompts): "
                          "telenb writes none of them for Plivo; dropped")  # fmt: skip
            return [_tag("Conference", escape(verb.id), muted=verb.mute or None), back], True
        if isinstance(verb, V.Message):
            self.note("message() is sent through the Message API (SMS), not Plivo XML")
            self.carrier.send_message(verb.text, to=verb.to,
                                      from_=verb.from_ or self.host.details.get("to"))  # fmt: skip
            return [], False
        if isinstance(verb, V.Hangup):
            return [_tag("Hangup")], False
        if isinstance(verb, V.Reject):
            return [_tag("Hangup", reason="busy" if verb.reason == "busy" else "rejected")], False
        if isinstance(verb, V.Redirect):
            return [_tag("Redirect", escape(verb.to))], False
        if isinstance(verb, V.StartRecording | V.StopRecording):
            self.note(f"{type(verb).__name__}: Plivo records a call with the Record API, "
                      "not Plivo XML; not exported")  # fmt: skip
            return [], False
        if isinstance(verb, V.Log):
            self.note("log() has no Plivo XML verb: the app logs on its own server")
            return [], False
        if isinstance(verb, V.Answer):
            return [], False
        raise ConfigurationError(f"{type(verb).__name__} has no Plivo XML form")

    def get_input(self, verb: V.Ask) -> str:
        kind = {"dtmf": "dtmf", "speech": "speech"}.get(verb.mode, "dtmf speech")
        hints = ", ".join(verb.grammar.phrases()) if "speech" in kind else ""
        if hints:
            self.note("spoken choices go as hints; Plivo returns free text that the flow "
                      "matches against the choices")  # fmt: skip
        if verb.min_confidence > 0:
            self.note(f"ask(min_confidence={verb.min_confidence:g}): GetInput has no minimum "
                      "confidence; the flow compares the SpeechConfidenceScore")  # fmt: skip
        if not verb.bargein:
            self.note("ask(bargein=False): GetInput always listens while its prompt plays")
        if verb.attempts > 1:
            self.note("ask() attempts run one GetInput each, so the flow's handlers fire "
                      "per attempt in the app")  # fmt: skip
        prompt = self.speak(verb.prompt) if verb.prompt is not None else ""
        most = verb.grammar.max_digits
        return _tag("GetInput", prompt, action=self.step(), method="POST", inputType=kind,
                    digitEndTimeout=_seconds(verb.timeout),
                    executionTimeout=_seconds(verb.timeout) if "speech" in kind else None,
                    speechEndTimeout=verb.speech_timeout, numDigits=most or None,
                    finishOnKey=verb.terminator or "", hints=hints or None,
                    language=verb.recognizer, redirect=True)  # fmt: skip

    def outcome(self, verb: Any, data: dict[str, str]) -> Any:
        """The outcome `verb` would have had, from Plivo's request."""
        if isinstance(verb, V.Ask):
            if data.get("Digits"):
                return V.AskOutcome("input", "dtmf", digits=data["Digits"])
            if data.get("Speech"):
                score = float(data.get("SpeechConfidenceScore") or 1)
                return V.AskOutcome("input", "speech", text=data["Speech"], confidence=score)
            return V.AskOutcome("noinput")
        if isinstance(verb, V.Record):
            if data.get("RecordUrl"):
                length = float(data.get("RecordingDuration") or 0)
                rec = SimpleNamespace(url=data["RecordUrl"], transcription=None, duration=length)
                return V.RecordOutcome("record", rec)
            return V.RecordOutcome("timeout")
        if isinstance(verb, V.Transfer):
            status = data.get("DialStatus")
            if status is None:
                return V.DialOutcome("failed")
            return V.DialOutcome(DIAL_STATUS.get(status, "failed"), data.get("DialBLegUUID"))
        return V.Done()


def flow_plivo(
    source: Any, number: str | None = None, *, caller: str = "", seed: int = 0
) -> PlivoSteps:
    """Show a flow (or the flow answering `number` on a Carrier) as the Plivo XML of one call
    by `caller` (a caller script; default silent)."""
    flow, number = flow_of(source, number, "Plivo XML")
    with scratch_carrier(seed) as sim:
        papp = plivo_application(sim)
        origin = papp.origin_for(sim.normalize(number))
        app_ = _Continuation(flow, sim)
        sim.app(number, plivo=f"{origin}/answer", hangup_url="/hangup")
        # it drives the flow's greenlet, which belongs to one thread: the network's own
        papp.web.mount(origin, XmlSite(app_), "callable", same_thread=True)
        result = sim.call(number, caller=caller)
    return PlivoSteps(number, caller, app_.steps, app_.notes, result)
