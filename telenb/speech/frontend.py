"""The ASR front end: make line audio look like what acoustic models were trained on.

Telephone audio is 8 kHz, often clipped tight around the words, at any level and with a
DC offset or hum.  Every engine gets the same treatment before recognition:

1. mono, DC removed;
2. endpointing: the speech region is found from frame energies and the rest trimmed,
   keeping a margin so soft onsets survive;
3. the edges are faded (a tight clip that starts on background noise otherwise looks like
   a plosive, which made pocketsphinx hear "two" for "zero"; Whisper wants the opposite,
   see its recogniser);
4. the speech is normalised to a fixed level;
5. resampled to the engine's rate (16 kHz for all bundled models);
6. padded with a little low-level, seeded (so deterministic) noise: models expect
   some silence around an utterance and never see digital zero in training.

Each step was tuned on FSDD with `bench/speech.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..audio import Audio

FRAME = 0.02  # seconds per energy frame


@dataclass(frozen=True)
class FrontEnd:
    """Parameters of the front end (the defaults are the tuned ones)."""

    rate: int = 16000
    level_db: float = -20.0
    pad: float = 0.3
    noise_db: float = -60.0
    fade: float = 0.1
    trim: bool = True
    margin: float = 0.15
    seed: int = 0

    def __call__(self, audio: Audio) -> Audio:
        return prepare(audio, self)


DEFAULT = FrontEnd()


def frame_levels(audio: Audio, frame: float = FRAME) -> np.ndarray:
    """RMS level per frame in dBFS (-120 for digital silence)."""
    s = audio.mono().samples
    n = max(int(frame * audio.rate), 1)
    k = s.size // n
    if k == 0:
        return np.full(1, -120.0) if s.size == 0 else _db(np.sqrt(np.mean(s**2)))[None]
    e = np.sqrt(np.mean(np.square(s[: k * n].reshape(k, n), dtype=np.float64), axis=1))
    return _db(e)


def _db(x: np.ndarray | float) -> np.ndarray:
    return 20 * np.log10(np.maximum(x, 1e-6))


def voiced_frames(audio: Audio, frame: float = FRAME) -> np.ndarray:
    """Per-frame periodicity in the range of a human voice's pitch (80-400 Hz), 0..1.

    The normalised autocorrelation of a 40 ms window around each frame, at its best *local*
    peak between 2.5 and 12.5 ms: voiced speech scores 0.5-1; white, pink or brown noise
    has no interior peak (its autocorrelation only falls) and mains hum repeats every
    16.7-20 ms, outside the range.
    """
    s = audio.mono().samples.astype(np.float64)
    n = max(int(frame * audio.rate), 1)
    k = s.size // n
    if k == 0:
        return np.zeros(0)
    lo, hi = max(int(0.0025 * audio.rate), 1), int(0.0125 * audio.rate) + 1
    w = 2 * n
    padded = np.concatenate([np.zeros(n // 2), s, np.zeros(w)])
    win = np.lib.stride_tricks.sliding_window_view(padded, w)[: k * n : n]
    win = win - win.mean(axis=1, keepdims=True)
    spec = np.fft.rfft(win, 2 * w, axis=1)
    acf = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, : hi + 1]
    energy = acf[:, :1]
    acf = acf / np.maximum(energy, 1e-12) * (w / (w - np.arange(hi + 1)))  # unbiased
    mid = acf[:, lo:hi]
    peaks = (mid > acf[:, lo - 1 : hi - 1]) & (mid >= acf[:, lo + 1 : hi + 1])
    best = np.where(peaks, mid, 0.0).max(axis=1)
    return np.clip(np.where(energy[:, 0] > 0, best, 0.0), 0.0, 1.0)


VOICED = 0.5  # periodicity of a voiced frame
MIN_CONTRAST = 3.0  # dB: a steady tone or hum varies less than this


def speech_bounds(audio: Audio, margin: float = 0.15) -> tuple[float, float] | None:
    """(start, end) seconds of the speech in `audio`, or None when there is no speech.

    A frame is speech when it is well above the noise floor (10th percentile) and within
    40 dB of the loudest frame, and louder than -55 dBFS in absolute terms.  A clip trimmed
    so tightly that it has no quiet floor (the loudest frame less than 9 dB above the
    floor) is speech when its level varies and enough of it is voiced (pitch-like
    periodicity): speech is never dropped for lack of leading silence.
    """
    levels = frame_levels(audio)
    if levels.size == 0:
        return None
    peak = float(levels.max())
    floor = float(np.percentile(levels, 10))
    if peak < -55.0:
        return None
    threshold = max(floor + 9.0, peak - 40.0, -55.0)
    voiced = np.nonzero(levels > threshold)[0]
    if voiced.size == 0:
        if peak - floor < MIN_CONTRAST:
            return None
        loud = levels > max(peak - 20.0, -55.0)
        periodic = voiced_frames(audio)[: levels.size] >= VOICED
        hits = np.nonzero(loud & periodic)[0]
        if hits.size < max(3, 0.2 * np.count_nonzero(loud)):
            return None
        voiced = np.nonzero(loud)[0]
    start = max(voiced[0] * FRAME - margin, 0.0)
    end = min((voiced[-1] + 1) * FRAME + margin, audio.duration)
    return start, end


def is_silent(audio: Audio) -> bool:
    """True for empty audio or audio with nothing that looks like speech."""
    return audio.frames == 0 or speech_bounds(audio) is None


def prepare(audio: Audio, fe: FrontEnd = DEFAULT) -> Audio:
    """Apply the front end; returns audio at `fe.rate` (silent input stays silent)."""
    return prepare_with_offset(audio, fe)[0]


def prepare_with_offset(audio: Audio, fe: FrontEnd = DEFAULT) -> tuple[Audio, float]:
    """`prepare`, plus the time in `audio` that time 0 of the result corresponds to
    (so word timings can be mapped back; negative because of the padding)."""
    a = audio.mono()
    if a.frames == 0:
        return Audio(np.zeros(0, np.float32), fe.rate), 0.0
    s = a.samples - np.float32(a.samples.mean())
    a = Audio(s, a.rate)
    start = 0.0
    if fe.trim:
        bounds = speech_bounds(a, fe.margin)
        if bounds is not None:
            start = bounds[0]
            a = a.slice(*bounds)
    a = a.resample(fe.rate)
    s = a.samples.copy()
    n = min(int(fe.fade * fe.rate), s.size // 2)
    if n > 0:
        w = (0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)).astype(np.float32)
        s[:n] *= w
        s[-n:] *= w[::-1]
    a = Audio(s, fe.rate)
    if not is_silent(a):
        a = a.normalize(fe.level_db)
    pad = int(fe.pad * fe.rate)
    out = np.concatenate([np.zeros(pad, np.float32), a.samples, np.zeros(pad, np.float32)])
    if fe.noise_db is not None:
        rng = np.random.default_rng(fe.seed)
        out = out + rng.normal(0.0, 10 ** (fe.noise_db / 20), out.size).astype(np.float32)
    return Audio(np.clip(out, -1.0, 1.0), fe.rate), start - pad / fe.rate


class StreamingFrontEnd:
    """The front end for live audio: resample chunk by chunk, pad the start and the end.

    Level normalisation uses a slow automatic gain (no look-ahead is possible live).
    """

    def __init__(self, fe: FrontEnd = DEFAULT):
        self.fe = fe
        self._resampler = None
        self._in_rate: int | None = None
        self._rng = np.random.default_rng(fe.seed)
        self._gain = 1.0
        self._started = False

    def _noise(self, n: int) -> np.ndarray:
        return self._rng.normal(0.0, 10 ** (self.fe.noise_db / 20), n).astype(np.float32)

    def feed(self, chunk: Audio) -> np.ndarray:
        """Return prepared float32 samples at `fe.rate` for this chunk."""
        import soxr

        chunk = chunk.mono()
        if self._in_rate is None:
            self._in_rate = chunk.rate
            if chunk.rate != self.fe.rate:
                self._resampler = soxr.ResampleStream(chunk.rate, self.fe.rate, 1, "float32")
        elif chunk.rate != self._in_rate:
            chunk = chunk.resample(self._in_rate)
        s = chunk.samples
        if self._resampler is not None:
            s = self._resampler.resample_chunk(s)
        if s.size:
            level = float(np.sqrt(np.mean(np.square(s, dtype=np.float64))))
            if level > 10 ** (-50 / 20):
                target = 10 ** (self.fe.level_db / 20) / level
                self._gain += 0.3 * (target - self._gain)
        s = np.clip(s * np.float32(self._gain), -1, 1) + self._noise(s.size)
        if not self._started:
            self._started = True
            s = np.concatenate([self._noise(int(self.fe.pad * self.fe.rate)), s])
        return s.astype(np.float32)

    def finish(self) -> np.ndarray:
        tail = np.zeros(0, np.float32)
        if self._resampler is not None:
            tail = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True)
        pad = self._noise(int(self.fe.pad * self.fe.rate))
        return np.concatenate([tail * np.float32(self._gain), pad])


def to_pcm16(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1, 1) * 32767).round().astype("<i2").tobytes()
