"""telenb verbs as TwiML, built with the twilio SDK's own `VoiceResponse`.

A flow verb that must wait for the caller (ask, record, transfer, conference) becomes a TwiML
verb whose `action` URL resumes the flow; say and wait are batched in front of it.  Where
TwiML cannot say exactly what the flow said, a note explains which construct and why
(`Renderer.notes`); the flow still runs, with the nearest TwiML behaviour.
"""

from __future__ import annotations

import math
from typing import Any

from ....flow import verbs as V

TWILIO_VOICES = ("man", "woman", "alice")
_POLLY_NAMES = (
    "Aditi Amy Astrid Bianca Brian Camila Carla Carmen Celine Chantal Conchita Cristiano Dora "
    "Emma Enrique Ewa Filiz Geraint Giorgio Gwyneth Hans Ines Ivy Jacek Jan Joanna Joey Justin "
    "Karl Kendra Kevin Kimberly Lea Liv Lotte Lucia Lupe Mads Maja Marlene Mathieu Matthew Maxim "
    "Mia Miguel Mizuki Naja Nicole Olivia Penelope Raveena Ricardo Ruben Russell Salli Seoyeon "
    "Takumi Tatyana Vicki Vitoria Zeina Zhiyu"
)
POLLY = frozenset(_POLLY_NAMES.split())  # Amazon Polly voices Twilio offers as Polly.<Name>


def twilio_voice(voice: str | None, notes: list[str]) -> str | None:
    """A Twilio voice for a telenb/Tropo voice name (None: Twilio's default)."""
    if not voice:
        return None
    if voice in TWILIO_VOICES or voice.startswith(("Polly.", "Google.")):
        return voice
    if voice.capitalize() in POLLY:
        return f"Polly.{voice.capitalize()}"
    _note(notes, f"voice {voice!r} has no Twilio equivalent: Twilio's default voice speaks")
    return None


def _note(notes: list[str], text: str) -> None:
    if text not in notes:
        notes.append(text)


def _whole(seconds: float) -> int:
    return max(1, math.ceil(seconds - 1e-9))


