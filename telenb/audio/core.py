"""The `Audio` value type: samples plus a rate, immutable by convention.

Samples are float32 in [-1, 1], shape (n,) for mono or (n, channels).
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AudioError
from .fileio import read, write

LINE_RATE = 8000  # the telephone channel

# Level convention. dBFS here is RMS relative to a full-scale square wave, so a full-scale
# sine is -3.01 dBFS. For telephone levels (dBm0) we follow G.711 mu-law: a 0 dBm0 sine has
# its peak 3.17 dB below full scale, i.e. an RMS level of -3.17 - 3.01 = -6.18 dBFS.
# (A-law's figure is 3.14 dB; the 0.03 dB difference is ignored.)
DBM0_DBFS = -6.18


def dbm0_to_dbfs(dbm0: float) -> float:
    """A telephone level in dBm0 as an RMS level in dBFS (0 dBm0 = -6.18 dBFS)."""
    return dbm0 + DBM0_DBFS


def dbfs_to_dbm0(dbfs: float) -> float:
    """An RMS level in dBFS as dBm0."""
    return dbfs - DBM0_DBFS


@dataclass(frozen=True, eq=False)
class Audio:
    """Samples plus their rate: the one currency every telenb audio function takes.

    Integer samples are scaled to [-1, 1) (int16 / 32768), unsigned ones are offset
    binary. Operations return new objects; identity comparison only (arrays have no
    single truth value).
    """

    samples: np.ndarray
    rate: int

    def __post_init__(self) -> None:
        s = np.asarray(self.samples)
        if s.ndim not in (1, 2):
            raise AudioError(f"audio samples must be 1-D or 2-D (frames, channels), got {s.ndim}-D")
        if s.ndim == 2 and s.shape[0] <= 8 < s.shape[1]:
            raise AudioError(
                f"audio samples of shape {s.shape} look like (channels, frames); "
                "pass samples.T, shaped (frames, channels)"
            )
        if not np.issubdtype(s.dtype, np.floating):
            if np.issubdtype(s.dtype, np.signedinteger):
                s = s.astype(np.float32) / float(np.iinfo(s.dtype).max + 1)
            elif np.issubdtype(s.dtype, np.unsignedinteger):  # offset binary, e.g. 8-bit WAV
                half = float(np.iinfo(s.dtype).max + 1) / 2
                s = (s.astype(np.float64) - half) / half
            else:
                raise AudioError(f"audio samples must be real numbers, got dtype {s.dtype}")
        s = s.astype(np.float32, copy=False)
        if s.size and not np.all(np.isfinite(s)):
            bad = int(np.count_nonzero(~np.isfinite(s)))
            raise AudioError(
                f"audio contains {bad} NaN or infinite samples; clean it first "
                "(for example np.nan_to_num)"
            )
        try:
            bad_rate = int(self.rate) != self.rate or self.rate <= 0
        except (TypeError, ValueError):
            bad_rate = True
        if bad_rate:
            raise AudioError(f"sample rate must be a positive integer, got {self.rate!r}")
        object.__setattr__(self, "samples", s)
        object.__setattr__(self, "rate", int(self.rate))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def silence(cls, seconds: float, rate: int = LINE_RATE, channels: int = 1) -> Audio:
        """`seconds` of digital silence."""
        if seconds < 0 or channels < 1:
            raise AudioError(
                f"silence needs seconds >= 0 and channels >= 1, got {seconds}, {channels}"
            )
        n = round(seconds * rate)
        shape = (n,) if channels == 1 else (n, channels)
        return cls(np.zeros(shape, np.float32), rate)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike,
        rate: int | None = None,
        *,
        allow_truncated: bool = False,
        max_bytes: int | None = None,
    ) -> Audio:
        """Read WAV, FLAC or OGG (optionally resampled to `rate`).

        Truncated, empty or unreadable files raise `AudioError` naming the file and the
        reason; `allow_truncated=True` reads what is left of a cut-short WAV file.  A file
        whose samples would take more than `max_bytes` of memory (default: the
        TELENB_AUDIO_MAX_BYTES environment variable, else 1 GiB) is refused from its header
        before it is read.
        """

        data, file_rate = read(path, allow_truncated=allow_truncated, max_bytes=max_bytes)
        audio = cls(data, file_rate)
        return audio if rate is None else audio.resample(rate)

    def save(self, path: str | os.PathLike, subtype: str | None = None) -> Path:
        """Write atomically (temp file then rename); format from the suffix.

        Default encodings: 16-bit PCM for WAV and FLAC, Vorbis for OGG; samples outside
        [-1, 1] are clipped.
        """

        return write(path, self.samples, self.rate, subtype)

    # -- properties ---------------------------------------------------------------------------
    @property
    def channels(self) -> int:
        return 1 if self.samples.ndim == 1 else self.samples.shape[1]

    @property
    def frames(self) -> int:
        return self.samples.shape[0]

    @property
    def duration(self) -> float:
        return self.frames / self.rate

    def __len__(self) -> int:
        return self.frames

    def mono(self) -> Audio:
        """Channels averaged (a mono signal is returned as is)."""
        return self if self.channels == 1 else Audio(self.samples.mean(axis=1), self.rate)

    def channel(self, index: int) -> Audio:
        """One channel as mono audio."""
        if self.channels == 1:
            if index != 0:
                raise AudioError(f"mono audio has only channel 0, not {index}")
            return self
        return Audio(self.samples[:, index], self.rate)

    # -- operations ---------------------------------------------------------------------------
    def resample(self, rate: int) -> Audio:
        """High-quality resampling with soxr (the libsoxr 'HQ' recipe)."""
        if rate == self.rate:
            return self
        if rate <= 0 or int(rate) != rate:
            raise AudioError(f"target sample rate must be a positive integer, got {rate!r}")
        if self.frames == 0:
            return Audio(self.samples[:0], int(rate))
        import soxr

        out = soxr.resample(self.samples, self.rate, int(rate), quality="HQ")
        return Audio(out.astype(np.float32, copy=False), int(rate))

    def gain(self, db: float) -> Audio:
        """Louder or quieter by `db` decibels (no clipping here; saving clips)."""
        return Audio(self.samples * np.float32(10 ** (db / 20)), self.rate)

    def level_dbfs(self) -> float:
        """RMS level relative to a full-scale square wave (so a full-scale sine is -3.01)."""
        if self.frames == 0:
            return float("-inf")
        rms = float(np.sqrt(np.mean(np.square(self.samples, dtype=np.float64))))
        return 20 * np.log10(rms) if rms > 0 else float("-inf")

    def peak_dbfs(self) -> float:
        """Largest absolute sample in dB relative to full scale."""
        peak = float(np.max(np.abs(self.samples))) if self.frames else 0.0
        return 20 * np.log10(peak) if peak > 0 else float("-inf")

    def normalize(self, dbfs: float = -20.0) -> Audio:
        """Scaled to an RMS level of `dbfs` (silence stays silence)."""
        level = self.level_dbfs()
        return self if level == float("-inf") else self.gain(dbfs - level)

    def slice(self, start: float = 0.0, end: float | None = None) -> Audio:
        """The part from `start` to `end` seconds."""
        a = round(start * self.rate)
        b = self.frames if end is None else round(end * self.rate)
        return Audio(self.samples[max(a, 0) : max(b, 0)], self.rate)

    def pad(self, before: float = 0.0, after: float = 0.0) -> Audio:
        """Silence added before and after (seconds)."""
        widths = [(round(before * self.rate), round(after * self.rate))]
        if self.channels > 1:
            widths.append((0, 0))
        return Audio(np.pad(self.samples, widths), self.rate)

    def _matched(self, other: Audio) -> Audio:
        other = other.resample(self.rate) if other.rate != self.rate else other
        if other.channels != self.channels:
            if other.channels == 1:
                other = Audio(np.repeat(other.samples[:, None], self.channels, axis=1), self.rate)
            elif self.channels == 1:
                other = other.mono()
            else:
                raise AudioError(
                    f"cannot combine {self.channels}-channel and {other.channels}-channel audio"
                )
        return other

    def __add__(self, other: Audio) -> Audio:
        """Concatenation, like sequences (other is resampled to this rate)."""
        if not isinstance(other, Audio):
            return NotImplemented
        return Audio(np.concatenate([self.samples, self._matched(other).samples]), self.rate)

    def mix(self, other: Audio, offset: float = 0.0) -> Audio:
        """Sum `other` into this audio starting `offset` seconds in, extending as needed."""
        if offset < 0:
            raise AudioError(f"mix offset must not be negative, got {offset} s")
        other = self._matched(other)
        start = round(offset * self.rate)
        n = max(self.frames, start + other.frames)
        shape = (n,) if self.channels == 1 else (n, self.channels)
        out = np.zeros(shape, np.float32)
        out[: self.frames] += self.samples
        out[start : start + other.frames] += other.samples
        return Audio(out, self.rate)

    @staticmethod
    def concat(parts: Sequence[Audio], rate: int | None = None) -> Audio:
        """Parts one after another, at `rate` (default: the first part's rate)."""
        if not parts:
            return Audio.silence(0, rate or LINE_RATE)
        first = parts[0] if rate is None else parts[0].resample(rate)
        return Audio(
            np.concatenate([first.samples] + [first._matched(p).samples for p in parts[1:]]),
            first.rate,
        )

    @staticmethod
    def stereo(left: Audio, right: Audio) -> Audio:
        """Two mono signals as one two-channel signal (shorter one padded with silence)."""
        right = left._matched(right.mono())
        left = left.mono()
        n = max(left.frames, right.frames)
        out = np.zeros((n, 2), np.float32)
        out[: left.frames, 0] = left.samples
        out[: right.frames, 1] = right.samples
        return Audio(out, left.rate)

    def pcm16(self) -> np.ndarray:
        """Samples as int16 (scale 32768, rounded, clipped), the inverse of `from_pcm16`.

        Scaling by 32768 (not 32767) makes int16 -> Audio -> int16 exact, which codecs need.
        """
        return np.clip(np.round(self.samples * 32768.0), -32768, 32767).astype(np.int16)

    def to_pcm16(self) -> bytes:
        """Little-endian 16-bit PCM bytes (interleaved if multi-channel)."""
        return self.pcm16().astype("<i2", copy=False).tobytes()

    @classmethod
    def from_pcm16(cls, data: bytes, rate: int, channels: int = 1) -> Audio:
        """Little-endian 16-bit PCM bytes (interleaved frames) as audio."""
        if len(data) % (2 * channels):
            raise AudioError(f"PCM16 data of {len(data)} bytes is not whole {channels}-ch frames")
        s = np.frombuffer(data, "<i2").astype(np.float32) / 32768
        return cls(s if channels == 1 else s.reshape(-1, channels), rate)

    def wav_bytes(self) -> bytes:
        """A 16-bit WAV file in memory (for players and HTTP responses)."""
        import soundfile as sf

        buf = io.BytesIO()
        sf.write(buf, self.pcm16(), self.rate, format="WAV", subtype="PCM_16")
        return buf.getvalue()

    # -- display ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        ch = "mono" if self.channels == 1 else f"{self.channels} ch"
        level = self.level_dbfs()
        lv = "silent" if level == float("-inf") else f"{level:.1f} dBFS"
        return f"<Audio {self.duration:.3f} s, {self.rate} Hz, {ch}, {lv}>"

    def _repr_html_(self) -> str:
        """An embedded player plus a small inline SVG waveform (no JavaScript needed)."""
        b64 = base64.b64encode(self.wav_bytes()).decode("ascii")
        return (
            f"<div class='telenb-audio'><div>{_html_escape(repr(self))}</div>"
            f"{_waveform_svg(self)}"
            f"<audio controls src='data:audio/wav;base64,{b64}'></audio></div>"
        )


def _html_escape(text: str) -> str:
    return html.escape(text)


def _waveform_svg(audio: Audio, width: int = 400, height: int = 60) -> str:
    s = audio.mono().samples
    if s.size == 0:
        return f"<svg width='{width}' height='{height}'></svg>"
    bins = np.array_split(np.abs(s), min(width, s.size))
    peaks = np.array([b.max() if b.size else 0.0 for b in bins])
    mid = height / 2
    pts = " ".join(f"M{i},{mid - p * mid:.1f}V{mid + p * mid:.1f}" for i, p in enumerate(peaks))
    return (
        f"<svg width='{width}' height='{height}' style='background:#f7f7f7'>"
        f"<path d='{pts}' stroke='#2a6fb0' stroke-width='1'/></svg>"
    )


def as_audio(obj: Audio | str | os.PathLike) -> Audio:
    """Accept an `Audio` or a path to an audio file."""
    if isinstance(obj, Audio):
        return obj
    if isinstance(obj, (str, os.PathLike)):
        return Audio.load(obj)
    raise AudioError(f"expected Audio or a path to an audio file, got {type(obj).__name__}")
