"""The DTMF detector's constants, per-rate tables and scratch memory (see `dtmf`).

Kept apart from the detector's logic: the tables are built once per sample rate and shared
read-only by every detector at that rate, and the scratch arrays are per thread.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from .core import DBM0_DBFS

LOW = (697.0, 770.0, 852.0, 941.0)
HIGH = (1209.0, 1336.0, 1477.0, 1633.0)

# detector constants (at any rate; frame and hop are in seconds)
FRAME_S = 0.016
HOP_S = 0.005
BAND_HZ = 600.0  # energy below this is not counted against the tones (dial tone, hum)
MIN_LEVEL_DBM0 = -42.0  # per tone
TWIST_DB = (-10.0, 6.0)  # high minus low
FREQ_TOL = 0.025
PURITY = 0.80
BLOCK = 16384  # frames per analysis block (82 s at 8 kHz; bounds the scratch memory)
# float32 like the samples (Audio keeps float32) and like spandsp's float receiver: the
# tests' margins are many orders above its rounding, and products run twice as fast
DTYPE = np.float32
# frames whose tone bins are computed at a time: their products stay in the CPU cache
CHUNK = 2048
# frames gathered at a time (240 x 128 float32 < 128 KiB): small arrays come from the heap,
# large ones (glibc mmap threshold) as fresh pages, and faulting those in costs more
GATHER = 240
# OpenBLAS runs a product on one thread when rows * inner * columns is at most this; on a
# busy machine its thread hand-offs cost milliseconds, so products are cut into such slices
ONE_THREAD = 4 * 65536


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a @ b for a C-contiguous `a`, as a stack of row slices small enough for BLAS
    to stay on one thread (each row's dot products do not depend on the slicing)."""
    rows = max(ONE_THREAD // (a.shape[1] * b.shape[1]), 1)
    full = a.shape[0] // rows * rows
    if full:
        np.matmul(
            a[:full].reshape(-1, rows, a.shape[1]), b, out=out[:full].reshape(-1, rows, b.shape[1])
        )
    if full < a.shape[0]:
        np.matmul(a[full:], b, out=out[full:])


class Tables:
    """A rate's constant tables, built once and shared by its detectors (read-only)."""

    def __init__(self, rate: int) -> None:
        n, hop = round(FRAME_S * rate), round(HOP_S * rate)
        window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
        n_low = int(np.ceil(BAND_HZ * n / rate))
        tones = 2 * np.pi * np.array(LOW + HIGH) / rate
        t = np.arange(n)[:, None]
        # tone basis (n, 16): re then im of sum_n w[n] x[n] exp(-j w n), cut into hop rows
        # (hop, 16 * rows): a frame's bins are the sum of its rows' products with the slices
        # (columns re, im of bin 0, then of bin 1, ...: the bins read as complex numbers)
        basis = np.stack([np.cos(tones * t), -np.sin(tones * t)], axis=2).reshape(n, 16)
        basis *= window[:, None]
        self.rows = q = -(-n // hop)  # hop rows a frame touches
        padded = np.zeros((q * hop, 16))
        padded[:n] = basis
        self.basis = padded.reshape(q, hop, 16).transpose(1, 0, 2).reshape(hop, -1)
        # the window squared, likewise (hop, rows), for the frame energy
        w2 = np.zeros(q * hop)
        w2[:n] = window**2
        self.w2 = w2.reshape(q, hop).T
        # low-band bins (DFT bins below 600 Hz), for the purity test
        bins = 2 * np.pi * np.arange(n_low) / n
        low = np.concatenate([np.cos(bins * t), -np.sin(bins[1:] * t)], axis=1)
        self.low_basis = low * window[:, None]
        # |X|^2 of the low bins summed over the two-sided spectrum (DC once, others twice);
        # 2 columns, so that the sum is a matrix product like the others
        weights = np.full(2 * n_low - 1, 2.0)
        weights[0] = 1.0
        self.low_w = np.repeat(weights[:, None], 2, axis=1)
        # phase advance of each DTMF bin over one hop, and the frequency tolerance as a slope
        freqs = np.array(LOW + HIGH)
        self.rot_re = np.cos(tones * hop)
        self.rot_im = -np.sin(tones * hop)
        self.tan = np.tan(2 * np.pi * FREQ_TOL * freqs * hop / rate)
        for name in ("basis", "w2", "low_basis", "low_w", "rot_re", "rot_im", "tan"):
            table = np.ascontiguousarray(getattr(self, name), DTYPE)
            table.flags.writeable = False
            setattr(self, name, table)
        # where a frame's energy parts lie in the flattened (rows, q) hop-row energies
        self.steps = (np.arange(q) * (q + 1))[:, None]
        wsum = window.sum()
        # |X|^2 of a sine of amplitude A is (A * wsum / 2)^2
        a_min = np.sqrt(2) * 10 ** ((MIN_LEVEL_DBM0 + DBM0_DBFS) / 20)
        self.pow_min = float((a_min * wsum / 2) ** 2)
        # a pure tone pair has |XL|^2 + |XH|^2 == band energy * wsum^2 / (2 * sum w^2)
        self.purity_k = float(2 * np.sum(window**2) / wsum**2)
        self.twist = (10 ** (TWIST_DB[0] / 10), 10 ** (TWIST_DB[1] / 10))


@functools.cache
def tables(rate: int) -> Tables:
    """The tables for `rate`, built on first use."""
    return Tables(rate)


def round4(x: np.ndarray) -> np.ndarray:
    """round(v, 4) for every v, vectorised: the two agree unless v * 1e4 is within rounding
    of a half, and those few are left to round()."""
    scaled = x * 1e4
    out = np.rint(scaled) / 1e4
    near = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < 1e-6
    for i in zip(*np.nonzero(near), strict=True):
        out[i] = round(float(x[i]), 4)
    return out


_SCRATCH = threading.local()


class Work:
    """Scratch arrays for blocks of up to `cap` frames, reused from block to block: big
    temporaries allocated afresh are new memory pages, and faulting them in costs more
    than the arithmetic done in them."""

    def __init__(self, cap: int, hop: int, q: int) -> None:
        size = (cap + q - 1) * hop
        self.cap = cap
        self.x = np.empty(size, DTYPE)
        self.xx = np.empty(size, DTYPE)
        self.prod = np.empty(16 * q * (min(cap, CHUNK) + q - 1), DTYPE)
        self.acc = np.empty(16 * (cap + 1), DTYPE)
        self.sq = np.empty(16 * min(cap, CHUNK), DTYPE)


def scratch(rate: int, m: int, hop: int, q: int) -> Work:
    """This thread's scratch arrays for `rate`, for at least `m` frames (an analysis never
    yields midway, so the detectors of a thread can share them)."""
    works = _SCRATCH.__dict__.setdefault("works", {})
    w = works.get(rate)
    if w is None or w.cap < m:
        w = works[rate] = Work(max(m, BLOCK if w is None else w.cap), hop, q)
    return w
