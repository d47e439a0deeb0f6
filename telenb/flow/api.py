"""The `call` object a flow receives: Tropo's scripting verbs with Python names.

It only builds verbs, hands them to its host (a backend) and turns outcomes into Tropo-shaped
events, firing handlers per attempt as Tropo did.  It never imports a backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..errors import ConfigurationError
from . import verbs as V
from .events import ChoiceInfo, Event, call_handler
from .grammar import Grammar, parse
from .options import (
    destinations,
    duration_arg,
    keypad_key,
    pos_int,
    reject_unknown,
    sms_body,
    text_arg,
)

Handler = Callable[..., Any] | None
MODES = ("speech", "dtmf", "any")


class FlowHost(Protocol):
    """What a backend gives a flow: carry out verbs, record events, describe the call."""

    def perform(self, verb: Any) -> Any: ...
    def trace(self, kind: str, /, **data: Any) -> None: ...
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
        reject_unknown("answer", self.answer, unknown)
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
        """Speak `text` (or play it, when it is an audio URL or file, as Tropo did).

        Args:
            text: words to speak, a small SSML subset, or an audio URL or file to play.
            voice: a Tropo or Twilio voice name (``"Daniel"``, ``"Polly.Joanna"``).
            say_as: ``"DATE"``, ``"DIGITS"``, ``"NUMBER"``... (Tropo's say-as).
            language: a language tag (``"en-GB"``) when no voice is named.
            loop: how many times to say it.
        """
        reject_unknown("say", self.say, unknown)
        out = self._host.perform(
            V.Say(
                text=text_arg("say", text),
                voice=voice,
                say_as=say_as,
                language=language,
                loop=pos_int("loop", loop),
            )
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
        """Prompt and collect speech or keys, matched against Tropo choices.

        Each attempt speaks `prompt`, listens, and ends in one event: ``choice`` (a match),
        ``badChoice`` (heard, but no match), ``timeout`` (nothing heard), ``hangup`` or
        ``error``. It retries on ``badChoice`` and ``timeout`` until `attempts` run out and
        returns the last event (``.name``, ``.value``, ``.choice.utterance``,
        ``.choice.confidence``, ``.choice.interpretation``, ``.attempt``).

        Args:
            prompt: what to say first (text or an audio URL); None listens at once.
            choices: Tropo Simple Grammar (``"red, blue(navy, dark blue)"``, ``"[4 DIGITS]"``)
                or a parsed `Grammar`.
            mode: ``"speech"``, ``"dtmf"`` (keys only) or ``"any"``.
            attempts: how many times to ask before giving up.
            timeout: seconds to wait for the caller to start answering, after the prompt.
            interdigit_timeout: seconds allowed between keys.
            terminator: a key that ends keyed input (``"#"``), or None.
            bargein: whether the caller may answer while the prompt still plays.
            min_confidence: recognitions below this (0..1) count as ``badChoice``.
            voice: the voice for the prompt (Tropo and Twilio names: ``"Daniel"``).
            say_as: how to read the prompt (``"DATE"``, ``"DIGITS"``, ``"NUMBER"``...).
            recognizer: the speech engine or language for this question (e.g. ``"en-us"``).
            on_choice, on_bad_choice, on_timeout, on_hangup, on_error: called with the event
                of each attempt that ends that way (Tropo's ``onChoice``...).
            on_event: called with every attempt's event, whatever it is.
        """
        reject_unknown("ask", self.ask, unknown)
        grammar = choices if isinstance(choices, Grammar) else parse(choices)
        if grammar.any and self.channel == "VOICE":
            raise ConfigurationError(
                "the [ANY] grammar works only on the text channel (as on Tropo); "
                "list the choices instead"
            )
        if mode not in MODES:
            raise ConfigurationError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        attempts = pos_int("attempts", attempts)
        timeout = duration_arg("timeout", timeout)
        interdigit_timeout = duration_arg("interdigit_timeout", interdigit_timeout)
        terminator = keypad_key("terminator", terminator)
        if not 0 <= float(min_confidence) <= 1:
            raise ConfigurationError(
                f"min_confidence must be between 0 and 1, not {min_confidence!r}"
            )
        say = V.Say(text=text_arg("ask", prompt), voice=voice, say_as=say_as) if prompt else None
        handlers = {
            "choice": on_choice, "badChoice": on_bad_choice, "timeout": on_timeout,
            "hangup": on_hangup, "error": on_error,
        }  # fmt: skip
        event = Event("error")
        for attempt in range(1, attempts + 1):
            verb = V.Ask(
                prompt=say,
                grammar=grammar,
                mode=mode,
                timeout=timeout,
                interdigit_timeout=interdigit_timeout,
                terminator=terminator,
                bargein=bool(bargein),
                min_confidence=float(min_confidence),
                recognizer=recognizer,
                attempt=attempt,
                attempts=attempts,
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
            match = grammar.match_speech(out.text, within=True) if out.text else None
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
        """Record the caller.  `path` is where the file goes (audio fidelity writes it).

        Ends in ``record`` (``.value`` is the recording's URL, ``.recording`` the recording),
        ``timeout`` (no sound at all), ``hangup`` or ``error``; retries on ``timeout``.

        Args:
            prompt: what to say before recording, or None.
            beep: play a beep when recording starts.
            max_time: the longest recording, in seconds.
            silence_timeout: seconds of silence that end the recording.
            timeout: seconds to wait for the caller to start speaking.
            terminator: a key that ends the recording (``"#"``), or None.
            path: a local file (``.wav``, ``.flac``...) or URI to keep the recording at.
            format: the MIME type Tropo named (``"audio/wav"``, ``"audio/mp3"``).
            transcribe: also transcribe it with the speech recogniser.
            attempts: how many times to try when nothing is recorded.
            bargein: whether the caller may start while the prompt still plays.
            voice: the voice for the prompt.
            on_record, on_timeout, on_hangup, on_error: called with the event of each attempt
                that ends that way; on_event: with every attempt's event.
        """
        reject_unknown("record", self.record, unknown)
        say = V.Say(text=text_arg("record", prompt), voice=voice) if prompt else None
        handlers = {
            "record": on_record,
            "timeout": on_timeout,
            "hangup": on_hangup,
            "error": on_error,
        }
        event = Event("error")
        for attempt in range(1, pos_int("attempts", attempts) + 1):
            verb = V.Record(
                prompt=say,
                beep=bool(beep),
                max_time=duration_arg("max_time", max_time),
                silence_timeout=duration_arg("silence_timeout", silence_timeout),
                timeout=duration_arg("timeout", timeout),
                terminator=keypad_key("terminator", terminator),
                path=path,
                format=format,
                transcribe=bool(transcribe),
                bargein=bool(bargein),
                attempt=attempt,
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
        """Connect the caller to another number (first of several to answer wins).

        Ends in ``success`` (bridged, then the far side hung up or the call ended),
        ``timeout`` (nobody answered), ``callFailure`` (busy or failed), ``hangup`` or
        ``error``.

        Args:
            to: a number, SIP address, or several to ring at once.
            caller_id: the number the callee sees (default: the caller's).
            timeout: seconds to ring before giving up.
            answer_on_media: treat early media as an answer.
            ring_audio: what the caller hears while it rings (text or audio URL).
            terminator: a key the caller may press to cancel while it rings.
            headers: SIP headers (``x-...``) for the new leg.
            record: record the bridged conversation.
            on_success, on_timeout, on_call_failure, on_hangup, on_error: called with the
                event that ends it that way; on_event: with it whatever it is.
        """
        reject_unknown("transfer", self.transfer, unknown)
        verb = V.Transfer(
            to=destinations(to),
            caller_id=caller_id,
            timeout=duration_arg("timeout", timeout),
            answer_on_media=bool(answer_on_media),
            ring_audio=ring_audio,
            terminator=keypad_key("terminator", terminator),
            headers=dict(headers or {}),
            record=bool(record),
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
        """Place an outbound call that becomes this flow's call (Tropo's `call()`).

        Ends in ``answer``, ``timeout``, ``callFailure`` or ``error``.

        Args:
            to: a number or SIP address, or several to try at once.
            caller_id: the number the callee sees (default: the carrier's).
            timeout: seconds to ring before giving up.
            answer_on_media: treat early media as an answer.
            channel: ``"VOICE"`` or ``"TEXT"`` (a text session over SMS).
            network: ``"PSTN"``, ``"SIP"``, ``"SMS"``...
            headers: SIP headers (``x-...``) for the new leg.
            on_answer, on_timeout, on_call_failure, on_error: called with the event that ends
                it that way; on_event: with it whatever it is.
        """
        reject_unknown("call", self.call, unknown)
        verb = V.Dial(
            to=destinations(to),
            caller_id=caller_id,
            timeout=duration_arg("timeout", timeout),
            answer_on_media=bool(answer_on_media),
            channel=channel.upper(),
            network=network.upper(),
            headers=dict(headers or {}),
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
        event = Event(
            name,
            self if name == "answer" else "",
            1,
            call=self,
            reason=out.kind,
            answered_by=out.answered_by,
        )
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
        join_prompt: str | None = None,
        leave_prompt: str | None = None,
        on_choice: Handler = None,
        **unknown: Any,
    ) -> Event:
        """Join conference room `id` until the caller leaves (hangs up or keys the terminator).

        Args:
            id: the room; everyone who joins the same id talks together.
            mute: join listening only.
            play_tones: let the others hear this caller's keypad tones.
            terminator: a key that leaves the room, or None.
            beep: play a beep to the room when this caller joins and leaves.
            join_prompt, leave_prompt: what everyone in the room hears when this caller joins
                or leaves (text, an audio URL, or ``"beep"``; Tropo's joinPrompt/leavePrompt).
            on_choice: called when the caller leaves the room without hanging up (the terminator).
        """
        reject_unknown("conference", self.conference, unknown)
        if not str(id).strip():
            raise ConfigurationError("conference() needs a room id, such as 'team-standup'")
        out: V.Done = self._host.perform(
            V.Conference(
                id=str(id),
                mute=bool(mute),
                play_tones=bool(play_tones),
                terminator=keypad_key("terminator", terminator),
                beep=bool(beep),
                join_prompt=join_prompt,
                leave_prompt=leave_prompt,
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
        media: Sequence[str] = (),
        **unknown: Any,
    ) -> Event:
        """Send a text message (does not wait for delivery).  A body SMS cannot carry raises
        `MessageError` here, the same on every backend.  `media`: URLs of pictures or other
        media to send with it (an MMS; Tropo's mediaURL)."""
        if "from" in unknown:
            from_ = unknown.pop("from")
        reject_unknown("message", self.message, unknown)
        out: V.Done = self._host.perform(
            V.Message(
                text=sms_body(text),
                to=to,
                from_=from_,
                network=network.upper(),
                channel=channel.upper(),
                media=tuple(str(m) for m in ([media] if isinstance(media, str) else media)),
            )
        )
        return Event("message", out.detail.get("sid", ""), **out.detail)

    def wait(self, seconds: float = 1.0, **unknown: Any) -> Event:
        """Pause the flow (in seconds; Tropo scripts' wait() takes milliseconds)."""
        reject_unknown("wait", self.wait, unknown)
        out = self._host.perform(V.Wait(duration_arg("seconds", seconds, allow_zero=True)))
        return Event("hangup" if out.hangup else "wait")

    def hangup(self, **unknown: Any) -> Event:
        reject_unknown("hangup", self.hangup, unknown)
        self._host.perform(V.Hangup())
        return Event("hangup")

    def reject(self, reason: str = "rejected", **unknown: Any) -> Event:
        """Refuse an unanswered call (busy signal for reason='busy')."""
        reject_unknown("reject", self.reject, unknown)
        if reason not in ("rejected", "busy"):
            raise ConfigurationError(f"reject reason must be 'rejected' or 'busy', not {reason!r}")
        out = self._host.perform(V.Reject(reason))
        return Event("reject", reason, **out.detail)

    def redirect(self, to: str, **unknown: Any) -> Event:
        """Send an unanswered call elsewhere; this flow stops handling it."""
        reject_unknown("redirect", self.redirect, unknown)
        out = self._host.perform(V.Redirect(destinations(to)[0]))
        return Event("redirect", to, **out.detail)

    def log(self, message: Any, **unknown: Any) -> Event:
        reject_unknown("log", self.log, unknown)
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
        """Record the whole call (both sides) from now on.

        Args:
            path: a local file or URI to keep the recording at, or None (kept in memory).
            format: the MIME type Tropo named (``"audio/wav"``, ``"audio/mp3"``).
            transcribe: also transcribe it when the recording stops.
        """
        reject_unknown("start_recording", self.start_recording, unknown)
        out = self._host.perform(
            V.StartRecording(path=path, format=format, transcribe=bool(transcribe))
        )
        return Event("hangup" if out.hangup else "recording", path or "")

    def stop_recording(self, **unknown: Any) -> Event:
        reject_unknown("stop_recording", self.stop_recording, unknown)
        out = self._host.perform(V.StopRecording())
        return Event("recording", out.detail.get("url", ""), recording=out.detail.get("recording"))
