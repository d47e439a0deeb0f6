"""What a real SIP call's `record` verb keeps: its own module, so session and verbs share it."""

from __future__ import annotations

from dataclasses import dataclass

from ...audio import Audio


@dataclass
class SipRecording:
    """What `record` captured from the caller: a WAV file of the received audio."""

    url: str
    path: str
    duration: float
    audio: Audio
    transcription: str | None = None
