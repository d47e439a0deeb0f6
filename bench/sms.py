"""Segmenting throughput on a seeded, mixed corpus: python bench/sms.py [--n 4000] [--seed 1].

Prints messages per second for each kind of text (plain GSM-7, extension characters,
accented, emoji), with and without smart encoding, and the ratio to a naive reference run
in the same process (length / 153 or 67 with a crude ASCII test: what many apps do), with
how often that naive count is wrong.  No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telenb.sms import segments

WORDS = [
    "the",
    "call",
    "is",
    "ready",
    "your",
    "code",
    "order",
    "meeting",
    "tomorrow",
    "at",
    "pm",
    "please",
    "reply",
    "yes",
    "or",
    "no",
    "delivery",
    "confirmed",
    "thanks",
    "for",
    "waiting",
    "appointment",
    "reminder",
    "balance",
    "account",
    "new",
    "message",
    "from",
    "doctor",
    "office",
    "table",
    "for",
    "two",
    "tonight",
]
EXTENSION = list("{}[]~\\|^€")
ACCENTED_GSM = list("éèùìòÇØøÅåÆæßÉÄÖÑÜäöñüà")
ACCENTED_OTHER = list("çâêîôûëïąęłńśźżőűčšžřáíóúãõ")
EMOJI = [
    "\U0001f600", "\U0001f44d", "\U0001f44d\U0001f3fd", "\U0001f1fa\U0001f1f8",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\u2764\ufe0f", "#\ufe0f\u20e3",
    "\U0001f389", "\U0001f9d1\U0001f3ff\u200d\U0001f4bb",
]  # fmt: skip
UCS2_TARGET = 50_000  # messages per second
SMART = ["\u201c", "\u201d", "\u2019", "\u2014", "\u2026", "\u00a0"]


def _words(rng: random.Random, length: int, sprinkle: list[str], rate: float) -> str:
    out: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(WORDS)
        if sprinkle and rng.random() < rate:
            word = word + rng.choice(sprinkle) if rng.random() < 0.5 else rng.choice(sprinkle)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:length].strip() or "x"


def corpus(n: int, seed: int) -> dict[str, list[str]]:
    """n messages of each kind, lengths from a few characters to about 700."""
    rng = random.Random(seed)

    def lengths() -> list[int]:
        return [rng.choice([rng.randint(5, 160), rng.randint(140, 700)]) for _ in range(n)]

    return {
        "GSM-7": [_words(rng, k, [], 0) for k in lengths()],
        "extension": [_words(rng, k, EXTENSION, 0.15) for k in lengths()],
        "accented": [_words(rng, k, ACCENTED_GSM + ACCENTED_OTHER, 0.3) for k in lengths()],
        "emoji": [_words(rng, k, EMOJI, 0.2) for k in lengths()],
        "smart quotes": [_words(rng, k, SMART, 0.2) for k in lengths()],
    }


def naive_count(text: str) -> int:
    """The usual shortcut: ASCII means 160/153 per segment, anything else 70/67."""
    if text.isascii():
        return 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    return 1 if len(text) <= 70 else math.ceil(len(text) / 67)


def rate(fn: Callable[[str], object], texts: list[str], repeat: int) -> float:
    """Best-of-`repeat` messages per second."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        for t in texts:
            fn(t)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000, help="messages of each kind")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    texts = corpus(args.n, args.seed)
    print(
        f"telenb.sms.segments: {args.n} messages of each kind, seed {args.seed}, "
        f"best of {args.repeat}, Python {sys.version.split()[0]}"
    )
    head = (
        f"{'kind':<13}{'UCS-2':>7}{'avg segs':>9}{'msg/s':>10}{'smart msg/s':>12}"
        f"{'naive msg/s':>12}{'ratio':>7}{'naive wrong':>12}"
    )
    print(head)
    print("-" * len(head))
    every: list[str] = []
    for kind, msgs in texts.items():
        every += msgs
        segs = [segments(t) for t in msgs]
        ucs2 = sum(s.encoding == "UCS-2" for s in segs) / len(segs)
        avg = sum(s.num_segments for s in segs) / len(segs)
        wrong = sum(naive_count(t) != s.num_segments for t, s in zip(msgs, segs, strict=True))
        full = rate(segments, msgs, args.repeat)
        smart = rate(lambda t: segments(t, smart=True), msgs, args.repeat)
        naive = rate(naive_count, msgs, args.repeat)
        print(
            f"{kind:<13}{ucs2:>7.0%}{avg:>9.2f}{full:>10,.0f}{smart:>12,.0f}"
            f"{naive:>12,.0f}{naive / full:>6.0f}x{wrong / len(msgs):>12.1%}"
        )
    full = rate(segments, every, args.repeat)
    smart = rate(lambda t: segments(t, smart=True), every, args.repeat)
    naive = rate(naive_count, every, args.repeat)
    print("-" * len(head))
    print(
        f"{'all':<13}{'':>7}{'':>9}{full:>10,.0f}{smart:>12,.0f}{naive:>12,.0f}"
        f"{naive / full:>6.0f}x"
    )
    ucs2 = [t for t in every if segments(t).encoding == "UCS-2"]
    ucs2_rate = rate(segments, ucs2, args.repeat)
    print(
        f"{'UCS-2 bodies':<13}{'':>7}{'':>9}{ucs2_rate:>10,.0f}  "
        f"({ucs2_rate / UCS2_TARGET:.2f}x the {UCS2_TARGET:,} msg/s target of issue 19)"
    )
    print(
        "ratio: how many times faster the naive count is (it ignores the GSM alphabet, "
        "escapes, surrogates and clusters)"
    )


if __name__ == "__main__":
    main()
