"""Vendor-neutral verbs (what a flow asks the network to do) and their outcomes, as plain data.

A backend (the simulator, the Twilio webhook server, ...) receives a verb, carries it out and
returns the matching outcome.  Times are in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .grammar import Grammar


@dataclass(slots=True)
class Say:
    text: str
    voice: str | None = None
    say_as: str | None = None  # DIGITS, NUMBER, DATE
    language: str | None = None
    loop: int = 1

    @property
    def is_audio(self) -> bool:
        return is_audio_reference(self.text)


@dataclass(slots=True)
class Answer:
    pass


@dataclass(slots=True)
class Ask:
    prompt: Say | None
    grammar: Grammar
    mode: str = "any"  # speech, dtmf, any
    timeout: float = 30.0
    interdigit_timeout: float = 5.0
    terminator: str | None = None
    bargein: bool = True
    min_confidence: float = 0.3
    recognizer: str | None = None
    attempt: int = 1
    attempts: int = 1
    speech_timeout: float | None = None  # end-of-speech silence; None = engine default


@dataclass(slots=True)
class Record:
    prompt: Say | None = None
    beep: bool = True
    max_time: float = 30.0
    silence_timeout: float = 5.0
    timeout: float = 30.0
    terminator: str | None = "#"
    path: str | None = None  # where the user asked for the file (local path or URI)
    format: str = "audio/wav"
    transcribe: bool = False
    bargein: bool = True
    attempt: int = 1


@dataclass(slots=True)
class Transfer:
    to: tuple[str, ...]
    caller_id: str | None = None
    timeout: float = 30.0
    answer_on_media: bool = False
    ring_audio: str | None = None  # Tropo playvalue
    terminator: str | None = None  # lets the caller cancel while it rings
    headers: dict[str, str] = field(default_factory=dict)
    record: bool = False


@dataclass(slots=True)
class Dial:
    """Place an outbound call that becomes the flow's call (Tropo `call()`)."""

    to: tuple[str, ...]
    caller_id: str | None = None
    timeout: float = 30.0
    answer_on_media: bool = False
    channel: str = "VOICE"
    network: str = "PSTN"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Conference:
    id: str
    mute: bool = False
    play_tones: bool = False
    terminator: str | None = None
    beep: bool = True
    join_prompt: str | None = None  # what the room hears when this caller joins ("beep")
    leave_prompt: str | None = None


@dataclass(slots=True)
class Message:
    text: str
    to: str
    from_: str | None = None
    network: str = "SMS"
    channel: str = "TEXT"
    media: tuple[str, ...] = ()  # media URLs (an MMS)


@dataclass(slots=True)
class Wait:
    seconds: float


@dataclass(slots=True)
class Hangup:
    pass


@dataclass(slots=True)
class Reject:
    reason: str = "rejected"  # rejected or busy


@dataclass(slots=True)
class Redirect:
    to: str


@dataclass(slots=True)
class Log:
    message: str


@dataclass(slots=True)
class StartRecording:
    path: str | None = None
    format: str = "audio/wav"
    transcribe: bool = False


@dataclass(slots=True)
class StopRecording:
    pass


# -- outcomes -----------------------------------------------------------------------------------
@dataclass(slots=True)
class Done:
    """A verb finished; `hangup` when the call ended during (or before) it."""

    hangup: bool = False
    interrupted_at: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class AskOutcome:
    kind: str  # input, noinput, hangup
    mode: str | None = None  # speech, dtmf, text
    text: str = ""  # recognised utterance (speech) or typed text
    digits: str = ""
    confidence: float = 1.0
    terminated_by: str | None = None


@dataclass(slots=True)
class RecordOutcome:
    kind: str  # record, timeout, hangup
    recording: Any = None  # telenb.sim.recording.Recording


@dataclass(slots=True)
class DialOutcome:
    kind: str  # answered, busy, no-answer (timeout), failed, canceled, hangup
    sid: str | None = None
    duration: float = 0.0
    answered_by: str | None = None
    ended_by: str | None = None  # which side ended a bridge: caller, callee


AUDIO_SUFFIXES = (".wav", ".mp3", ".au", ".gsm", ".ulaw", ".flac", ".ogg", ".aiff")


def is_audio_reference(text: str) -> bool:
    """Tropo's say() plays a URL or audio file instead of speaking it."""
    t = text.strip().lower()
    if t.startswith(("http://", "https://", "file://")):
        return True
    return " " not in t and t.endswith(AUDIO_SUFFIXES)


def hangup_outcome(verb: object) -> object:
    """What a verb returns once the call is gone: the outcome shaped for that verb."""
    if isinstance(verb, Ask):
        return AskOutcome("hangup")
    if isinstance(verb, Record):
        return RecordOutcome("hangup")
    if isinstance(verb, Transfer):
        return DialOutcome("hangup")
    return Done(hangup=True)
