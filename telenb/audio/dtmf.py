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
gives identical events: each frame's values come from its own rows of a matrix product and
elementwise arithmetic (no reduction across frames), and the digit state machine visits
only the frames that can matter (a candidate, or a digit in progress).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..errors import AudioError
from .core import DBM0_DBFS, LINE_RATE, Audio

LOW = (697.0, 770.0, 852.0, 941.0)
HIGH = (1209.0, 1336.0, 1477.0, 1633.0)
KEYPAD = ("123A", "456B", "789C", "*0#D")  # rows: low group, columns: high group
DIGITS = "0123456789*#ABCD"
_POS = {d: (r, c) for r, row in enumerate(KEYPAD) for c, d in enumerate(row)}
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


# detector constants (at any rate; frame and hop are in seconds)
_FRAME_S = 0.016
_HOP_S = 0.005
_BAND_HZ = 600.0  # energy below this is not counted against the tones (dial tone, hum)
_MIN_LEVEL_DBM0 = -42.0  # per tone
_TWIST_DB = (-10.0, 6.0)  # high minus low
_FREQ_TOL = 0.025
_PURITY = 0.80
_END_FRAMES = 5  # frames below half amplitude that end a digit (25 ms)
_MIN_FRAMES = 6  # shortest digit: 6 frame centres (30 ms)
_MIN_VALID = 5  # candidate frames: a 40 ms tone gives 6-7, a 20 ms tone 2-3
_EDGE = 3  # at most this many sub-threshold frames at each edge count towards duration
_BLOCK = 1024  # frames per Goertzel batch (memory bound)
# OpenBLAS runs a product on one thread when rows * inner * columns is at most this; on a
# busy machine its thread hand-offs cost milliseconds, so products are cut into such slices
_ONE_THREAD = 4 * 65536


