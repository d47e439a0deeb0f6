"""Signal measurements: levels, clipping, speech/silence segments, spectrogram data.

Levels are RMS dBFS with a full-scale square wave at 0 dBFS (a full-scale sine is -3.01).
A sample counts as clipped at or above 0.999 of full scale (|int16| >= 32735): converters
that clip pin samples there, and genuine audio rarely sits that close for long.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import Audio

CLIP_LEVEL = 0.999


def _db(power: float) -> float:
    return 10 * float(np.log10(power)) if power > 0 else float("-inf")


@dataclass(frozen=True)
class Levels:
    """Summary levels of a signal (all channels together)."""

    duration: float
    rate: int
    channels: int
    rms_dbfs: float
    peak_dbfs: float
    crest_db: float
    clipped: int
    dc: float

    def __str__(self) -> str:
        def f(x: float) -> str:
            return "-inf" if x == float("-inf") else f"{x:.1f}"

        return (
            f"{self.duration:.3f} s, {self.rate} Hz, {self.channels} ch, "
            f"RMS {f(self.rms_dbfs)} dBFS, peak {f(self.peak_dbfs)} dBFS, "
            f"clipped {self.clipped}"
        )


def clipping(audio: Audio, threshold: float = CLIP_LEVEL) -> int:
    """How many samples sit at or beyond `threshold` of full scale."""
    return int(np.count_nonzero(np.abs(audio.samples) >= threshold))


def levels(audio: Audio, clip_threshold: float = CLIP_LEVEL) -> Levels:
    """RMS and peak level, crest factor, clipped-sample count and DC offset."""
    s = audio.samples.astype(np.float64)
    rms = _db(float(np.mean(s**2))) if s.size else float("-inf")
    peak = _db(float(np.max(np.abs(s))) ** 2) if s.size else float("-inf")
    crest = peak - rms if np.isfinite(rms) and np.isfinite(peak) else 0.0
    return Levels(
        audio.duration,
        audio.rate,
        audio.channels,
        rms,
        peak,
        crest,
        clipping(audio, clip_threshold),
        float(s.mean()) if s.size else 0.0,
    )


@dataclass(frozen=True)
class Segment:
    """A stretch of time in seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def frame_energy_db(
    audio: Audio, frame_ms: float = 20.0, hop_ms: float = 10.0
) -> tuple[np.ndarray, np.ndarray]:
    """(frame centre times, RMS dBFS of each frame with its mean removed)."""
    x = audio.mono().samples.astype(np.float64)
    n = max(round(frame_ms * audio.rate / 1000), 1)
    hop = max(round(hop_ms * audio.rate / 1000), 1)
    if x.size < n:
        return np.zeros(0), np.zeros(0)
    frames = np.lib.stride_tricks.sliding_window_view(x, n)[::hop]
    power = np.var(frames, axis=1)
    with np.errstate(divide="ignore"):
        db = 10 * np.log10(power)
    times = (np.arange(frames.shape[0]) * hop + n / 2) / audio.rate
    return times, db


def speech_segments(
    audio: Audio,
    *,
    frame_ms: float = 20.0,
    hop_ms: float = 10.0,
    min_speech_ms: float = 100.0,
    hangover_ms: float = 150.0,
    min_gap_ms: float = 200.0,
    floor_dbfs: float = -60.0,
) -> list[Segment]:
    """Energy-based voice activity: where the signal rises clearly above its background.

    A frame is active when its level exceeds the largest of: the background (10th
    percentile of frame levels) + 12 dB, the loudest frame - 40 dB, and `floor_dbfs`.
    Active stretches are extended by `hangover_ms` (word endings are quiet), gaps shorter
    than `min_gap_ms` are bridged, and stretches shorter than `min_speech_ms` dropped.
    """
    times, db = frame_energy_db(audio, frame_ms, hop_ms)
    if db.size == 0 or not np.isfinite(db).any():
        return []
    db = np.maximum(db, -120.0)  # digital silence counts as very quiet background
    background = float(np.percentile(db, 10))
    threshold = max(background + 12.0, float(db.max()) - 40.0, floor_dbfs)
    active = db > threshold
    half = frame_ms / 2000
    hang = hangover_ms / 1000
    merged: list[list[float]] = []  # [start, end of activity]
    for a, b in _runs(active):
        start, end = times[a] - half, times[b - 1] + half
        if merged and start - (merged[-1][1] + hang) < min_gap_ms / 1000:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return [
        Segment(round(max(float(a), 0.0), 3), round(min(float(b) + hang, audio.duration), 3))
        for a, b in merged
        if b - a >= min_speech_ms / 1000
    ]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of True runs."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


@dataclass(frozen=True)
class Spectrogram:
    """Power spectrogram in dBFS: `db[freq, time]`."""

    times: np.ndarray
    freqs: np.ndarray
    db: np.ndarray


def spectrogram(audio: Audio, window_ms: float = 32.0, hop_ms: float = 8.0) -> Spectrogram:
    """Short-time power spectrum (Hann window), scaled so a full-scale sine peaks at 0 dB."""
    from scipy.signal import spectrogram as _spec

    x = audio.mono().samples.astype(np.float64)
    n = max(round(window_ms * audio.rate / 1000), 8)
    hop = max(round(hop_ms * audio.rate / 1000), 1)
    if x.size < n:
        return Spectrogram(
            np.zeros(0), np.fft.rfftfreq(n, 1 / audio.rate), np.zeros((n // 2 + 1, 0))
        )
    freqs, times, sxx = _spec(
        x, fs=audio.rate, window="hann", nperseg=n, noverlap=n - hop, scaling="spectrum", mode="psd"
    )
    # 'spectrum' scaling gives A^2/2 for a sine of amplitude A; normalise to full-scale sine
    with np.errstate(divide="ignore"):
        db = 10 * np.log10(np.maximum(sxx * 2, 1e-20))
    return Spectrogram(times, freqs, db)
