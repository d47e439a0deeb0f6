"""Call-progress tones (dial, ringback, busy, reorder, SIT, record beep) for US, UK and EU.

Sources for the frequencies, cadences and levels:

* US: the North American Precise Audible Tone Plan (ANSI T1.401; published by the ITU as
  Supplement 3 to the E.300 series): dial 350+440 Hz continuous at -13 dBm0 per frequency;
  ringback 440+480 Hz, 2 s on / 4 s off, -19 dBm0; busy 480+620 Hz, 0.5/0.5 s, -24 dBm0;
  reorder 480+620 Hz, 0.25/0.25 s, -24 dBm0. Special information tone (SIT), intercept
  code (Telcordia): 913.8 Hz 274 ms, 1370.6 Hz 274 ms, 1776.7 Hz 380 ms. Recorder warning
  tone (US Federal Standard 1037C): 1400 Hz for 0.5 s, every 15 s.
* UK: BT SIN 350 / ITU-T E.180 Supplement 2: dial 350+450 Hz continuous; ringing
  400+450 Hz, 0.4 on 0.2 off 0.4 on 2.0 off; busy 400 Hz 0.375/0.375 s; congestion
  (reorder) 400 Hz 0.4 on 0.35 off 0.225 on 0.525 off.
* EU: the CEPT/ETSI harmonised tones (ETSI TR 101 041, ITU-T E.180 Supplement 2): dial
  425 Hz continuous; ringing 425 Hz 1 s on 4 s off; busy 425 Hz 0.5/0.5 s; congestion
  425 Hz 0.25/0.25 s.
* UK and EU SIT: ITU-T E.180 section 7: 950, 1400, 1800 Hz, 330 ms each, then 1 s silence.
  The record beep uses the 1400 Hz recorder-warning frequency in every region.

Levels follow the US plan in all regions (dial -13, ringback -19, the others -24 dBm0 per
frequency); 0 dBm0 = -6.18 dBFS (see `core.DBM0_DBFS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import AudioError
from .core import LINE_RATE, Audio, dbm0_to_dbfs


@dataclass(frozen=True)
class Segment:
    """A stretch of a cadence: the frequencies sounding (none = silence) for `seconds`."""

    freqs: tuple[float, ...]
    seconds: float


@dataclass(frozen=True)
class ToneSpec:
    """A call-progress tone: one cadence cycle (repeated) and the level per frequency."""

    name: str
    region: str
    cycle: tuple[Segment, ...]
    level_dbm0: float
    source: str

    @property
    def continuous(self) -> bool:
        return len(self.cycle) == 1 and bool(self.cycle[0].freqs)

    @property
    def period(self) -> float:
        return sum(s.seconds for s in self.cycle)


def _cadence(freqs: tuple[float, ...], *on_off: float) -> tuple[Segment, ...]:
    return tuple(Segment(freqs if i % 2 == 0 else (), t) for i, t in enumerate(on_off))


_PRECISE = "North American Precise Audible Tone Plan (ANSI T1.401, ITU-T E.300 Suppl. 3)"
_SIT_ITU = (
    Segment((950.0,), 0.330),
    Segment((1400.0,), 0.330),
    Segment((1800.0,), 0.330),
    Segment((), 1.0),
)
_BEEP = (Segment((1400.0,), 0.5),)
_WARNING = (Segment((1400.0,), 0.5), Segment((), 14.5))

TONES: dict[tuple[str, str], ToneSpec] = {
    (spec.region, spec.name): spec
    for spec in [
        ToneSpec("dial", "us", _cadence((350.0, 440.0), 1.0), -13, _PRECISE),
        ToneSpec("ringback", "us", _cadence((440.0, 480.0), 2.0, 4.0), -19, _PRECISE),
        ToneSpec("busy", "us", _cadence((480.0, 620.0), 0.5, 0.5), -24, _PRECISE),
        ToneSpec("reorder", "us", _cadence((480.0, 620.0), 0.25, 0.25), -24, _PRECISE),
        ToneSpec(
            "sit",
            "us",
            (
                Segment((913.8,), 0.274),
                Segment((1370.6,), 0.274),
                Segment((1776.7,), 0.380),
                Segment((), 1.0),
            ),
            -24,
            "Telcordia SIT, intercept code (low/short, low/short, 1776.7 Hz long)",
        ),
        ToneSpec("record_beep", "us", _BEEP, -13, "US FS-1037C recorder warning tone"),
        ToneSpec("recorder_warning", "us", _WARNING, -13, "US FS-1037C, every 15 s"),
        ToneSpec("dial", "uk", _cadence((350.0, 450.0), 1.0), -13, "BT SIN 350"),
        ToneSpec("ringback", "uk", _cadence((400.0, 450.0), 0.4, 0.2, 0.4, 2.0), -19, "BT SIN 350"),
        ToneSpec("busy", "uk", _cadence((400.0,), 0.375, 0.375), -24, "BT SIN 350"),
        ToneSpec(
            "reorder",
            "uk",
            _cadence((400.0,), 0.4, 0.35, 0.225, 0.525),
            -24,
            "BT SIN 350 (congestion tone)",
        ),
        ToneSpec("sit", "uk", _SIT_ITU, -24, "ITU-T E.180 special information tone"),
        ToneSpec("record_beep", "uk", _BEEP, -13, "1400 Hz recorder warning frequency"),
        ToneSpec("recorder_warning", "uk", _WARNING, -13, "1400 Hz every 15 s"),
        ToneSpec("dial", "eu", _cadence((425.0,), 1.0), -13, "ETSI TR 101 041 (CEPT)"),
        ToneSpec("ringback", "eu", _cadence((425.0,), 1.0, 4.0), -19, "ETSI TR 101 041"),
        ToneSpec("busy", "eu", _cadence((425.0,), 0.5, 0.5), -24, "ETSI TR 101 041"),
        ToneSpec(
            "reorder",
            "eu",
            _cadence((425.0,), 0.25, 0.25),
            -24,
            "ETSI TR 101 041 (congestion tone)",
        ),
        ToneSpec("sit", "eu", _SIT_ITU, -24, "ITU-T E.180 special information tone"),
        ToneSpec("record_beep", "eu", _BEEP, -13, "1400 Hz recorder warning frequency"),
        ToneSpec("recorder_warning", "eu", _WARNING, -13, "1400 Hz every 15 s"),
    ]
}

_NAME_ALIASES = {
    "dialtone": "dial",
    "dial_tone": "dial",
    "ringing": "ringback",
    "ring": "ringback",
    "congestion": "reorder",
    "fast_busy": "reorder",
    "beep": "record_beep",
    "special_information": "sit",
}
_REGION_ALIASES = {
    "us": "us",
    "na": "us",
    "nanp": "us",
    "ca": "us",
    "uk": "uk",
    "gb": "uk",
    "eu": "eu",
    "cept": "eu",
    "de": "eu",
    "fr": "eu",
    "it": "eu",
    "es": "eu",
    "nl": "eu",
}


def tone_spec(name: str, region: str = "us") -> ToneSpec:
    """Look up a tone; names and regions accept common aliases ("ringing", "gb", "de")."""
    key = str(name).lower().replace("-", "_").replace(" ", "_")
    key = _NAME_ALIASES.get(key, key)
    reg = _REGION_ALIASES.get(str(region).lower())
    if reg is None:
        raise AudioError(f"unknown region {region!r}: use 'us', 'uk' or 'eu'")
    spec = TONES.get((reg, key))
    if spec is None:
        names = sorted({n for _, n in TONES})
        raise AudioError(f"unknown call-progress tone {name!r}: use one of {', '.join(names)}")
    return spec


def sine(
    freqs: float | tuple[float, ...],
    seconds: float,
    level_dbfs: float = -20.0,
    rate: int = LINE_RATE,
    phase_from: int = 0,
) -> Audio:
    """Sum of sines, each at `level_dbfs` RMS; `phase_from` continues an earlier stretch."""
    freqs = (freqs,) if isinstance(freqs, (int, float)) else tuple(freqs)
    n = round(seconds * rate)
    t = (phase_from + np.arange(n)) / rate
    amp = np.sqrt(2) * 10 ** (level_dbfs / 20)
    out = np.zeros(n)
    for f in freqs:
        out += amp * np.sin(2 * np.pi * f * t)
    return Audio(out.astype(np.float32), rate)


def call_progress_tone(
    name: str,
    region: str = "us",
    seconds: float | None = None,
    *,
    rate: int = LINE_RATE,
    level_dbm0: float | None = None,
) -> Audio:
    """A call-progress tone as audio: `seconds` long (default one cadence cycle)."""
    spec = tone_spec(name, region)
    if seconds is None:
        seconds = spec.period
    if seconds < 0:
        raise AudioError(f"seconds must not be negative, got {seconds}")
    level = dbm0_to_dbfs(spec.level_dbm0 if level_dbm0 is None else level_dbm0)
    total = round(seconds * rate)
    parts: list[np.ndarray] = []
    pos = 0
    while pos < total:
        for seg in spec.cycle:
            n = round(seg.seconds * rate)
            if seg.freqs:
                parts.append(sine(seg.freqs, n / rate, level, rate, phase_from=pos).samples)
            else:
                parts.append(np.zeros(n, np.float32))
            pos += n
            if pos >= total:
                break
    samples = np.concatenate(parts)[:total] if parts else np.zeros(0, np.float32)
    return Audio(samples, rate)
