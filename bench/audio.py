"""Audio benchmarks: G.711 against audioop, DTMF detection speed and Q.24 accuracy.

Run: python bench/audio.py   (prints figures; nothing is asserted)
Speeds are multiples of real time (seconds of 8 kHz audio per second of CPU) and ratios
against CPython's C `audioop` (or `audioop-lts` on 3.13+) and, for DTMF, spandsp's receiver
(Debian libspandsp2, through ctypes), measured in the same run; the last lines say which
of issue 19's DTMF targets this run meets. Wall-clock best of several runs: on a busy
machine the figures move by tens of percent from run to run, the ratios less.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telenb.audio import Audio, Channel, DtmfDetector, detect_dtmf, g711
from telenb.audio.dtmf import DIGITS, digits_of, generate_dtmf
from telenb.audio.q24 import q24_cases, run_q24

SECONDS = 60.0
RATE = 8000
SHARED = Path(os.environ.get("TELENB_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def best(fn, repeat: int = 15) -> float:
    """Best wall time of `repeat` runs (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def load_audioop():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import audioop  # stdlib up to 3.12; 'audioop-lts' provides it on 3.13+
        except ImportError:
            return None
    return audioop


def bench_g711() -> None:
    rng = np.random.default_rng(0)
    pcm = np.clip(rng.normal(0, 6000, int(SECONDS * RATE)), -32768, 32767).astype(np.int16)
    raw = pcm.tobytes()
    audioop = load_audioop()
    print(f"G.711 on {SECONDS:.0f} s of 8 kHz audio ({pcm.size:,} samples)")
    print(f"  {'operation':<16}{'telenb x RT':>14}{'audioop x RT':>14}{'telenb/audioop':>16}")
    for law, enc, dec, a_enc, a_dec in (
        ("mu-law", g711.ulaw_encode, g711.ulaw_decode, "lin2ulaw", "ulaw2lin"),
        ("A-law", g711.alaw_encode, g711.alaw_decode, "lin2alaw", "alaw2lin"),
    ):
        codes = enc(pcm)
        ours_e = best(lambda enc=enc: enc(pcm))
        ours_d = best(lambda dec=dec, codes=codes: dec(codes))
        rows = [(f"{law} encode", ours_e, None), (f"{law} decode", ours_d, None)]
        if audioop is not None:
            f_enc, f_dec = getattr(audioop, a_enc), getattr(audioop, a_dec)
            ce = f_enc(raw, 2)
            theirs_e = best(lambda f=f_enc: f(raw, 2))
            theirs_d = best(lambda f=f_dec, ce=ce: f(ce, 2))
            rows = [(f"{law} encode", ours_e, theirs_e), (f"{law} decode", ours_d, theirs_d)]
        for name, ours, theirs in rows:
            line = f"  {name:<16}{SECONDS / ours:>14,.0f}"
            if theirs is not None:
                line += f"{SECONDS / theirs:>14,.0f}{theirs / ours:>15.2f}x"
            print(line)
    if audioop is None:
        print("  (audioop not importable: no reference figures)")


class Spandsp:
    """spandsp's DTMF receiver (Debian libspandsp2) through ctypes: the speed reference."""

    CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)

    def __init__(self) -> None:
        name = ctypes.util.find_library("spandsp") or "libspandsp.so.2"
        self.lib = lib = ctypes.CDLL(name)
        lib.dtmf_rx_init.restype = ctypes.c_void_p
        lib.dtmf_rx_init.argtypes = [ctypes.c_void_p, self.CALLBACK, ctypes.c_void_p]
        lib.dtmf_rx.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
        lib.dtmf_rx_free.argtypes = [ctypes.c_void_p]
        self.digits: list[str] = []
        self._cb = self.CALLBACK(lambda _u, d, n: self.digits.append(d[:n].decode()))

    def detect(self, pcm: np.ndarray, chunk: int) -> str:
        self.digits = []
        state = self.lib.dtmf_rx_init(None, self._cb, None)
        base, rx = pcm.ctypes.data, self.lib.dtmf_rx
        for i in range(0, pcm.size, chunk):
            rx(state, base + 2 * i, min(chunk, pcm.size - i))
        self.lib.dtmf_rx_free(state)
        return "".join(self.digits)


def load_spandsp() -> Spandsp | None:
    try:
        return Spandsp()
    except (OSError, AttributeError) as exc:
        print(f"  (spandsp reference skipped: libspandsp2 not loadable: {exc})")
        return None


STREAM_TARGET = 10_000  # issue 19: streamed detection, 20 ms chunks, x real time


