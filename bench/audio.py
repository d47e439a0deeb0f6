"""Audio benchmarks: G.711 against audioop, DTMF detection speed and Q.24 accuracy.

Run: python bench/audio.py   (prints figures; nothing is asserted)
Speeds are multiples of real time (seconds of 8 kHz audio per second of CPU) and ratios
against CPython's C `audioop` (or `audioop-lts` on 3.13+) measured in the same run.
"""

from __future__ import annotations

import collections
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telenb.audio import Audio, Channel, DtmfDetector, detect_dtmf, g711
from telenb.audio.dtmf import DIGITS, generate_dtmf
from telenb.audio.q24 import q24_cases, run_q24

SECONDS = 60.0
RATE = 8000


def best(fn, repeat: int = 7) -> float:
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


def bench_dtmf() -> None:
    rng = np.random.default_rng(1)
    parts = []
    while sum(p.frames for p in parts) < SECONDS * RATE:
        noise = rng.normal(0, 0.02, int(rng.uniform(0.5, 2.0) * RATE)).astype(np.float32)
        parts += [Audio(noise, RATE), generate_dtmf("".join(rng.choice(list(DIGITS), 5)))]
    signal = Audio.concat(parts).slice(0, SECONDS)
    whole = best(lambda: detect_dtmf(signal), repeat=3)

    def streamed() -> None:
        det = DtmfDetector(RATE)
        for i in range(0, signal.frames, 160):
            det.feed(signal.samples[i : i + 160])
        det.flush()

    chunked = best(streamed, repeat=1)
    print(f"\nDTMF detection on {SECONDS:.0f} s (noise and digit bursts)")
    print(f"  whole buffer:        {SECONDS / whole:>8,.0f} x real time")
    print(f"  streamed, 20 ms:     {SECONDS / chunked:>8,.0f} x real time")
    ch = Channel(loss=0.02, jitter_ms=10, noise_dbfs=-50)
    t = best(lambda: ch.apply(signal), repeat=3)
    print(f"  Channel.apply (pcmu, 2% loss, jitter, noise): {SECONDS / t:,.0f} x real time")


def bench_q24() -> None:
    print("\nITU-T Q.24 receiver matrix (exact digit string per case)")
    for law in (None, "pcmu", "pcma"):
        results = run_q24(q24_cases(law))
        by_cat: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        for r in results:
            by_cat[r.case.category][0] += r.passed
            by_cat[r.case.category][1] += 1
        passed = sum(r.passed for r in results)
        digits = sum(len(r.case.expected) for r in results)
        hits = sum(len(r.case.expected) for r in results if r.passed)
        cats = ", ".join(f"{c} {p}/{n}" for c, (p, n) in by_cat.items())
        print(
            f"  {law or 'linear':<7} {passed}/{len(results)} cases, {hits}/{digits} digits: {cats}"
        )
        for r in results:
            if not r.passed:
                print(f"    FAILED {r.case.name}: expected {r.case.expected!r}, got {r.got!r}")


def bench_talk_off() -> None:
    fsdd = Path(__file__).resolve().parents[2] / "shared" / "data" / "fsdd"
    files = sorted(fsdd.glob("*.wav"))
    if not files:
        print("\nTalk-off: ../shared/data/fsdd absent, skipped")
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
    bench_dtmf()
    bench_q24()
    bench_talk_off()
