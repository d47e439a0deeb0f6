"""Audio fidelity: every prompt and answer is real audio that crosses a telephone channel.

Prompts are synthesised (or read from files), caller speech is synthesised in the caller's
voice, both cross the channel (band-pass, G.711, loss, noise; seeded), and the flow decides
with a real recogniser and a real DTMF detector.  Each leg keeps both directions so a call
can be listened to afterwards as a stereo file (left: the leg's party, right: what it heard).
Flows and traces keep the shape they have in text fidelity.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..audio import LINE_RATE, Audio, Channel, call_progress_tone, detect_dtmf, generate_dtmf
from ..errors import SpeechError
from ..flow import verbs as V
from ..speech import recognize, synthesize, transcribe
from ..speech.recognition import DEFAULT_MIN_CONFIDENCE
from .media import Prompt, Utterance, mapped_audio

if TYPE_CHECKING:
    from .leg import Leg

KEY_TONE_MS = 80  # a person holds a key about this long
KEY_GAP_MS = 120
KEY_LEVEL_DBFS = -10.0
REMOTE_AUDIO_SECONDS = 3.0


@dataclass
class _Track:
    """Sound on one leg, per side, with start times in virtual seconds."""

    near: list[tuple[float, Audio]] = field(default_factory=list)
    far: list[tuple[float, Audio]] = field(default_factory=list)


class AudioMedia:
    """Real audio for the simulator.  `channel` is a `telenb.audio.Channel` (G.711 mu-law with
    the telephone band-pass by default); `recognizer` picks the ASR engine (None: the speech
    layer's default); `caller_voice` speaks for parties that have no voice of their own."""

    fidelity = "audio"

    def __init__(
        self,
        *,
        channel: Any = None,
        recognizer: str | None = None,
        caller_voice: str | None = None,
        seed: int | str = 0,
    ):

        self.channel = channel if channel is not None else Channel(codec="pcmu")
        self.recognizer = recognizer
        self.caller_voice = caller_voice
        self.seed = seed
        self._tracks: dict[str, _Track] = {}
        self._draws = 0

    # -- the channel -------------------------------------------------------------------------
    def _rng(self, leg: Leg | None, what: str) -> np.random.Generator:
        """A generator per transmission, so results do not depend on other calls' timing."""
        self._draws += 1
        sid = getattr(leg, "sid", "-")
        key = f"{self.seed}:{sid}:{what}:{self._draws}".encode()
        return np.random.default_rng(zlib.crc32(key))

    def transmit(self, audio: Audio, leg: Leg | None, what: str) -> Audio:
        if audio.frames == 0:
            return audio
        return self.channel.apply(audio, rng=self._rng(leg, what))

    # -- what the flow plays ---------------------------------------------------------------------
    def prompt(self, say: V.Say, leg: Leg | None = None) -> Prompt:
        if say.is_audio:
            mapped = mapped_audio(leg, say.text)
            if isinstance(mapped, (int, float)):
                audio = call_progress_tone("record_beep", seconds=float(mapped)).gain(-20)
            else:
                audio = self._audio_file(mapped or say.text)
        else:
            audio = self._synthesize(say.text, say.voice, say.language)
        if say.loop > 1:
            audio = Audio.concat([audio] * say.loop)
        heard = self.transmit(audio, leg, "prompt")
        return Prompt(
            say.text,
            round(audio.duration, 6),
            say.voice,
            url=say.text if say.is_audio else None,
            audio=heard,
        )

    def tone(self, name: str, duration: float) -> Prompt:

        audio = call_progress_tone(name, seconds=duration)
        return Prompt(f"<{name}>", duration, audio=audio)

    @staticmethod
    def _audio_file(ref: str) -> Audio:
        path = Path(ref[7:] if ref.startswith("file://") else ref)
        if path.exists():
            return Audio.load(path).mono().resample(LINE_RATE)
        # a remote URL cannot be fetched offline: a comfort tone of the default length

        return call_progress_tone("record_beep", seconds=REMOTE_AUDIO_SECONDS).gain(-20)

    @staticmethod
    def _synthesize(text: str, voice: str | None, language: str | None = None) -> Audio:

        return synthesize(text, voice=voice, rate=LINE_RATE, language=language)

    # -- what the person does ----------------------------------------------------------------------
    def utterance(self, text: str, confidence: float, party: Any = None) -> Utterance:
        voice = getattr(party, "voice", None) or self.caller_voice
        audio = self._synthesize(text, voice)
        return Utterance(text, round(audio.duration, 6), confidence, audio)

    def recognize(
        self, utterance: Utterance, ask: V.Ask | None, leg: Leg | None = None
    ) -> tuple[str, float]:
        """The caller's speech crosses the channel; the flow's recogniser decides."""

        heard = self.transmit(utterance.audio, leg, "speech")
        try:
            result = recognize(
                heard,
                grammar=ask.grammar if ask else None,
                min_confidence=ask.min_confidence if ask else DEFAULT_MIN_CONFIDENCE,
                engine=(ask.recognizer if ask else None) or self.recognizer,
            )
        except SpeechError:
            raise
        except Exception as exc:  # an engine crash is a recognition error on this call
            raise SpeechError(f"speech recognition failed: {exc}") from exc
        return result.answer, float(result.confidence)

    def press(
        self, keys: str, leg: Leg | None = None, start: float = 0.0
    ) -> tuple[list[tuple[str, float]], float]:
        """Real DTMF: the tones cross the channel and the detector says what arrived."""

        audio = generate_dtmf(
            keys, tone_ms=KEY_TONE_MS, gap_ms=KEY_GAP_MS, level_dbfs=KEY_LEVEL_DBFS, rate=LINE_RATE
        )
        heard = self.transmit(audio, leg, "dtmf")
        if leg is not None:
            self.track(leg, "near", start, audio)
        events = detect_dtmf(heard)
        return [(e.digit, round(e.start, 6)) for e in events], audio.duration

    # -- tracks and recordings ---------------------------------------------------------------------
    def track(self, leg: Leg, side: str, start: float, audio: Any) -> None:
        if audio is None or leg is None:
            return
        t = self._tracks.setdefault(leg.sid, _Track())
        getattr(t, side).append((start, audio))

    def cut(self, leg: Leg, at: float) -> None:
        t = self._tracks.get(leg.sid)
        if t and t.far:
            start, audio = t.far[-1]
            t.far[-1] = (start, audio.slice(0, max(0.0, at - start)))

    def call_audio(self, leg: Leg) -> Audio:
        """The whole leg in stereo: left its party, right what the party heard."""
        t = self._tracks.get(leg.sid, _Track())
        origin = leg.created
        end = (leg.ended_at if leg.ended_at is not None else leg.clock.now) - origin
        return Audio.stereo(_mix(t.near, origin, end), _mix(t.far, origin, end))

    def render_recording(self, rec: Any, leg: Leg) -> Audio | None:
        """Audio for a `record` verb (mono, the party) or a call recording (stereo: the
        party left, what it heard right; any two-channel recording is laid out so)."""
        if rec.source == "call" or rec.channels == 2:
            near = [(s.start, s.audio) for s in rec.segments if s.side == "party" and s.audio]
            far = [(s.start, s.audio) for s in rec.segments if s.side == "flow" and s.audio]
            return Audio.stereo(_mix(near, 0.0, rec.duration), _mix(far, 0.0, rec.duration))
        parts = [
            (s.start, self.transmit(s.audio, leg, "record"))
            for s in rec.segments
            if s.audio is not None
        ]
        return _mix(parts, 0.0, rec.duration)

    def transcribe(self, rec: Any) -> str:
        if rec.audio is None:
            return rec.text

        return transcribe(rec.audio).text


def _mix(parts: list[tuple[float, Audio]], origin: float, length: float) -> Audio:
    """Lay sounds on a silent line at their start times (mono, line rate)."""
    n = max(0, round(length * LINE_RATE))
    out = np.zeros(n, np.float32)
    for start, audio in parts:
        a = audio.mono().resample(LINE_RATE).samples
        i = round((start - origin) * LINE_RATE)
        if i >= n or i + a.size <= 0:
            continue
        lo = max(i, 0)
        out[lo : min(n, i + a.size)] += a[lo - i : min(n, i + a.size) - i]
    return Audio(out, LINE_RATE)
