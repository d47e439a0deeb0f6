"""DTMF (ITU-T Q.23) generation and a Goertzel detector built to ITU-T Q.24 receiver limits.

Levels: `level_dbfs` is the RMS level of one tone in dBFS (full-scale square wave = 0 dBFS,
so a full-scale sine is -3.01 dBFS). Telephone levels are in dBm0; this package uses the
G.711 mu-law convention that a 0 dBm0 sine is 3.17 dB below a full-scale sine, i.e.
0 dBm0 = -6.18 dBFS (see `core.DBM0_DBFS`).

The detector (`DtmfDetector`, `detect_dtmf`) analyses 16 ms Hann-windowed frames every
5 ms with a Goertzel filter bank (the eight DTMF frequencies plus the DFT bins below
600 Hz, used to measure the signal energy above the dial-tone band). A frame is a
candidate for a digit when, in each group, the strongest tone

* is above the absolute threshold of -42 dBm0 per tone (between the weakest level we
  must accept, -29 dBm0, and the Q.24 non-operate level, -55 dBm0),
* has a frequency within +/-2.5 % of nominal, measured from the phase advance of its
  Goertzel output between consecutive frames (Q.24: accept +/-1.5 %, reject +/-3.5 %),
* and the pair has a twist (high minus low) within -10..+6 dB (Q.24: accept -8..+4 dB)
  and carries at least 80 % of the energy above 600 Hz (rejects speech and music, keeps
  tones in 15 dB S/N noise and over dial tone).

Timing comes from the tone envelope: a digit's duration is the span of frames whose tone
amplitude is at least half the digit's peak, which for a Hann window is the span of frame
centres inside the tone. A digit is reported once it has ended (5 frames, 25 ms, below
half amplitude), lasted at least 30 ms and gave at least 5 candidate frames (a 40 ms tone
gives 6-7, a 20 ms tone 2-3; Q.24: accept >= 40 ms, reject <= 20 ms). A dip of up to
10 ms is bridged, a 40 ms pause separates digits. The candidate-frame count is also the
main talk-off guard: speech rarely holds a clean, steady tone pair for 25 ms.

Streaming works on absolute frame positions, so feeding a signal whole or in any chunking
gives identical events: each frame's values come from its own rows of matrix products and
elementwise arithmetic in a fixed order (no reduction across frames), and the digit state
machine (`dtmf_runs`) steps only through clusters of candidate frames and the frames just
after a digit. The tables and scratch arrays live in `dtmf_tables`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..errors import AudioError
from .core import LINE_RATE, Audio
from .dtmf_runs import EDGE, END_FRAMES, RunTracker
from .dtmf_tables import BLOCK as _BLOCK
from .dtmf_tables import (
    CHUNK,
    DTYPE,
    FRAME_S,
    GATHER,
    HIGH,
    HOP_S,
    LOW,
    PURITY,
    matmul,
    round4,
    scratch,
    tables,
)

KEYPAD = ("123A", "456B", "789C", "*0#D")  # rows: low group, columns: high group
DIGITS = "0123456789*#ABCD"
_POS = {d: (r, c) for r, row in enumerate(KEYPAD) for c, d in enumerate(row)}
BATCH_MS = 10_000.0  # the default batch: see DtmfDetector (feed() alone is lazy)
_SMALL = 4096  # samples of a chunk copied into the buffer as it is
_STORE_S = 10.0  # seconds of such chunks buffered at most (a longer batch analyses then)
_F32 = np.dtype(DTYPE)
_DIGIT_INDEX = np.array([DIGITS.index(d) for row in KEYPAD for d in row])  # keypad -> DIGITS


def dtmf_frequencies(digit: str) -> tuple[float, float]:
    """(low, high) frequencies in Hz of one DTMF digit."""
    try:
        r, c = _POS[digit.upper()]
    except (KeyError, AttributeError):
        raise AudioError(f"{digit!r} is not a DTMF digit; use 0-9, *, # or A-D") from None
    return LOW[r], HIGH[c]


def generate_dtmf(
    digits: str,
    *,
    tone_ms: float = 50.0,
    gap_ms: float = 50.0,
    level_dbfs: float = -10.0,
    twist_db: float = 0.0,
    low_offset: float = 0.0,
    high_offset: float = 0.0,
    rate: int = LINE_RATE,
    lead_ms: float = 0.0,
) -> Audio:
    """Digits as DTMF tone bursts separated by silence.

    `level_dbfs` is the low tone's RMS level, the high tone is `twist_db` louder (Q.24's
    twist: high minus low). `low_offset`/`high_offset` shift each group by a fraction
    (0.015 = +1.5 %), for testing receivers. `lead_ms` of silence precede the first digit;
    a gap follows every digit, so strings concatenate cleanly.
    """
    digits = "".join(str(digits).split())
    if tone_ms <= 0 or gap_ms < 0 or lead_ms < 0:
        raise AudioError("tone_ms must be positive and gap_ms, lead_ms not negative")
    if rate < LINE_RATE:
        raise AudioError(f"DTMF needs a sample rate of at least 8000 Hz, got {rate}")
    a_low = np.sqrt(2) * 10 ** (level_dbfs / 20)
    a_high = a_low * 10 ** (twist_db / 20)
    if a_low + a_high > 1.0:
        raise AudioError(
            f"DTMF at {level_dbfs} dBFS with {twist_db} dB twist would clip "
            f"(peak {a_low + a_high:.2f}); lower level_dbfs"
        )
    n_tone, n_gap = round(tone_ms * rate / 1000), round(gap_ms * rate / 1000)
    t = np.arange(n_tone) / rate
    parts = [np.zeros(round(lead_ms * rate / 1000))]
    for d in digits:
        f_low, f_high = dtmf_frequencies(d)
        burst = a_low * np.sin(2 * np.pi * f_low * (1 + low_offset) * t)
        burst += a_high * np.sin(2 * np.pi * f_high * (1 + high_offset) * t)
        parts += [burst, np.zeros(n_gap)]
    return Audio(np.concatenate(parts).astype(np.float32), rate)


@dataclass(frozen=True)
class DtmfEvent:
    """One detected digit; `start`/`end` in seconds from the start of the stream."""

    digit: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def goertzel(frames: np.ndarray, freqs: Iterable[float], rate: int) -> np.ndarray:
    """DFT of each row of `frames` at arbitrary frequencies, by the Goertzel recurrence.

    Returns complex (rows, len(freqs)), equal to sum_n x[n] exp(-2j pi f n / rate): a few
    bins cost O(N) each instead of a whole FFT.
    """
    x = np.asarray(frames, dtype=np.float64)
    if x.ndim == 1:
        return goertzel(x[None, :], freqs, rate)[0]
    xt = np.ascontiguousarray(x.T)
    s1, s2, _ = _goertzel_state(xt, 2 * np.pi * np.asarray(list(freqs), float) / rate)
    return _goertzel_finish(s1, s2, 2 * np.pi * np.asarray(list(freqs), float) / rate, len(xt)).T


def _goertzel_state(xt: np.ndarray, omega: np.ndarray) -> tuple[np.ndarray, ...]:
    """Run the recurrence over columns of `xt` (samples, frames); also sum x^2 per frame."""
    n_freq, n_frames = omega.size, xt.shape[1]
    coef = (2 * np.cos(omega))[:, None]
    s1 = np.zeros((n_freq, n_frames))
    s2 = np.zeros((n_freq, n_frames))
    tmp = np.empty((n_freq, n_frames))
    energy = np.zeros(n_frames)
    for xn in xt:
        np.multiply(s1, coef, out=tmp)
        tmp -= s2
        tmp += xn
        s2, s1, tmp = s1, tmp, s2
        energy += xn * xn
    return s1, s2, energy


def _goertzel_finish(s1: np.ndarray, s2: np.ndarray, omega: np.ndarray, n: int) -> np.ndarray:
    w = omega[:, None]
    return (s1 - np.exp(-1j * w) * s2) * np.exp(-1j * w * (n - 1))


class DtmfDetector:
    """Streaming DTMF receiver: `feed(chunk)` returns digits that ended, `poll()` the digits
    that ended so far, `flush()` the rest.

    Results do not depend on how the signal is chunked or when digits are read. A chunk of
    float32 samples (an RTP frame: up to 4096) is only copied into a preallocated buffer;
    the analysis runs, over everything buffered at once, when `batch_ms` of new audio is
    buffered or when digits are read (`poll()`, `flush()`). Latency bound: a digit is
    reported by the first `poll()` (or batch) at least 25 ms plus one frame (41 ms) after
    its tone stopped, and `feed()` alone reports it at most `batch_ms` after that; a
    live consumer polls at the rate it needs (every RTP packet if it wants), a batch
    consumer never pays for it. After `flush()` the detector is reset and times start
    again from zero.

    Such a chunk's finite check runs with the analysis that reads it: a NaN or infinite
    sample then raises from that `feed()`, `poll()` or `flush()`, and the audio fed since
    the previous analysis is dropped (other chunks are checked as they are fed).

    The tone bins of every frame come from one matrix product per block: frames start
    every hop, so a frame is a few whole hop-long rows of the signal plus part of the next,
    and its windowed DFT is the sum of those rows' products with slices of a windowed
    cos/sin basis (BLAS computes each row's dot products alone, in a fixed order, however
    many rows share the call). The tests then run from cheap to costly, each on the frames
    that passed the one before: level, twist, frequency (phase advance), and the energy
    above the dial-tone band (purity).
    """

    def __init__(self, rate: int = LINE_RATE, batch_ms: float = BATCH_MS) -> None:
        if int(rate) != rate or rate < LINE_RATE:
            raise AudioError(
                f"the DTMF detector needs a sample rate of at least 8000 Hz, got {rate!r} "
                "(resample the audio first)"
            )
        self.rate = int(rate)
        self._n = n = round(FRAME_S * self.rate)
        self._hop = round(HOP_S * self.rate)
        if batch_ms < 0:
            raise AudioError(f"batch_ms must not be negative, got {batch_ms}")
        self._batch = max(round(batch_ms / 1000 * self.rate), 1)
        self._need = self._batch + n  # buffered samples that trigger an analysis
        # the buffer small chunks are copied into (a batch, at most _STORE_S of audio, and
        # one more chunk); when it is full, the analysis runs, batch or not
        self._cap = min(self._need, round(_STORE_S * self.rate))
        self._store = np.empty(self._cap + _SMALL, DTYPE)
        self._zero: dict[np.dtype, np.ndarray] = {}  # zeros to dot samples with, per dtype
        self._tab = tables(self.rate)
        self._rows = self._tab.rows
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next sample is time zero."""
        self._buf = np.zeros(0, DTYPE)  # starts at the next frame to analyse
        self._fill = 0  # _store[:_fill]: small chunks since the last analysis (after _buf)
        self._chunks: list[np.ndarray] = []  # fed, not yet joined to _buf (after _store)
        self._pending = 0  # samples in _buf and _chunks
        self._room = self._cap  # _store fill that triggers an analysis: min(_need - _pending, _cap)
        self._next_frame = 0
        self._prev = np.zeros(16, DTYPE)  # last frame's tone bins (re, im)
        self._tail = np.zeros((8, EDGE), DTYPE)  # tone powers of the last EDGE frames
        self._runs = RunTracker()

    # -- public -------------------------------------------------------------------------------
    def feed(self, chunk: np.ndarray | Audio) -> list[DtmfEvent]:
        """Add samples (float, mono, at this detector's rate); return digits that ended."""
        x = chunk
        # the usual chunk (float32 samples of an Audio, up to 4096 of them) is only copied
        # into the buffer; its finite check waits for the analysis (see the class)
        if type(x) is np.ndarray and x.dtype is _F32 and x.ndim == 1 and not self._chunks:
            fill = self._fill
            end = fill + x.size
            if end - fill <= _SMALL:
                self._store[fill:end] = x
                self._fill = end
                return self._process() if end >= self._room else []
        x = self._samples(chunk)
        self._chunks.append(x)
        self._pending += x.size
        self._room = min(self._need - self._pending, self._cap)
        return self._process() if self._fill >= self._room else []

    def poll(self) -> list[DtmfEvent]:
        """Analyse what is buffered now; return the digits that ended (see the latency
        bound in the class docstring)."""
        return self._process() if self._fill or self._chunks else []

    def flush(self) -> list[DtmfEvent]:
        """End of stream: pad with silence, report any digit still sounding, and reset."""
        pad = np.zeros(self._n + END_FRAMES * self._hop)
        self._chunks.append(pad)
        self._pending += pad.size
        self._room = min(self._need - self._pending, self._cap)
        events = self._process() + self._events(self._runs.finish())
        self.reset()
        return events

    # -- internals ----------------------------------------------------------------------------
    def _samples(self, chunk: np.ndarray | Audio) -> np.ndarray:
        if isinstance(chunk, Audio):
            if chunk.rate != self.rate:
                raise AudioError(
                    f"audio at {chunk.rate} Hz fed to a {self.rate} Hz DTMF detector; "
                    "resample it or use detect_dtmf(), which resamples"
                )
            chunk = chunk.mono().samples
        x = np.asarray(chunk)
        if x.ndim != 1:
            raise AudioError(f"feed mono samples (1-D), got shape {x.shape}")
        kind = x.dtype.kind
        if kind in "iu":
            x = x / float(np.iinfo(x.dtype).max + 1)
        elif kind != "f":
            x = x.astype(np.float64)
        # x . 0 is 0 when every sample is finite, NaN otherwise (0 * inf is NaN): one BLAS
        # call for a chunk; a long buffer's x . x is finite unless a sample is not or the
        # sum overflows, and only then min and max tell (NaN propagates, infinities show)
        with np.errstate(invalid="ignore", over="ignore"):  # the answer is the error below
            finite = not x.size or (
                math.isfinite(x.dot(self._zeros(x)))
                if x.size <= 4096
                else math.isfinite(x.dot(x)) or bool(-np.inf < x.min() and x.max() < np.inf)
            )
        if not finite:
            raise AudioError("DTMF detector fed NaN or infinite samples")
        return x

    def _zeros(self, x: np.ndarray) -> np.ndarray:
        z = self._zero.get(x.dtype)
        if z is None or z.size < x.size:
            z = self._zero[x.dtype] = np.zeros(4096, x.dtype)
        return z[: x.size]

    def _process(self) -> list[DtmfEvent]:
        n, hop, q = self._n, self._hop, self._rows
        fill, store = self._fill, self._store
        if fill:
            new = store[:fill]
            with np.errstate(invalid="ignore", over="ignore"):  # the answer is the error below
                finite = math.isfinite(new.dot(new)) or bool(
                    -np.inf < new.min() and new.max() < np.inf
                )
            if not finite:  # drop what came since the last analysis, as if never fed
                self._fill, self._chunks, self._pending = 0, [], self._buf.size
                self._room = min(self._need - self._pending, self._cap)
                raise AudioError("DTMF detector fed NaN or infinite samples")
        parts = [self._buf] if self._buf.size else []
        if fill:
            parts.append(store[:fill])
        parts += self._chunks
        self._chunks, self._fill = [], 0
        found: list[tuple[int, int, int]] = []
        if len(parts) > 1 and parts[0].dtype == DTYPE and parts[0].size > _BLOCK * hop:
            # a long first part (detect_dtmf's audio before the flush padding): its frames
            # whose hop rows it holds whole are read in place, not copied
            inside = parts[0].size // hop - q + 1
            found += self._frames(parts[0], inside)
            parts[0] = parts[0][inside * hop :]
        if len(parts) == 1 and parts[0].dtype == DTYPE:
            buf = parts[0]  # read in place; what is kept is copied below
        else:
            buf = np.concatenate(parts, dtype=DTYPE)
        available = (buf.size - n) // hop + 1 if buf.size >= n else 0
        found += self._frames(buf, available)
        self._buf = buf[available * hop :].copy()
        self._pending = self._buf.size
        self._room = min(self._need - self._pending, self._cap)
        return self._events(found) if found else []

    def _frames(self, buf: np.ndarray, count: int) -> list[tuple[int, int, int]]:
        """Analyse the first `count` frames of `buf` (the next frames of the stream)."""
        hop, q = self._hop, self._rows
        found: list[tuple[int, int, int]] = []
        for b in range(0, count, _BLOCK):
            m = min(_BLOCK, count - b)
            x = buf[b * hop : (b + m + q - 1) * hop]
            cpos, cdig, cs, power = self._analyse(x, m)
            if cpos.size or self._runs.run is not None:
                found += self._runs.block(cpos, cdig, cs, np.sqrt(power), self._next_frame + b)
        self._next_frame += count
        return found

    def _analyse(
        self, x: np.ndarray, m: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Frames 0..m-1 of `x` (frame k starts at k * hop; x holds at least frame m-1):
        candidate frames, their digit (index into DIGITS) and tone amplitude sum, and the
        (8, EDGE + m) tone powers, with the EDGE frames before these in front."""
        hop, q, n, tab = self._hop, self._rows, self._n, self._tab
        rows = m + q - 1
        w = scratch(self.rate, m, hop, q)
        if x.size < rows * hop:  # the last frame ends inside a row: pad it with zeros
            pad = w.x[: rows * hop]
            pad[: x.size] = x
            pad[x.size :] = 0
            x = pad
        xr = x[: rows * hop].reshape(rows, hop)
        # bins[k, b] = sum_i prod[k + i, 16 i + b], summed in a fixed order, a chunk of frames
        # at a time (the products stay in cache); row 0 of bins is the frame before (for the
        # phase advance), and the powers go one bin per row, along contiguous frames
        bins = w.acc[: (m + 1) * 16].reshape(m + 1, 16)
        bins[0] = self._prev
        power = np.empty((8, EDGE + m), DTYPE)
        power[:, :EDGE] = self._tail
        pw = power[:, EDGE:]
        for c0 in range(0, m, CHUNK):
            c = min(CHUNK, m - c0)
            prod = w.prod[: (c + q - 1) * 16 * q].reshape(c + q - 1, 16 * q)
            matmul(xr[c0 : c0 + c + q - 1], tab.basis, prod)
            cur = bins[1 + c0 : 1 + c0 + c]
            np.add(prod[:c, :16], prod[1 : c + 1, 16:32], out=cur)
            for i in range(2, q):
                cur += prod[i : i + c, 16 * i : 16 * i + 16]
            sq = np.multiply(cur, cur, out=w.sq[: 16 * c].reshape(c, 16))
            np.add(sq[:, 0::2].T, sq[:, 1::2].T, out=pw[:, c0 : c0 + c])
        self._prev = bins[m].copy()
        self._tail = power[:, -EDGE:].copy()
        groups = pw.reshape(2, 4, m)  # low group, high group
        top = groups.max(axis=1)  # each group's strongest tone, per frame
        idx = np.flatnonzero(top.min(axis=0) >= tab.pow_min)
        pair = np.zeros((2, 0), np.intp)
        if idx.size:
            top = top[:, idx]
            keep = (top[1] >= tab.twist[0] * top[0]) & (top[1] <= tab.twist[1] * top[0])
            idx, top = idx[keep], top[:, keep]
        if idx.size:
            # the strongest tone of each group: the first bin equal to the group's maximum
            g = groups[:, :, idx]
            pair = np.where(g[:, 2] == top, 2, 3)
            pair = np.where(g[:, 1] == top, 1, pair)
            pair = np.where(g[:, 0] == top, 0, pair)
            pair[1] += 4
            # r = X_k * conj(X_k-1) * exp(-jwH): its angle is the frequency offset times H
            # (plain real arithmetic: numpy's complex loops may fuse multiply-adds in some
            # lanes and not others, which would make a frame's result depend on the block)
            flat = bins.view(np.complex64).ravel()  # bins hold (re, im) pairs
            at = pair + (idx * 8 + 8)
            zc, zp = flat[at], flat[at - 8]
            tr, ti, pr, pi = zc.real, zc.imag, zp.real, zp.imag
            ur = tr * pr + ti * pi
            ui = ti * pr - tr * pi
            cr, ci = tab.rot_re[pair], tab.rot_im[pair]
            rr = ur * cr - ui * ci
            ri = ur * ci + ui * cr
            ok = (rr > 0) & (np.abs(ri) <= tab.tan[pair] * rr)
            keep = np.flatnonzero(ok[0] & ok[1])
            idx, top, pair = idx[keep], top[:, keep], pair[:, keep]
        if idx.size:
            # purity: the windowed frame energy (from hop rows), less the bins below 600 Hz;
            # as those are never negative, frames pure against the whole energy need no low
            # bins (the same decision either way, so any block size gives the same result)
            tone = (top[0] + top[1]) * tab.purity_k
            xx = np.multiply(xr, xr, out=w.xx[: rows * hop].reshape(rows, hop))
            e = np.empty((rows, q), DTYPE)
            matmul(xx, tab.w2, e)
            energy = e.ravel()[idx * q + tab.steps].sum(axis=0)
            keep = tone >= PURITY * energy
            odd = np.flatnonzero(~keep)
            if odd.size:
                # frame k is x[k * hop : k * hop + n]: a strided view, read-only
                frames = np.ndarray((m, n), DTYPE, x, strides=(hop * x.itemsize, x.itemsize))
                low = np.empty(odd.size, DTYPE)
                for i in range(0, odd.size, GATHER):  # in small pieces, see GATHER
                    low[i : i + GATHER] = self._low_power(frames[idx[odd[i : i + GATHER]]])
                keep[odd] = tone[odd] >= PURITY * (energy[odd] - low / n)
            keep = np.flatnonzero(keep)
            idx, top, pair = idx[keep], top[:, keep], pair[:, keep]
        digits = _DIGIT_INDEX[pair[0] * 4 + pair[1] - 4]
        return idx, digits, np.sqrt(top).sum(axis=0), power

    def _low_power(self, f: np.ndarray) -> np.ndarray:
        """Sum of |X|^2 over the DFT bins below 600 Hz (two-sided) of each frame row."""
        tab = self._tab
        low = np.empty((f.shape[0], tab.low_basis.shape[1]), DTYPE)
        matmul(f, tab.low_basis, low)
        low *= low
        sums = np.empty((f.shape[0], 2), DTYPE)
        matmul(low, tab.low_w, sums)
        return sums[:, 0]

    def _events(self, found: list[tuple[int, int, int]]) -> list[DtmfEvent]:
        """Digits as events; a span of frames k0..k1 is the time between its first and
        last frame centres, widened by half a hop either side (rounded to 0.1 ms)."""
        edge = self._n / 2 - self._hop / 2
        if len(found) < 8:  # a few (streaming): plain arithmetic beats array set-up
            hop, rate = self._hop, self.rate
            return [
                DtmfEvent(
                    DIGITS[d],
                    round((a * hop + edge) / rate, 4),
                    round((b * hop + (edge + hop)) / rate, 4),
                )
                for d, a, b in found
            ]
        spans = np.array(found, np.int64).reshape(-1, 3)
        times = np.empty((2, len(found)))
        times[0] = spans[:, 1] * self._hop + edge
        times[1] = spans[:, 2] * self._hop + (edge + self._hop)
        times /= self.rate
        starts, ends = round4(times).tolist()
        return [
            DtmfEvent(DIGITS[d], a, b)
            for d, a, b in zip(spans[:, 0].tolist(), starts, ends, strict=True)
        ]


def detect_dtmf(audio: Audio | np.ndarray, rate: int | None = None) -> list[DtmfEvent]:
    """All DTMF digits in a whole buffer (resampled to 8 kHz if needed)."""
    if not isinstance(audio, Audio):
        if rate is None:
            raise AudioError("pass an Audio, or samples together with their rate")
        audio = Audio(np.asarray(audio), rate)
    audio = audio.mono().resample(LINE_RATE)
    # one analysis pass: feed only buffers (the batch is longer than the audio), flush runs
    detector = DtmfDetector(LINE_RATE, batch_ms=1000 * audio.duration + 1000)
    return detector.feed(audio.samples) + detector.flush()


def digits_of(events: Iterable[DtmfEvent]) -> str:
    """The digit string of a list of events."""
    return "".join(e.digit for e in events)
