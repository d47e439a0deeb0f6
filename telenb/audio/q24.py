"""Receiver test signals after ITU-T Q.24 (DTMF receiver limits), for tests and notebooks.

Each case is a signal plus the digit string a conforming receiver must report. Q.24
tabulates limits per administration; the ones used here are a common core of them:

* signal duration: >= 40 ms must be accepted, <= 20 ms rejected;
* pause: 40 ms separates digits; an interruption of <= 10 ms must not split one;
* frequency: within +/-1.5 % accepted, beyond +/-3.5 % rejected (each group on its own);
* twist (high minus low): -8 dB .. +4 dB accepted;
* level per tone: -3 .. -29 dBm0 (26 dB) accepted, -55 dBm0 and below rejected;
* white noise at 15 dB S/N (DTMF power over noise power in the full 0-4 kHz band) and
  US dial tone (350 + 440 Hz, -13 dBm0 each) under the digits accepted.

`law` runs every signal through a G.711 round trip ("pcmu"/"pcma") first. Signals are
seeded, so a case list is the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .core import LINE_RATE, Audio, dbm0_to_dbfs
from .dtmf import DIGITS, DtmfEvent, detect_dtmf, generate_dtmf
from .g711 import codec_roundtrip

ALL = DIGITS  # "0123456789*#ABCD"


@dataclass(frozen=True)
class Q24Case:
    category: str
    name: str
    audio: Audio
    expected: str


def _gate(digits: str, tone_ms: float, break_ms: float, level_dbfs: float) -> Audio:
    """Each digit as one continuous-phase tone with a silent break in the middle."""
    parts = []
    for d in digits:
        whole = generate_dtmf(
            d, tone_ms=2 * tone_ms + break_ms, gap_ms=60, level_dbfs=level_dbfs
        ).samples.copy()
        a = round(tone_ms * LINE_RATE / 1000)
        whole[a : a + round(break_ms * LINE_RATE / 1000)] = 0
        parts.append(whole)
    return Audio(np.concatenate([np.zeros(160, np.float32), *parts]), LINE_RATE)


def _plus(audio: Audio, other: np.ndarray) -> Audio:
    return Audio(audio.samples + other[: audio.frames].astype(np.float32), audio.rate)


def q24_cases(law: Literal["pcmu", "pcma"] | None = None, seed: int = 0) -> list[Q24Case]:
    """The receiver test matrix; `law` = None, "pcmu" or "pcma"."""
    rng = np.random.default_rng(seed)
    nominal = -10.0  # dBFS per tone
    cases: list[Q24Case] = []

    def add(category: str, name: str, audio: Audio, expected: str) -> None:
        cases.append(Q24Case(category, name, audio, expected))

    def dt(digits: str = ALL, **kw: Any) -> Audio:
        kw.setdefault("lead_ms", 20)
        return generate_dtmf(digits, **kw)

    add("nominal", "50/50 ms at -10 dBFS", dt(level_dbfs=nominal), ALL)
    for ms in (40, 45, 60, 100):
        add("duration", f"{ms} ms tone accepted", dt(tone_ms=ms, gap_ms=50), ALL)
    for ms in (20, 15, 10):
        add("duration", f"{ms} ms tone rejected", dt(tone_ms=ms, gap_ms=50), "")
    add(
        "pause",
        "40 ms pause separates repeats",
        dt("11115555####DDDD", gap_ms=40),
        "11115555####DDDD",
    )
    add("pause", "40 ms tone, 40 ms pause", dt(tone_ms=40, gap_ms=40), ALL)
    for ms in (5, 10):
        add("interruption", f"{ms} ms break bridged", _gate(ALL, 60, ms, nominal), ALL)
    for group in ("low", "high"):
        for pct in (-1.5, 1.5):
            add(
                "frequency",
                f"{group} {pct:+.1f}% accepted",
                dt(ALL, **{f"{group}_offset": pct / 100}),
                ALL,
            )
        for pct in (-5.0, -3.5, 3.5, 5.0):
            add(
                "frequency",
                f"{group} {pct:+.1f}% rejected",
                dt(ALL, **{f"{group}_offset": pct / 100}),
                "",
            )
    for twist in (-8.0, -4.0, 4.0):
        low = nominal if twist <= 0 else nominal - twist
        add("twist", f"twist {twist:+.0f} dB", dt(level_dbfs=low, twist_db=twist), ALL)
    for dbm0 in (-3.0, -10.0, -20.0, -29.0):
        add("level", f"{dbm0:.0f} dBm0 per tone accepted", dt(level_dbfs=dbm0_to_dbfs(dbm0)), ALL)
    for dbm0 in (-55.0, -60.0):
        add("level", f"{dbm0:.0f} dBm0 per tone rejected", dt(level_dbfs=dbm0_to_dbfs(dbm0)), "")
    for snr in (15.0, 20.0):
        clean = dt(level_dbfs=nominal)
        tone_power = 2 * 10 ** (nominal / 10)
        noise = rng.normal(0.0, np.sqrt(tone_power / 10 ** (snr / 10)), clean.frames)
        add("noise", f"white noise at {snr:.0f} dB S/N", _plus(clean, noise), ALL)
    for dbm0 in (-4.0, -20.0):
        clean = dt(level_dbfs=dbm0_to_dbfs(dbm0))
        t = np.arange(clean.frames) / LINE_RATE
        amp = np.sqrt(2) * 10 ** (dbm0_to_dbfs(-13.0) / 20)
        dial = amp * (np.sin(2 * np.pi * 350 * t) + np.sin(2 * np.pi * 440 * t))
        add("dial tone", f"digits at {dbm0:.0f} dBm0 over dial tone", _plus(clean, dial), ALL)
    t = np.arange(LINE_RATE) / LINE_RATE
    dial = (
        np.sqrt(2)
        * 10 ** (dbm0_to_dbfs(-13.0) / 20)
        * (np.sin(2 * np.pi * 350 * t) + np.sin(2 * np.pi * 440 * t))
    )
    add("dial tone", "dial tone alone", Audio(dial.astype(np.float32), LINE_RATE), "")

    if law is not None:
        cases = [
            Q24Case(c.category, c.name, codec_roundtrip(c.audio, law), c.expected) for c in cases
        ]
    return cases


@dataclass(frozen=True)
class Q24Result:
    case: Q24Case
    got: str
    events: Sequence[DtmfEvent]

    @property
    def passed(self) -> bool:
        return self.got == self.case.expected


def run_q24(
    cases: Sequence[Q24Case], detect: Callable[[Audio], list[DtmfEvent]] = detect_dtmf
) -> list[Q24Result]:
    """Run a detector over cases; a case passes when the digit string matches exactly."""
    results = []
    for case in cases:
        events = detect(case.audio)
        results.append(Q24Result(case, "".join(e.digit for e in events), events))
    return results
