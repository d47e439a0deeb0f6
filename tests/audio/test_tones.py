"""Call-progress tones measured: frequencies by FFT, cadences from the envelope, levels."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from telenb.audio.tones import call_progress_tone, tone_spec
from telenb.errors import AudioError

# Written out from the sources named in telenb/audio/tones.py (not read from the module):
# (region, name): (list of (frequencies or () for silence, milliseconds), level dBm0)
EXPECTED = {
    ("us", "dial"): ([((350, 440), 1000)], -13),
    ("us", "ringback"): ([((440, 480), 2000), ((), 4000)], -19),
    ("us", "busy"): ([((480, 620), 500), ((), 500)], -24),
    ("us", "reorder"): ([((480, 620), 250), ((), 250)], -24),
    ("us", "sit"): ([((913.8,), 274), ((1370.6,), 274), ((1776.7,), 380), ((), 1000)], -24),
    ("us", "record_beep"): ([((1400,), 500)], -13),
    ("us", "recorder_warning"): ([((1400,), 500), ((), 14500)], -13),
    ("uk", "dial"): ([((350, 450), 1000)], -13),
    ("uk", "ringback"): ([((400, 450), 400), ((), 200), ((400, 450), 400), ((), 2000)], -19),
    ("uk", "busy"): ([((400,), 375), ((), 375)], -24),
    ("uk", "reorder"): ([((400,), 400), ((), 350), ((400,), 225), ((), 525)], -24),
    ("uk", "sit"): ([((950,), 330), ((1400,), 330), ((1800,), 330), ((), 1000)], -24),
    ("eu", "dial"): ([((425,), 1000)], -13),
    ("eu", "ringback"): ([((425,), 1000), ((), 4000)], -19),
    ("eu", "busy"): ([((425,), 500), ((), 500)], -24),
    ("eu", "reorder"): ([((425,), 250), ((), 250)], -24),
    ("eu", "sit"): ([((950,), 330), ((1400,), 330), ((1800,), 330), ((), 1000)], -24),
    ("eu", "record_beep"): ([((1400,), 500)], -13),
}
DBM0_DBFS = -6.18


def _segments(x: np.ndarray, rate: int) -> list[tuple[bool, int, int]]:
    """(on, start, end) runs: silence is a run of at least 2 ms of exact zeros (gating)."""
    zero = x == 0
    edges = np.flatnonzero(np.diff(zero.astype(int))) + 1
    bounds = [0, *edges.tolist(), x.size]
    runs: list[list] = []
    for a, b in itertools.pairwise(bounds):
        on = not (zero[a] and b - a >= 0.002 * rate)
        if runs and runs[-1][0] == on:
            runs[-1][2] = b
        else:
            runs.append([on, a, b])
    return [tuple(r) for r in runs]


def _peaks(x: np.ndarray, rate: int, n: int) -> list[float]:
    pad = 16 * rate  # 1/16 Hz bins
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size), n=pad))
    freqs = np.fft.rfftfreq(pad, 1 / rate)
    out = []
    for _ in range(n):
        k = int(np.argmax(spec))
        out.append(float(freqs[k]))
        spec[max(k - 16 * 25, 0) : k + 16 * 25] = 0
    return sorted(out)


@pytest.mark.parametrize(("region", "name"), list(EXPECTED))
def test_tone_frequencies_cadence_and_level(region, name):
    cycle, level = EXPECTED[(region, name)]
    period_ms = sum(ms for _, ms in cycle)
    audio = call_progress_tone(name, region, seconds=2 * period_ms / 1000)
    assert audio.rate == 8000 and audio.frames == 16 * period_ms
    runs = _segments(audio.samples, audio.rate)
    # expected sequence of on/off with adjacent tone segments (SIT) merged into one "on"
    want: list[list] = []
    for freqs, ms in cycle * 2:
        if want and bool(freqs) == want[-1][0]:
            want[-1][1] += ms
            want[-1][2].append((freqs, ms))
        else:
            want.append([bool(freqs), ms, [(freqs, ms)]])
    assert [r[0] for r in runs] == [w[0] for w in want]
    for (on, a, b), (_, ms, parts) in zip(runs, want, strict=True):
        assert (b - a) / 8 == pytest.approx(ms, abs=3), f"{region} {name} cadence"
        if not on:
            assert np.max(np.abs(audio.samples[a:b])) == 0
            continue
        start = a
        for freqs, seg_ms in parts:  # each tone of a sequence measured on its own
            seg = audio.samples[start + 40 : start + seg_ms * 8 - 40]
            start += seg_ms * 8
            assert _peaks(seg, 8000, len(freqs)) == pytest.approx(sorted(freqs), abs=0.5)
            rms_each = np.sqrt(np.mean(seg.astype(float) ** 2) / len(freqs))
            assert 20 * np.log10(rms_each) == pytest.approx(level + DBM0_DBFS, abs=0.2)


def test_continuous_tone_has_no_phase_jumps():
    dial = call_progress_tone("dial", "us", seconds=3.0)
    x = dial.samples.astype(float)
    # a phase jump would show up as energy away from 350/440 Hz
    spec = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / 8000)
    near = (np.abs(freqs - 350) < 3) | (np.abs(freqs - 440) < 3)
    assert spec[near].sum() / spec.sum() > 0.9999


def test_aliases_level_override_and_errors():
    assert tone_spec("ringing", "gb") == tone_spec("ringback", "uk")
    assert tone_spec("congestion", "de").name == "reorder"
    loud = call_progress_tone("busy", "eu", 0.5, level_dbm0=-10)
    assert loud.level_dbfs() == pytest.approx(-10 + DBM0_DBFS, abs=0.05)
    assert call_progress_tone("dial", "us", 0).frames == 0
    with pytest.raises(AudioError, match="unknown call-progress tone"):
        call_progress_tone("howler")
    with pytest.raises(AudioError, match="region"):
        call_progress_tone("dial", "mars")