def bench_dtmf() -> dict[str, float]:
    """Speeds (x real time) and their ratios to spandsp, measured side by side."""
    rng = np.random.default_rng(1)
    parts = []
    while sum(p.frames for p in parts) < SECONDS * RATE:
        noise = rng.normal(0, 0.02, int(rng.uniform(0.5, 2.0) * RATE)).astype(np.float32)
        parts += [Audio(noise, RATE), generate_dtmf("".join(rng.choice(list(DIGITS), 5)))]
    signal = Audio.concat(parts).slice(0, SECONDS)
    pcm = np.ascontiguousarray(signal.pcm16())

    chunks = [signal.samples[i : i + 160] for i in range(0, signal.frames, 160)]

    def streamed(batch_ms: float | None, poll_every: int = 0) -> None:
        det = DtmfDetector(RATE) if batch_ms is None else DtmfDetector(RATE, batch_ms=batch_ms)
        feed, poll = det.feed, det.poll
        for i, chunk in enumerate(chunks, 1):
            feed(chunk)
            if poll_every and not i % poll_every:
                poll()
        det.flush()

    print(f"\nDTMF detection on {SECONDS:.0f} s (noise and digit bursts)")
    sp = load_spandsp()
    print(f"  {'':<30}{'telenb x RT':>14}{'spandsp x RT':>14}{'telenb/spandsp':>16}")
    figures: dict[str, float] = {}
    for key, name, fn, repeat, chunk in (
        ("whole", "whole buffer", lambda: detect_dtmf(signal), 15, pcm.size),
        ("stream", "streamed 20 ms, default (10 s)", lambda: streamed(None), 7, 160),
        ("stream_poll", "streamed 20 ms, poll() 1/s", lambda: streamed(None, 50), 5, 160),
        ("stream_80", "streamed 20 ms, batch 80 ms", lambda: streamed(80), 3, 160),
    ):
        ours = best(fn, repeat=repeat)
        figures[key] = SECONDS / ours
        line = f"  {name:<30}{SECONDS / ours:>14,.0f}"
        if sp is not None:
            theirs = best(lambda c=chunk: sp.detect(pcm, c), repeat=15)
            figures[key + "_ratio"] = theirs / ours
            line += f"{SECONDS / theirs:>14,.0f}{theirs / ours:>15.2f}x"
        print(line)
    if sp is not None:
        ours_digits = digits_of(detect_dtmf(signal))
        same = "the same" if sp.detect(pcm, pcm.size) == ours_digits else "DIFFERENT"
        print(f"  both hear {len(ours_digits)} digits here ({same} strings)")
    ch = Channel(loss=0.02, jitter_ms=10, noise_dbfs=-50)
    t = best(lambda: ch.apply(signal), repeat=3)
    print(f"  Channel.apply (pcmu, 2% loss, jitter, noise): {SECONDS / t:,.0f} x real time")
    return figures


def bench_q24() -> bool:
    """The Q.24 matrix per law; True when every case gives exactly its digit string."""
    print("\nITU-T Q.24 receiver matrix (exact digit string per case)")
    all_passed = True
    for law in (None, "pcmu", "pcma"):
        results = run_q24(q24_cases(law))
        by_cat: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        for r in results:
            by_cat[r.case.category][0] += r.passed
            by_cat[r.case.category][1] += 1
        passed = sum(r.passed for r in results)
        all_passed &= passed == len(results)
        digits = sum(len(r.case.expected) for r in results)
        hits = sum(len(r.case.expected) for r in results if r.passed)
        cats = ", ".join(f"{c} {p}/{n}" for c, (p, n) in by_cat.items())
        print(
            f"  {law or 'linear':<7} {passed}/{len(results)} cases, {hits}/{digits} digits: {cats}"
        )
        for r in results:
            if not r.passed:
                print(f"    FAILED {r.case.name}: expected {r.case.expected!r}, got {r.got!r}")
    return all_passed


def print_targets(figures: dict[str, float], q24_ok: bool) -> None:
    """Issue 19's DTMF targets, each met or not, from the figures of this run."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print("\nIssue 19 DTMF targets (this run)")
    if "whole_ratio" in figures:
        r = figures["whole_ratio"]
        print(f"  (1) whole buffer at least as fast as spandsp: {r:.2f}x -> {verdict(r >= 1.0)}")
    else:
        print("  (1) whole buffer at least as fast as spandsp: no spandsp here, not measured")
    for key, how in (("stream", "default, lazy 10 s batch"), ("stream_poll", "poll() each 1 s")):
        x = figures[key]
        print(
            f"  (2) streamed in 20 ms chunks >= {STREAM_TARGET:,} x RT ({how}): "
            f"{x:,.0f} x ({x / figures['whole']:.2f} of whole-buffer) "
            f"-> {verdict(x >= STREAM_TARGET)}"
        )
    print(f"  (3) Q.24 matrix exact in all three laws: {verdict(q24_ok)}")


def bench_talk_off() -> None:
    fsdd = SHARED / "data" / "fsdd"
    files = sorted(fsdd.glob("*.wav"))
    if not files:
        print(f"\nTalk-off: {fsdd} absent (set TELENB_SHARED), skipped")
        return
    speech = Audio.concat([Audio.load(f).mono() for f in files], rate=RATE)
    t = time.perf_counter()
    false = detect_dtmf(speech)
    dt = time.perf_counter() - t
    print(
        f"\nTalk-off on FSDD ({speech.duration / 60:.1f} min of speech): "
        f"{len(false)} false digits, {speech.duration / dt:,.0f} x real time"
    )


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}")
    bench_g711()
    figures = bench_dtmf()
    q24_ok = bench_q24()
    bench_talk_off()
    print_targets(figures, q24_ok)