class Renderer:
    """Builds one TwiML response; `notes` (shared across a call) collect what TwiML cannot say."""

    def __init__(self, notes: list[str]):
        from twilio.twiml.voice_response import VoiceResponse

        self.response = VoiceResponse()
        self.notes = notes

    def xml(self) -> str:
        return str(self.response)

    # -- prompts ------------------------------------------------------------------------------
    def say(self, verb: V.Say, into: Any = None) -> None:
        target = self.response if into is None else into
        loop = verb.loop if verb.loop != 1 else None
        if verb.is_audio:
            target.play(verb.text, loop=loop)
            return
        if verb.say_as:
            _note(
                self.notes,
                f"say_as={verb.say_as!r}: sent as plain text (SSML <say-as> "
                "needs a Polly voice and is not generated)",
            )
        target.say(
            verb.text, voice=twilio_voice(verb.voice, self.notes), language=verb.language, loop=loop
        )

    def wait(self, verb: V.Wait) -> None:
        length = _whole(verb.seconds)
        if length != verb.seconds:
            _note(
                self.notes,
                f'wait({verb.seconds:g}) becomes <Pause length="{length}">: '
                "TwiML pauses are whole seconds",
            )
        self.response.pause(length=length)

    # -- input ----------------------------------------------------------------------------------
    def ask(self, verb: V.Ask, action: str) -> None:
        from twilio.twiml.voice_response import Gather

        g = verb.grammar
        notes = self.notes
        modes = {"dtmf": "dtmf", "speech": "speech", "any": "dtmf speech"}[verb.mode]
        timeout = _whole(verb.timeout)
        if verb.interdigit_timeout != verb.timeout and verb.mode != "speech":
            _note(
                notes,
                f"ask(interdigit_timeout={verb.interdigit_timeout:g}) differs from "
                f"timeout={verb.timeout:g}: <Gather> has one timeout, both before the first "
                f"key and between keys, so Twilio waits {timeout} s for both",
            )
        if verb.mode != "dtmf":
            _note(
                notes,
                f"ask(min_confidence={verb.min_confidence:g}): <Gather> has no minimum "
                "confidence; the flow checks the Confidence Twilio reports after the Gather "
                "returns (a retry costs one more webhook)",
            )
            if g.choices:
                _note(
                    notes,
                    "spoken choices go to Twilio as hints; Twilio returns free text "
                    "that the flow matches against the choices",
                )
        if not verb.bargein:
            _note(
                notes,
                'ask(bargein=False) becomes bargeIn="false", which Twilio documents '
                "for speech; a key pressed during the prompt may still stop it",
            )
        num_digits = _num_digits(g)
        if g.accepts_dtmf and num_digits is None and not verb.terminator and g.max_digits:
            _note(
                notes,
                f"choices {str(g)!r} end on different key counts: <Gather numDigits> "
                "cannot express that, so Twilio ends on the timeout or a finish key",
            )
        gather = Gather(
            input=modes,
            action=action,
            method="POST",
            timeout=timeout,
            finish_on_key=verb.terminator or "",
            num_digits=num_digits,
            action_on_empty_result=True,
            hints=", ".join(g.phrases()[:100]) or None if verb.mode != "dtmf" else None,
            barge_in=False if not verb.bargein else None,
        )
        if verb.prompt is not None:
            self.say(verb.prompt, gather)
        self.response.append(gather)

    def record(self, verb: V.Record, action: str, empty: str) -> None:
        if verb.prompt is not None:
            self.say(verb.prompt)
        if verb.timeout != verb.silence_timeout:
            _note(
                self.notes,
                f"record(timeout={verb.timeout:g}, silence_timeout="
                f"{verb.silence_timeout:g}): <Record> has one timeout (seconds of silence); "
                f"Twilio uses {_whole(verb.silence_timeout)} s",
            )
        self.response.record(
            action=action,
            method="POST",
            timeout=_whole(verb.silence_timeout),
            max_length=_whole(verb.max_time),
            finish_on_key=verb.terminator or "",
            play_beep=verb.beep,
            transcribe=True if verb.transcribe else None,
        )
        self.response.redirect(empty, method="POST")  # no audio: Twilio goes on to this

    # -- other legs -----------------------------------------------------------------------------
    def transfer(self, verb: V.Transfer, action: str) -> None:
        notes = self.notes
        if verb.ring_audio:
            _note(
                notes,
                "transfer(ring_audio=...): <Dial ringTone> takes a country's ringback "
                "tone, not audio; Twilio plays its own ringback",
            )
        if verb.terminator:
            _note(
                notes,
                f"transfer(terminator={verb.terminator!r}): <Dial> cannot be canceled "
                "by a key while it rings (hangupOnStar only ends an answered call)",
            )
        if verb.answer_on_media:
            _note(
                notes,
                "transfer(answer_on_media=True): Twilio bridges early media anyway; "
                "the flow is told only of the answer",
            )
        if verb.headers:
            _note(
                notes,
                "transfer(headers=...): only SIP destinations carry headers (as URI "
                "parameters); phone numbers ignore them",
            )
        dial = self.response.dial(
            action=action,
            method="POST",
            timeout=_whole(verb.timeout),
            caller_id=verb.caller_id,
            record="record-from-answer" if verb.record else None,
        )
        for to in verb.to:
            if to.startswith("sip:"):
                dial.sip(to)
            elif to.startswith("client:"):
                dial.client(to.split(":", 1)[1])
            else:
                dial.number(to)

    def conference(self, verb: V.Conference, action: str) -> None:
        if verb.terminator:
            _note(
                self.notes,
                f"conference(terminator={verb.terminator!r}): <Conference> has "
                "no exit key; the caller leaves by hanging up",
            )
        if verb.play_tones:
            _note(self.notes, "conference(play_tones=True): Twilio has no such option")
        dial = self.response.dial(action=action, method="POST")
        dial.conference(verb.id, muted=True if verb.mute else None, beep=str(verb.beep).lower())

    # -- endings ----------------------------------------------------------------------------------
    def hangup(self) -> None:
        self.response.hangup()

    def reject(self, verb: V.Reject) -> None:
        self.response.reject(reason=verb.reason)

    def redirect(self, verb: V.Redirect) -> None:
        _note(
            self.notes,
            "redirect() before answering becomes <Dial>: Twilio answers the "
            "call to connect it, so the caller is billed from then on",
        )
        self.response.dial(verb.to)


def _num_digits(g: Any) -> int | None:
    """numDigits when every keyed choice has the same length (so Twilio can stop at once)."""
    keys = {len(k) for c in g.choices for k in c.keys}
    if g.digits is not None:
        if keys or g.digits.max is None or g.digits.min != g.digits.max:
            return None
        return g.digits.max
    return keys.pop() if len(keys) == 1 else None
