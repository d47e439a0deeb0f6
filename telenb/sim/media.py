"""The media seam: how prompts and answers cross a simulated call.

`TextMedia` (the fast default) passes text and digits with estimated durations.  An audio
fidelity implementation renders real audio for the same calls; flows and traces keep their
shape, only durations, confidences and the `audio` fields change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SpeechError
from ..flow import verbs as V

if TYPE_CHECKING:
    from .leg import Leg

KEY_TONE = 0.08  # seconds a simulated person holds a key
KEY_GAP = 0.12  # seconds between keys


@dataclass(slots=True)
class Prompt:
    """Something the flow plays to the party: speech, a file, a tone."""

    text: str
    duration: float
    voice: str | None = None
    url: str | None = None
    audio: Any = None  # telenb.audio.Audio in audio fidelity
    start: float = 0.0

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(slots=True)
class Utterance:
    """Something a simulated person says."""

    text: str
    duration: float
    confidence: float = 1.0
    audio: Any = None


_WORD = re.compile(r"[\w']+")
_PAUSE = re.compile(r"[.!?;:]")


def speech_duration(text: str) -> float:
    """A deterministic estimate of how long a TTS voice takes (about 160 words a minute)."""
    words = len(_WORD.findall(text))
    pauses = len(_PAUSE.findall(text))
    return round(0.2 + 0.375 * words + 0.25 * pauses, 3) if words else 0.5


class TextMedia:
    """Text fidelity: no audio; what is said is heard exactly, with the scripted confidence."""

    fidelity = "text"

    def prompt(self, say: V.Say, leg: Leg | None = None) -> Prompt:
        loops = max(1, say.loop)
        if say.is_audio:
            mapped = mapped_audio(leg, say.text)
            if isinstance(mapped, (int, float)):
                duration = float(mapped)
            else:
                duration = audio_file_duration(mapped or say.text)
            return Prompt(say.text, round(duration * loops, 3), say.voice, url=say.text)
        return Prompt(say.text, round(speech_duration(say.text) * loops, 3), say.voice)

    def tone(self, name: str, duration: float) -> Prompt:
        return Prompt(f"<{name}>", duration)

    def utterance(self, text: str, confidence: float, party: Any = None) -> Utterance:
        return Utterance(text, speech_duration(text), confidence)

    def recognize(
        self, utterance: Utterance, ask: V.Ask | None, leg: Leg | None = None
    ) -> tuple[str, float]:
        """What the flow's recogniser makes of an utterance: (text, confidence).

        Recorded speech with no words attached (a person at a notebook microphone) goes to
        the speech layer's recogniser even in text fidelity: there is nothing else to hear."""
        if utterance.audio is not None and not utterance.text:
            return recognize_audio(utterance.audio, ask)
        return utterance.text, utterance.confidence

    def track(self, leg: Leg, side: str, start: float, audio: Any) -> None:
        """Sound on a call: `near` is the leg's own party, `far` what that party hears."""

    def cut(self, leg: Leg, at: float) -> None:
        """The far-end sound playing on `leg` stopped at `at` (barge-in)."""

    def press(
        self, keys: str, leg: Leg | None = None, start: float = 0.0
    ) -> tuple[list[tuple[str, float]], float]:
        """Keys as heard at the far end: [(key, seconds after the first tone starts)], and
        how long the keying lasts."""
        step = KEY_TONE + KEY_GAP
        return [(k, round(i * step, 6)) for i, k in enumerate(keys)], len(keys) * step - KEY_GAP


def recognize_audio(audio: Any, ask: V.Ask | None, engine: str | None = None) -> tuple[str, float]:
    """Real recognition of `audio` with the question's grammar and engine: (text, confidence).
    An engine failure is a `SpeechError` (the question's error event), not a crash."""
    from ..speech import recognize
    from ..speech.recognition import DEFAULT_MIN_CONFIDENCE

    try:
        result = recognize(
            audio,
            grammar=ask.grammar if ask else None,
            min_confidence=ask.min_confidence if ask else DEFAULT_MIN_CONFIDENCE,
            engine=(ask.recognizer if ask else None) or engine,
        )
    except SpeechError:
        raise
    except Exception as exc:
        raise SpeechError(f"speech recognition failed: {exc}") from exc
    return result.answer, float(result.confidence)


def mapped_audio(leg: Leg | None, url: str) -> str | float | None:
    """What `carrier.audio_urls` maps `url` to (a local file or seconds), if anything."""
    carrier = leg._cref() if leg is not None else None
    table = getattr(carrier, "audio_urls", None) or {}
    if url in table:
        return table[url]
    for key, value in table.items():
        if key.endswith("*") and url.startswith(key[:-1]):
            return value
    return None


def is_placeholder(leg: Leg | None, url: str) -> bool:
    """A remote URL nobody mapped: offline it plays as a placeholder of the default length."""
    local = url[7:] if url.startswith("file://") else url
    return mapped_audio(leg, url) is None and not Path(local).exists()


def audio_file_duration(ref: str, default: float = 3.0) -> float:
    """Length of a local audio file; remote URLs cannot be fetched offline, so a default."""
    path = ref[7:] if ref.startswith("file://") else ref
    p = Path(path)
    if p.exists():
        try:
            import soundfile as sf

            info = sf.info(str(p))
            return round(info.frames / info.samplerate, 3)
        except Exception:
            return default
    return default
