"""The `call` object a flow receives: Tropo's scripting verbs with Python names.

It only builds verbs, hands them to its host (a backend) and turns outcomes into Tropo-shaped
events, firing handlers per attempt as Tropo did.  It never imports a backend.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Protocol

from ..errors import ConfigurationError, UnknownOptionError
from . import verbs as V
from .events import ChoiceInfo, Event, call_handler
from .grammar import DTMF_KEYS, Grammar, parse

Handler = Callable[..., Any] | None
MODES = ("speech", "dtmf", "any")


class FlowHost(Protocol):
    """What a backend gives a flow: carry out verbs, record events, describe the call."""

    def perform(self, verb: Any) -> Any: ...
    def trace(self, kind: str, **data: Any) -> None: ...
    def info(self) -> dict[str, Any]: ...


class Call:
    """The current call, as seen from inside a flow."""

    def __init__(self, host: FlowHost):
        self._host = host

    # -- properties (Tropo: currentCall.callerID, calledID, network, channel, state, isActive) --
    @property
    def sid(self) -> str | None:
        return self._host.info().get("sid")

    @property
    def caller_id(self) -> str | None:
        return self._host.info().get("from")

    @property
    def called_id(self) -> str | None:
        return self._host.info().get("to")

    @property
    def caller_name(self) -> str | None:
        return self._host.info().get("caller_name")

    @property
    def network(self) -> str:
        return self._host.info().get("network", "PSTN")

    @property
    def channel(self) -> str:
        return self._host.info().get("channel", "VOICE")

    @property
    def state(self) -> str:
        """RINGING, ANSWERED or DISCONNECTED (Tropo's call states)."""
        return self._host.info().get("state", "DISCONNECTED")

    @property
    def is_active(self) -> bool:
        return self.state in ("RINGING", "ANSWERED")

    @property
    def headers(self) -> dict[str, str]:
        return dict(self._host.info().get("headers", {}))

    def get_header(self, name: str) -> str | None:
        lower = {k.lower(): v for k, v in self.headers.items()}
        return lower.get(name.lower())

    @property
    def initial_text(self) -> str | None:
        """The first message of a text-channel session (Tropo's initialText)."""
        return self._host.info().get("initial_text")

    def __repr__(self) -> str:
        return f"<Call {self.sid} {self.caller_id} -> {self.called_id} {self.state}>"

    # -- verbs --------------------------------------------------------------------------------
    def answer(self, **unknown: Any) -> Event:
        _reject_unknown("answer", self.answer, unknown)
        out = self._host.perform(V.Answer())
        return Event("hangup" if out.hangup else "answer")

    def say(
        self,
        text: str,
        *,
        voice: str | None = None,
        say_as: str | None = None,
        language: str | None = None,
        loop: int = 1,
        **unknown: Any,
    ) -> Event:
        """Speak `text` (or play it, when it is an audio URL or file, as Tropo did)."""
        _reject_unknown("say", self.say, unknown)
        out = self._host.perform(
            V.Say(_text("say", text), voice, say_as, language, _pos_int("loop", loop))
        )
        return Event("hangup" if out.hangup else "say")

    def ask(
        self,
        prompt: str | None = None,
        *,
        choices: str | Grammar,
        mode: str = "any",
        attempts: int = 1,
        timeout: float = 30.0,
        interdigit_timeout: float = 5.0,
        terminator: str | None = None,
        bargein: bool = True,
        min_confidence: float = 0.3,
        voice: str | None = None,
        say_as: str | None = None,
        recognizer: str | None = None,
        on_choice: Handler = None,
        on_bad_choice: Handler = None,
        on_timeout: Handler = None,
        on_hangup: Handler = None,
        on_error: Handler = None,
        on_event: Handler = None,
        **unknown: Any,
    ) -> Event:
        """Prompt and collect speech or keys, matched against Tropo choices."""
        _reject_unknown("ask", self.ask, unknown)
        grammar = choices if isinstance(choices, Grammar) else parse(choices)
        if grammar.any and self.channel == "VOICE":
            raise ConfigurationError(
                "the [ANY] grammar works only on the text channel (as on Tropo); "
                "list the choices instead"
            )
        if mode not in MODES:
            raise ConfigurationError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        attempts = _pos_int("attempts", attempts)
        timeout = _seconds("timeout", timeout)
        interdigit_timeout = _seconds("interdigit_timeout", interdigit_timeout)
        terminator = _key("terminator", terminator)
        if not 0 <= float(min_confidence) <= 1:
            raise ConfigurationError(
                f"min_confidence must be between 0 and 1, not {min_confidence!r}"
            )
        say = V.Say(_text("ask", prompt), voice, say_as) if prompt else None
        handlers = {
            "choice": on_choice, "badChoice": on_bad_choice, "timeout": on_timeout,
            "hangup": on_hangup, "error": on_error,
        }  # fmt: skip
        event = Event("error")
        for attempt in range(1, attempts + 1):
            verb = V.Ask(
                say,
                grammar,
                mode,
                timeout,
                interdigit_timeout,
                terminator,
                bool(bargein),
                float(min_confidence),
                recognizer,
                attempt,
                attempts,
            )
            out = self._host.perform(verb)
            event = self._interpret(out, grammar, float(min_confidence), attempt)
            self._host.trace(
                "result",
                name=event.name,
                value=event.value,
                attempt=attempt,
                utterance=event.choice.utterance,
                mode=event.choice.mode,
                confidence=event.choice.confidence,
            )
            call_handler(handlers[event.name], event)
            call_handler(on_event, event)
            if event.name in ("choice", "hangup", "error") or not self.is_active:
                break
        return event

    prompt = ask  # Tropo's older name

    def _interpret(
        self, out: V.AskOutcome, grammar: Grammar, min_conf: float, attempt: int
    ) -> Event:
        if out.kind == "hangup":
            return Event("hangup", "", attempt)
        if out.kind == "noinput":
            return Event("timeout", "", attempt)
        if out.kind == "error":
            return Event("error", "", attempt, error=out.text)
        if out.mode == "dtmf":
            match = grammar.match_dtmf(out.digits)
            heard = out.digits
        else:
            match = grammar.match_speech(out.text) if out.text else None
            heard = out.text
        info = ChoiceInfo(
            concept=match.concept if match else None,
            interpretation=match.interpretation if match else heard,
            utterance=heard,
            confidence=out.confidence,
            mode=out.mode,
        )
        if match is None or (out.mode != "dtmf" and out.confidence < min_conf):
            return Event("badChoice", heard, attempt, info)
        return Event("choice", match.value, attempt, info)

    def record(
        self,
        prompt: str | None = None,
        *,
        beep: bool = True,
        max_time: float = 30.0,
        silence_timeout: float = 5.0,
        timeout: float = 30.0,
        terminator: str | None = "#",
        path: str | None = None,
        format: str = "audio/wav",
        transcribe: bool = False,
        attempts: int = 1,
        bargein: bool = True,
        voice: str | None = None,
        on_record: Handler = None,
        on_timeout: Handler = None,
        on_hangup: Handler = None,
        on_error: Handler = None,
        on_event: Handler = None,
        **unknown: Any,
    ) -> Event:
        """Record the caller.  `path` is where the file goes (audio fidelity writes it)."""
        _reject_unknown("record", self.record, unknown)
        say = V.Say(_text("record", prompt), voice) if prompt else None
        handlers = {
            "record": on_record,
            "timeout": on_timeout,
            "hangup": on_hangup,
            "error": on_error,
        }
        event = Event("error")
        for attempt in range(1, _pos_int("attempts", attempts) + 1):
            verb = V.Record(
                say,
                bool(beep),
                _seconds("max_time", max_time),
                _seconds("silence_timeout", silence_timeout),
                _seconds("timeout", timeout),
                _key("terminator", terminator),
                path,
                format,
                bool(transcribe),
                bool(bargein),
                attempt,
            )
            out: V.RecordOutcome = self._host.perform(verb)
            rec = out.recording
            value = getattr(rec, "url", "") if out.kind == "record" else ""
            event = Event(
                out.kind,
                value,
                attempt,
                recording=rec,
                transcription=getattr(rec, "transcription", None),
            )
            call_handler(handlers.get(out.kind), event)
            call_handler(on_event, event)
            if out.kind != "timeout" or not self.is_active:
                break
        return event

    def transfer(
        self,
        to: str | Sequence[str],
        *,
        caller_id: str | None = None,
        timeout: float = 30.0,
        answer_on_media: bool = False,
        ring_audio: str | None = None,
        terminator: str | None = None,
        headers: dict[str, str] | None = None,
        record: bool = False,
        on_success: Handler = None,
        on_timeout: Handler = None,
        on_call_failure: Handler = None,
        on_hangup: Handler = None,
        on_error: Handler = None,
        on_event: Handler = None,
        **unknown: Any,
    ) -> Event:
        """Connect the caller to another number (first of several to answer wins)."""
        _reject_unknown("transfer", self.transfer, unknown)
        verb = V.Transfer(
            _destinations(to),
            caller_id,
            _seconds("timeout", timeout),
            bool(answer_on_media),
            ring_audio,
            _key("terminator", terminator),
            dict(headers or {}),
            bool(record),
        )
        out: V.DialOutcome = self._host.perform(verb)
        name = {
            "answered": "success",
            "no-answer": "timeout",
            "busy": "callFailure",
            "failed": "callFailure",
            "canceled": "canceled",
            "hangup": "hangup",
            "error": "error",
        }[out.kind]
        event = Event(
            name,
            out.sid or "",
            1,
            reason=out.kind,
            duration=out.duration,
            answered_by=out.answered_by,
            ended_by=out.ended_by,
        )
        handler = {
            "success": on_success,
            "timeout": on_timeout,
            "callFailure": on_call_failure,
            "hangup": on_hangup,
            "error": on_error,
        }.get(name)
        call_handler(handler, event)
        call_handler(on_event, event)
        return event

    def call(
        self,
        to: str | Sequence[str],
        *,
        caller_id: str | None = None,
        timeout: float = 30.0,
        answer_on_media: bool = False,
        channel: str = "VOICE",
        network: str = "PSTN",
        headers: dict[str, str] | None = None,
        on_answer: Handler = None,
        on_timeout: Handler = None,
        on_call_failure: Handler = None,
        on_error: Handler = None,
        on_event: Handler = None,
        **unknown: Any,
    ) -> Event:
        """Place an outbound call that becomes this flow's call (Tropo's `call()`)."""
        _reject_unknown("call", self.call, unknown)
        verb = V.Dial(
            _destinations(to),
            caller_id,
            _seconds("timeout", timeout),
            bool(answer_on_media),
            channel.upper(),
            network.upper(),
            dict(headers or {}),
        )
        out: V.DialOutcome = self._host.perform(verb)
        name = {
            "answered": "answer",
            "no-answer": "timeout",
            "busy": "callFailure",
            "failed": "callFailure",
            "canceled": "callFailure",
            "hangup": "hangup",
            "error": "error",
        }[out.kind]
        event = Event(name, self if name == "answer" else "", 1, call=self, reason=out.kind)
        handler = {
            "answer": on_answer,
            "timeout": on_timeout,
            "callFailure": on_call_failure,
            "error": on_error,
        }.get(name)
        call_handler(handler, event)
        call_handler(on_event, event)
        return event

    dial = call

    def conference(
        self,
        id: str,
        *,
        mute: bool = False,
        play_tones: bool = False,
        terminator: str | None = None,
        beep: bool = True,
        on_choice: Handler = None,
        **unknown: Any,
    ) -> Event:
        """Join conference room `id` until the caller leaves (hangs up or keys the terminator)."""
        _reject_unknown("conference", self.conference, unknown)
        if not str(id).strip():
            raise ConfigurationError("conference() needs a room id, such as 'team-standup'")
        out: V.Done = self._host.perform(
            V.Conference(
                str(id), bool(mute), bool(play_tones), _key("terminator", terminator), bool(beep)
            )
        )
        event = Event("hangup" if out.hangup else "conference", str(id), **out.detail)
        if not out.hangup:
            call_handler(on_choice, event)
        return event

    def message(
        self,
        text: str,
        *,
        to: str,
        from_: str | None = None,
        network: str = "SMS",
        channel: str = "TEXT",
        **unknown: Any,
    ) -> Event:
        """Send a text message (does not wait for delivery).  A body SMS cannot carry raises
        `MessageError` here, the same on every backend."""
        if "from" in unknown:
            from_ = unknown.pop("from")
        _reject_unknown("message", self.message, unknown)
        out: V.Done = self._host.perform(
            V.Message(
                _sms_body(text),
                to,
                from_,
                network.upper(),
                channel.upper(),
            )
        )
        return Event("message", out.detail.get("sid", ""), **out.detail)

    def wait(self, seconds: float = 1.0, **unknown: Any) -> Event:
        """Pause the flow (in seconds; Tropo scripts' wait() takes milliseconds)."""
        _reject_unknown("wait", self.wait, unknown)
        out = self._host.perform(V.Wait(_seconds("seconds", seconds, allow_zero=True)))
        return Event("hangup" if out.hangup else "wait")

    def hangup(self, **unknown: Any) -> Event:
        _reject_unknown("hangup", self.hangup, unknown)
        self._host.perform(V.Hangup())
        return Event("hangup")

    def reject(self, reason: str = "rejected", **unknown: Any) -> Event:
        """Refuse an unanswered call (busy signal for reason='busy')."""
        _reject_unknown("reject", self.reject, unknown)
        if reason not in ("rejected", "busy"):
            raise ConfigurationError(f"reject reason must be 'rejected' or 'busy', not {reason!r}")
        out = self._host.perform(V.Reject(reason))
        return Event("reject", reason, **out.detail)

    def redirect(self, to: str, **unknown: Any) -> Event:
        """Send an unanswered call elsewhere; this flow stops handling it."""
        _reject_unknown("redirect", self.redirect, unknown)
        out = self._host.perform(V.Redirect(_destinations(to)[0]))
        return Event("redirect", to, **out.detail)

    def log(self, message: Any, **unknown: Any) -> Event:
        _reject_unknown("log", self.log, unknown)
        self._host.perform(V.Log(str(message)))
        return Event("log", str(message))

    def start_recording(
        self,
        path: str | None = None,
        *,
        format: str = "audio/wav",
        transcribe: bool = False,
        **unknown: Any,
    ) -> Event:
        """Record the whole call (both sides) from now on."""
        _reject_unknown("start_recording", self.start_recording, unknown)
        out = self._host.perform(V.StartRecording(path, format, bool(transcribe)))
        return Event("hangup" if out.hangup else "recording", path or "")

    def stop_recording(self, **unknown: Any) -> Event:
        _reject_unknown("stop_recording", self.stop_recording, unknown)
        out = self._host.perform(V.StopRecording())
        return Event("recording", out.detail.get("url", ""), recording=out.detail.get("recording"))


# -- validation helpers ---------------------------------------------------------------------------
@cache
def _valid_options(fn: Callable[..., Any]) -> tuple[str, ...]:
    params = inspect.signature(fn).parameters.values()
    return tuple(p.name for p in params if p.kind is p.KEYWORD_ONLY)


def _reject_unknown(verb: str, method: Callable[..., Any], unknown: dict[str, Any]) -> None:
    if unknown:
        raise UnknownOptionError(verb, next(iter(unknown)), _valid_options(method.__func__))


def _text(verb: str, text: Any, allow_empty: bool = True) -> str:
    if not isinstance(text, str):
        raise ConfigurationError(f"{verb}() needs text, got {type(text).__name__}: {text!r}")
    if not allow_empty and not text.strip():
        raise ConfigurationError(f"{verb}() needs some text; it was empty")
    return text


def _sms_body(text: Any) -> str:
    """The SMS rules (telenb.sms): not empty or blank, no lone surrogates or control
    characters, at most 1,600 UTF-16 units; MessageError with Twilio's code otherwise."""
    from ..errors import MessageError
    from ..sms.encoding import check_body

    if check_body(text).strip() == "":
        raise MessageError("message() needs some text; the body was only white space", code=21602)
    return text


def _seconds(name: str, value: Any, allow_zero: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} must be a number of seconds, not {value!r}") from None
    if v < 0 or (v == 0 and not allow_zero) or v != v:
        raise ConfigurationError(f"{name} must be a positive number of seconds, not {value!r}")
    return v


def _pos_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _key(name: str, value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) != 1 or value not in DTMF_KEYS:
        raise ConfigurationError(f"{name} must be one keypad key such as '#', not {value!r}")
    return value


def _destinations(to: str | Sequence[str]) -> tuple[str, ...]:
    items = [to] if isinstance(to, str) else list(to)
    if not items or not all(isinstance(t, str) and t.strip() for t in items):
        raise ConfigurationError(f"give a destination number such as '+15550123', not {to!r}")
    return tuple(items)