def _matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a @ b for a C-contiguous `a`, as a stack of row slices small enough for BLAS
    to stay on one thread (each row's dot products do not depend on the slicing)."""
    rows = max(_ONE_THREAD // (a.shape[1] * b.shape[1]), 1)
    full = a.shape[0] // rows * rows
    if full:
        np.matmul(
            a[:full].reshape(-1, rows, a.shape[1]), b, out=out[:full].reshape(-1, rows, b.shape[1])
        )
    if full < a.shape[0]:
        np.matmul(a[full:], b, out=out[full:])


class DtmfDetector:
    """Streaming DTMF receiver: `feed(chunk)` returns digits that ended, `flush()` the rest.

    Results do not depend on how the signal is chunked. Analysis runs once at least
    `batch_ms` of new audio is buffered: small chunks (20 ms RTP frames) then share the
    per-call cost, at up to `batch_ms` extra latency. After `flush()` the detector is
    reset and times start again from zero.

    The tone bins of every frame come from one matrix product per batch: frames start
    every hop, so a frame is a few whole hop-long rows of the signal plus part of the next,
    and its windowed DFT is the sum of those rows' products with slices of a windowed
    cos/sin basis (BLAS computes each row's dot products alone, in a fixed order, however
    many rows share the call). The energy above the dial-tone band, needed only for the
    purity test, is computed for the frames that pass the other tests.
    """

    def __init__(self, rate: int = LINE_RATE, batch_ms: float = 80.0) -> None:
        if int(rate) != rate or rate < LINE_RATE:
            raise AudioError(
                f"the DTMF detector needs a sample rate of at least 8000 Hz, got {rate!r} "
                "(resample the audio first)"
            )
        self.rate = int(rate)
        self._n = n = round(_FRAME_S * self.rate)
        self._hop = hop = round(_HOP_S * self.rate)
        if batch_ms < 0:
            raise AudioError(f"batch_ms must not be negative, got {batch_ms}")
        self._batch = max(round(batch_ms / 1000 * self.rate), 1)
        window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
        self._window = window
        n_low = int(np.ceil(_BAND_HZ * n / self.rate))
        tones = 2 * np.pi * np.array(LOW + HIGH) / self.rate
        t = np.arange(n)[:, None]
        # tone basis (n, 16): re then im of sum_n w[n] x[n] exp(-j w n), cut into hop rows
        basis = np.concatenate([np.cos(tones * t), -np.sin(tones * t)], axis=1) * window[:, None]
        self._rows = -(-n // hop)  # hop rows a frame touches
        padded = np.zeros((self._rows * hop, 16))
        padded[:n] = basis
        self._basis = np.ascontiguousarray(
            padded.reshape(self._rows, hop, 16).transpose(1, 0, 2).reshape(hop, -1)
        )
        # low-band bins (DFT bins below 600 Hz) and the energy, for the purity test
        bins = 2 * np.pi * np.arange(n_low) / n
        low = np.concatenate([np.cos(bins * t), -np.sin(bins[1:] * t)], axis=1)
        self._low_basis = np.ascontiguousarray(low * window[:, None])
        self._n_low = n_low
        self._w2 = np.repeat((window**2)[:, None], 2, axis=1)  # 2 columns: a matrix product
        # phase advance of each DTMF bin over one hop, and the frequency tolerance as a slope
        freqs = np.array(LOW + HIGH)
        self._rot_re = np.cos(tones * hop)
        self._rot_im = -np.sin(tones * hop)
        self._tan = np.tan(2 * np.pi * _FREQ_TOL * freqs * hop / self.rate)
        wsum = window.sum()
        # |X|^2 of a sine of amplitude A is (A * wsum / 2)^2
        a_min = np.sqrt(2) * 10 ** ((_MIN_LEVEL_DBM0 + DBM0_DBFS) / 20)
        self._pow_min = (a_min * wsum / 2) ** 2
        # a pure tone pair has |XL|^2 + |XH|^2 == band energy * wsum^2 / (2 * sum w^2)
        self._purity_k = 2 * np.sum(window**2) / wsum**2
        self._twist = (10 ** (_TWIST_DB[0] / 10), 10 ** (_TWIST_DB[1] / 10))
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next sample is time zero."""
        self._buf = np.zeros(0)  # starts at the next frame to analyse
        self._chunks: list[np.ndarray] = []  # fed, not yet joined to _buf
        self._pending = 0  # samples in _buf and _chunks
        self._next_frame = 0
        self._prev = np.zeros(16)  # last frame's tone bins (re, im)
        self._tail = np.zeros((0, 8))  # amplitudes of the last _EDGE frames
        self._run: _Run | None = None

    # -- public -------------------------------------------------------------------------------
    def feed(self, chunk: np.ndarray | Audio) -> list[DtmfEvent]:
        """Add samples (float, mono, at this detector's rate); return digits that ended."""
        x = self._samples(chunk)
        self._chunks.append(x)
        self._pending += x.size
        return self._process() if self._pending >= self._batch + self._n else []

    def flush(self) -> list[DtmfEvent]:
        """End of stream: pad with silence, report any digit still sounding, and reset."""
        pad = np.zeros(self._n + _END_FRAMES * self._hop)
        self._chunks.append(pad)
        self._pending += pad.size
        events = self._process()
        if self._run is not None:
            event = self._close(self._run)
            if event is not None:
                events.append(event)
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
        # NaN propagates through min and max, and infinities show in them
        if x.size and not (-np.inf < x.min() and x.max() < np.inf):
            raise AudioError("DTMF detector fed NaN or infinite samples")
        return x

    def _process(self) -> list[DtmfEvent]:
        if self._chunks:
            parts = [self._buf, *self._chunks] if self._buf.size else self._chunks
            self._buf = np.concatenate(parts, dtype=np.float64)
            self._chunks = []
        n, hop, buf = self._n, self._hop, self._buf
        available = (buf.size - n) // hop + 1 if buf.size >= n else 0
        events: list[DtmfEvent] = []
        for b in range(0, available, _BLOCK):
            m = min(_BLOCK, available - b)
            cand, amps = self._analyse(buf[b * hop :], m)
            events += self._decide(cand, amps, self._next_frame + b)
        self._next_frame += available
        self._buf = buf[available * hop :]
        self._pending = self._buf.size
        return events

    def _analyse(self, x: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
        """Frames 0..m-1 of `x` (frame k starts at k * hop): candidate digit index into
        DIGITS (or -1) and the 8 tone amplitudes, per frame."""
        hop, q = self._hop, self._rows
        rows = m + q - 1
        full = min(x.size // hop, rows)
        prod = np.empty((rows, 16 * q))
        _matmul(x[: full * hop].reshape(full, hop), self._basis, prod[:full])
        if full < rows:  # the last frames end inside a row the buffer has only part of
            tail = np.zeros((rows - full) * hop)
            tail[: x.size - full * hop] = x[full * hop : rows * hop]
            _matmul(tail.reshape(-1, hop), self._basis, prod[full:])
        bins = prod[:m, :16].copy()
        for i in range(1, q):
            bins += prod[i : i + m, 16 * i : 16 * i + 16]
        # one bin per row from here: every operation below runs along contiguous frames
        bt = np.empty((16, m + 1))
        bt[:, 0] = self._prev
        bt[:, 1:] = bins.T
        self._prev = bt[:, -1].copy()
        tr, ti = bt[:8, 1:], bt[8:, 1:]
        pr, pi = bt[:8, :-1], bt[8:, :-1]
        power = tr * tr + ti * ti
        # r = X_k * conj(X_k-1) * exp(-jwH): its angle is the frequency offset times H
        ur = tr * pr + ti * pi
        ui = ti * pr - tr * pi
        rr = ur * self._rot_re[:, None] - ui * self._rot_im[:, None]
        ri = ur * self._rot_im[:, None] + ui * self._rot_re[:, None]
        freq_ok = (rr > 0) & (np.abs(ri) <= self._tan[:, None] * rr)
        lo = np.argmax(power[:4], axis=0)
        hi = np.argmax(power[4:], axis=0) + 4
        cols = np.arange(m)
        pl, ph = power[lo, cols], power[hi, cols]
        ok = (pl >= self._pow_min) & (ph >= self._pow_min)
        ok &= (ph >= self._twist[0] * pl) & (ph <= self._twist[1] * pl)
        ok &= freq_ok[lo, cols] & freq_ok[hi, cols]
        idx = np.flatnonzero(ok)
        if idx.size:
            # frame k is x[k * hop : k * hop + n]: a strided view, read-only, never copied
            frames = np.ndarray((m, self._n), np.float64, x, strides=(hop * 8, 8))
            f = frames[idx]
            low = np.empty((idx.size, self._low_basis.shape[1]))
            _matmul(f, self._low_basis, low)
            energy = np.empty((idx.size, 2))
            _matmul(f * f, self._w2, energy)
            energy = energy[:, 0]
            low *= low
            low_pow = low[:, 0].copy()
            for k in range(1, self._n_low):
                low_pow += 2 * (low[:, k] + low[:, self._n_low - 1 + k])
            band = energy - low_pow / self._n
            pure = (pl[idx] + ph[idx]) * self._purity_k >= _PURITY * band
            ok[idx] = pure
        cand = np.where(ok, _DIGIT_INDEX[(lo * 4 + hi - 4)], -1)
        return cand, np.sqrt(power).T

    def _decide(self, cand: np.ndarray, amps: np.ndarray, k0: int) -> list[DtmfEvent]:
        """Run the digit state machine over frames k0.. (candidates `cand`, tone amplitudes
        `amps`); frames outside a digit with no candidate are skipped, not visited."""
        events: list[DtmfEvent] = []
        t = len(self._tail)
        ext = np.concatenate([self._tail, amps]) if t else amps  # ext[t + i] is frame k0 + i
        self._tail = ext[-_EDGE:]
        cl = cand.tolist()
        starts = np.flatnonzero(cand >= 0).tolist()
        m, si, i = len(cl), 0, 0
        run = self._run
        sv: list[float] = []
        base = 0  # sv[j] is the amplitude sum of frame i = base + j of this batch
        while True:
            if run is None:
                while si < len(starts) and starts[si] < i:
                    si += 1
                if si == len(starts):
                    break
                i = starts[si]
                c = cl[i]
                r_, col = _POS[DIGITS[c]]
                lo, hi = r_, 4 + col
                h = min(_EDGE, t + i)
                base = i - h
                sv = (ext[t + base : t + i + 64, lo] + ext[t + base : t + i + 64, hi]).tolist()
                run = self._run = _Run(c, lo, hi, k0 + base, sv[: h + 1], h, sv[h])
                i += 1
                continue
            if i >= m:
                break
            c = cl[i]
            if c >= 0 and c != run.digit:
                event = self._close(run)
                if event is not None:
                    events.append(event)
                run = self._run = None
                continue
            j = i - base
            if j < 0 or j >= len(sv):
                base = i
                sv = (ext[t + i : t + i + 64, run.lo] + ext[t + i : t + i + 64, run.hi]).tolist()
                j = 0
            s = sv[j]
            run.seq.append(s)
            if c == run.digit:
                run.valid += 1
                run.last_valid = len(run.seq) - 1
                if s > run.ref:
                    run.ref = s
                run.off = 0
            elif s >= 0.5 * run.ref:
                run.off = 0
            else:
                run.off += 1
                if run.off >= _END_FRAMES:
                    event = self._close(run)
                    if event is not None:
                        events.append(event)
                    run = self._run = None
            i += 1
        return events

    def _close(self, run: _Run) -> DtmfEvent | None:
        half = 0.5 * run.ref
        first, last = run.first_valid, run.last_valid
        seq = run.seq
        lead = 0
        while lead < _EDGE and first - lead - 1 >= 0 and seq[first - lead - 1] >= half:
            lead += 1
        trail = 0
        while trail < _EDGE and last + trail + 1 < len(seq) and seq[last + trail + 1] >= half:
            trail += 1
        span = last - first + 1
        frames = span + lead + trail
        if frames < _MIN_FRAMES or run.valid < _MIN_VALID or 2 * run.valid < span:
            return None
        k_first = run.k_start + first - lead
        k_last = run.k_start + last + trail
        centre = self._n / 2
        start = (k_first * self._hop + centre - self._hop / 2) / self.rate
        end = (k_last * self._hop + centre + self._hop / 2) / self.rate
        return DtmfEvent(DIGITS[run.digit], round(start, 4), round(end, 4))


class _Run:
    """A digit being heard: amplitudes since just before its first candidate frame."""

    __slots__ = (
        "digit",
        "first_valid",
        "hi",
        "k_start",
        "last_valid",
        "lo",
        "off",
        "ref",
        "seq",
        "valid",
    )

    def __init__(
        self,
        digit: int,
        lo: int,
        hi: int,
        k_start: int,
        seq: list[float],
        first_valid: int,
        ref: float,
    ) -> None:
        self.digit, self.lo, self.hi, self.k_start, self.seq = digit, lo, hi, k_start, seq
        self.first_valid = self.last_valid = first_valid
        self.ref, self.valid, self.off = ref, 1, 0


def detect_dtmf(audio: Audio | np.ndarray, rate: int | None = None) -> list[DtmfEvent]:
    """All DTMF digits in a whole buffer (resampled to 8 kHz if needed)."""
    if not isinstance(audio, Audio):
        if rate is None:
            raise AudioError("pass an Audio, or samples together with their rate")
        audio = Audio(np.asarray(audio), rate)
    audio = audio.mono().resample(LINE_RATE)
    detector = DtmfDetector(LINE_RATE)
    return detector.feed(audio.samples) + detector.flush()


def digits_of(events: Iterable[DtmfEvent]) -> str:
    """The digit string of a list of events."""
    return "".join(e.digit for e in events)
