"""Cut a live stream of 16-bit PCM into utterances: where speech starts and ends.

An energy detector that follows the background level (so a quiet room and a noisy one both
work) keeps a little audio before the onset (word beginnings are quiet) and hands each
finished utterance over resampled to the 8 kHz telephone line.  The notebook's microphone
(`telenb.notebook.mic`) and a real SIP call's speech answers (`providers/sip`) both use it.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from ..audio import LINE_RATE, Audio

FRAME_MS = 20.0
TAIL_MS = 200.0  # silence kept after the last speech
# what an audio context can run at (Web Audio requires 8000..96000; 192 kHz for headroom):
# outside it a frame would need millions of samples, so the pending buffer would only grow
MIN_RATE, MAX_RATE = 8000, 192000
MAX_CHUNK_SECONDS = 1.0  # the browser sends 0.1 s at a time


def check_rate(rate: object) -> int:
    """The sample rate a chunk claims, as an int, or a ValueError that says what is allowed."""
    if (
        not isinstance(rate, int | float)
        or isinstance(rate, bool)
        or not math.isfinite(rate)
        or rate != int(rate)
    ):
        raise ValueError(f"microphone sample rate must be a whole number of Hz, not {rate!r}")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"microphone sample rate {rate:g} Hz is outside {MIN_RATE}..{MAX_RATE} Hz")
    return int(rate)


class Endpointer:
    """Cut a live PCM stream into utterances.

    A frame is speech when it is `margin_db` above the tracked background and above
    `floor_dbfs`.  An utterance starts after `min_speech_ms` of speech, ends after
    `silence_ms` of non-speech (or at `max_seconds`), and keeps `preroll_ms` before the onset.
    """

    def __init__(
        self,
        *,
        margin_db: float = 12.0,
        floor_dbfs: float = -50.0,
        min_speech_ms: float = 120.0,
        silence_ms: float = 700.0,
        preroll_ms: float = 250.0,
        max_seconds: float = 15.0,
    ) -> None:
        self.margin_db = margin_db
        self.floor_dbfs = floor_dbfs
        self.min_speech_ms = min_speech_ms
        self.silence_ms = silence_ms
        self.preroll_ms = preroll_ms
        self.max_seconds = max_seconds
        self.rate: int | None = None
        self.received = 0  # samples fed so far
        self.background = -70.0
        self._pending = np.zeros(0, np.float32)
        self._preroll: deque[np.ndarray] = deque()
        self._utt: list[np.ndarray] = []
        self._speech_frames = 0
        self._silent_frames = 0

    @property
    def speaking(self) -> bool:
        """An utterance is under way."""
        return bool(self._utt)

    def feed(self, pcm16: bytes, rate: int) -> list[Audio]:
        """Add a chunk (little-endian int16 mono at `rate`); returns finished utterances."""
        rate = check_rate(rate)
        if len(pcm16) % 2:
            raise ValueError(f"microphone chunk of {len(pcm16)} bytes is not 16-bit PCM")
        if len(pcm16) // 2 > MAX_CHUNK_SECONDS * rate:
            raise ValueError(
                f"microphone chunk of {len(pcm16) // 2} samples is longer than "
                f"{MAX_CHUNK_SECONDS:g} s at {rate} Hz"
            )
        if self.rate is not None and rate != self.rate:
            self.reset()
        self.rate = rate
        x = np.frombuffer(pcm16, "<i2").astype(np.float32) / 32768.0
        self.received += x.size
        buf = np.concatenate([self._pending, x])
        n = max(1, round(self.rate * FRAME_MS / 1000))
        whole = buf.size // n * n
        self._pending = buf[whole:]
        out: list[Audio] = []
        for frame in buf[:whole].reshape(-1, n):
            done = self._frame(frame)
            if done is not None:
                out.append(done)
        return out

    def flush(self) -> list[Audio]:
        """The microphone stopped: hand over an utterance that was under way."""
        done = self._finish() if self._speech_frames * FRAME_MS >= self.min_speech_ms else None
        self.reset()
        return [done] if done is not None else []

    def reset(self) -> None:
        self._pending = np.zeros(0, np.float32)
        self._preroll.clear()
        self._utt = []
        self._speech_frames = self._silent_frames = 0

    def _frame(self, frame: np.ndarray) -> Audio | None:
        power = float(np.mean(frame.astype(np.float64) ** 2))
        db = 10 * np.log10(power) if power > 1e-12 else -120.0
        loud = db > max(self.background + self.margin_db, self.floor_dbfs)
        if not loud:  # follow the background: down fast, up slowly
            step = 0.5 if db < self.background else 0.02
            self.background += step * (max(db, -90.0) - self.background)
        if not self._utt:
            self._preroll.append(frame)
            keep = max(1, round(self.preroll_ms / FRAME_MS))
            while len(self._preroll) > keep:
                self._preroll.popleft()
            self._speech_frames = self._speech_frames + 1 if loud else 0
            if self._speech_frames * FRAME_MS >= self.min_speech_ms:
                self._utt = list(self._preroll)
                self._preroll.clear()
                self._silent_frames = 0
            return None
        self._utt.append(frame)
        self._silent_frames = 0 if loud else self._silent_frames + 1
        if loud:
            self._speech_frames += 1
        too_long = len(self._utt) * FRAME_MS >= self.max_seconds * 1000
        if self._silent_frames * FRAME_MS >= self.silence_ms or too_long:
            return self._finish()
        return None

    def _finish(self) -> Audio | None:
        frames, self._utt = self._utt, []
        trailing = max(0, self._silent_frames - round(TAIL_MS / FRAME_MS))
        if trailing:  # the silence that ended it only delays the flow
            frames = frames[:-trailing]
        self._speech_frames = self._silent_frames = 0
        if not frames or self.rate is None:
            return None
        audio = Audio(np.concatenate(frames), self.rate)
        return audio.resample(LINE_RATE)
