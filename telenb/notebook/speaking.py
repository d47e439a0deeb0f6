"""What `%say` and `%transcribe` do, as plain functions (the magics only parse arguments)."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from typing import Any


@dataclass
class Spoken:
    """Synthesised speech: the audio, and which local voice stood in for the name asked."""

    text: str
    audio: Any  # telenb.audio.Audio at the line rate
    voice: Any  # telenb.speech.VoiceChoice

    def __repr__(self) -> str:
        return f"<Spoken {self.text[:40]!r} {self.voice!r} {self.audio.duration:.2f} s>"

    def _repr_html_(self) -> str:
        """A player that starts by itself: running the cell is the click that allows it."""
        b64 = base64.b64encode(self.audio.wav_bytes()).decode("ascii")
        note = (
            f"<div style='color:#666'>{html.escape(self.voice.note)}</div>"
            if self.voice.note
            else ""
        )
        return (
            f"<div class='telenb-say'><b>{html.escape(self.voice.requested or 'default voice')}"
            f"</b> &#8594; {html.escape(self.voice.engine)}:{html.escape(self.voice.engine_voice)}"
            f" ({html.escape(self.voice.language)}, {'exact' if self.voice.exact else 'fallback'})"
            f"{note}<audio controls autoplay src='data:audio/wav;base64,{b64}'></audio></div>"
        )


def say_audio(text: str, voice: str | None = None, rate: int = 8000) -> Spoken:
    """Speak `text` with a Tropo, Twilio or local voice name, for listening in a notebook."""
    from ..speech import resolve_voice, synthesize

    return Spoken(text, synthesize(text, voice=voice, rate=rate), resolve_voice(voice))


def transcribe_file(path: str, choices: str | None = None, engine: str | None = None) -> Any:
    """Free transcription of an audio file, or recognition against Tropo `choices`."""
    from ..speech import recognize, transcribe

    if choices:
        return recognize(path, grammar=choices, engine=engine)
    return transcribe(path, engine=engine)
