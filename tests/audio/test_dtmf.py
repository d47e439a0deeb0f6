"""DTMF generation (checked by FFT) and the detector against the ITU-T Q.24 matrix."""

from __future__ import annotations

import numpy as np
import pytest

from telenb.audio import Audio, g711
from telenb.audio.core import dbm0_to_dbfs
from telenb.audio.dtmf import (
    DIGITS,
    DtmfDetector,
    detect_dtmf,
    digits_of,
    dtmf_frequencies,
    generate_dtmf,
    goertzel,
)
from telenb.audio.q24 import q24_cases, run_q24
from telenb.errors import AudioError

# Q.23 keypad frequencies, written out (not imported) as the outside truth
Q23 = {
    "1": (697, 1209),
    "2": (697, 1336),
    "3": (697, 1477),
    "A": (697, 1633),
    "4": (770, 1209),
    "5": (770, 1336),
    "6": (770, 1477),
    "B": (770, 1633),
    "7": (852, 1209),
    "8": (852, 1336),
    "9": (852, 1477),
    "C": (852, 1633),
    "*": (941, 1209),
    "0": (941, 1336),
    "#": (941, 1477),
    "D": (941, 1633),
}


def _spectrum_peaks(x: np.ndarray, rate: int, n: int = 2) -> list[float]:
    """Strongest `n` spectral peaks in Hz, from a zero-padded FFT with 0.5 Hz bins."""
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size), n=2 * rate))
    freqs = np.fft.rfftfreq(2 * rate, 1 / rate)
    peaks = []
    for _ in range(n):
        k = int(np.argmax(spec))
        peaks.append(float(freqs[k]))
        spec[max(k - 40, 0) : k + 40] = 0  # 20 Hz either side
    return sorted(peaks)


@pytest.mark.parametrize("digit", list(Q23))
def test_generated_frequencies_match_q23(digit):
    assert dtmf_frequencies(digit) == Q23[digit]
    a = generate_dtmf(digit, tone_ms=500, gap_ms=0)
    low, high = _spectrum_peaks(a.samples, a.rate)
    assert abs(low - Q23[digit][0]) <= 1 and abs(high - Q23[digit][1]) <= 1


def test_generated_level_twist_offset_and_timing():
    a = generate_dtmf("5", tone_ms=1000, gap_ms=0, level_dbfs=-12, twist_db=-4)
    assert a.frames == 8000
    spec = np.abs(np.fft.rfft(a.samples)) / (a.frames / 2)  # 1 Hz bins: sine amplitudes
    amp_low, amp_high = spec[770], spec[1336]
    assert 20 * np.log10(amp_low / np.sqrt(2)) == pytest.approx(-12, abs=0.05)  # RMS
    assert 20 * np.log10(amp_high / amp_low) == pytest.approx(-4, abs=0.05)
    shifted = generate_dtmf("5", tone_ms=1000, gap_ms=0, low_offset=0.015, high_offset=-0.02)
    assert _spectrum_peaks(shifted.samples, 8000) == pytest.approx(
        [770 * 1.015, 1336 * 0.98], abs=1
    )
    b = generate_dtmf("12", tone_ms=40, gap_ms=60, lead_ms=10)
    on = np.abs(b.samples) > 0
    assert b.frames == 80 + 2 * 800 and not on[:80].any() and on[80:400].sum() > 300
    assert not on[400:880].any()


def test_generator_errors():
    with pytest.raises(AudioError, match="not a DTMF digit"):
        generate_dtmf("12x")
    with pytest.raises(AudioError, match="clip"):
        generate_dtmf("1", level_dbfs=-3)
    with pytest.raises(AudioError, match="8000"):
        generate_dtmf("1", rate=4000)


def test_goertzel_is_the_dft_at_any_frequency():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 205))
    freqs = [697.0, 1000.0, 1633.5, 0.0]
    n = np.arange(205)
    expected = np.stack(
        [(x * np.exp(-2j * np.pi * f * n / 8000)).sum(axis=1) for f in freqs], axis=1
    )
    np.testing.assert_allclose(goertzel(x, freqs, 8000), expected, rtol=1e-9, atol=1e-9)
    # on-grid frequencies agree with the FFT
    np.testing.assert_allclose(
        goertzel(x[0], [8000 * 10 / 205], 8000)[0], np.fft.fft(x[0])[10], rtol=1e-9
    )


LAWS = [None, "pcmu", "pcma"]
MATRIX = [(law, i) for law in LAWS for i in range(len(q24_cases()))]


@pytest.fixture(scope="module")
def matrices():
    return {law: q24_cases(law) for law in LAWS}


@pytest.mark.parametrize(
    ("law", "index"), MATRIX, ids=[f"{law or 'linear'}-{q24_cases()[i].name}" for law, i in MATRIX]
)
def test_q24_matrix(matrices, law, index):
    case = matrices[law][index]
    (result,) = run_q24([case])
    assert result.got == case.expected, f"{case.category}: {case.name}"


@pytest.mark.parametrize("law", LAWS)
def test_event_times_follow_the_tones(law):
    a = generate_dtmf(DIGITS, tone_ms=50, gap_ms=50, lead_ms=100)
    if law:
        a = g711.codec_roundtrip(a, law)
    events = detect_dtmf(a)
    assert digits_of(events) == DIGITS
    for i, ev in enumerate(events):
        assert ev.start == pytest.approx(0.1 + 0.1 * i, abs=0.005)
        assert ev.end == pytest.approx(0.15 + 0.1 * i, abs=0.005)


@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("lead_samples", range(0, 40, 3))
def test_duration_limits_hold_at_every_alignment(law, lead_samples):
    """40 ms always accepted, 20 ms always rejected, wherever the tone falls in a frame."""
    for tone_ms, expected in ((40, DIGITS), (20, "")):
        a = generate_dtmf(DIGITS, tone_ms=tone_ms, gap_ms=40, lead_ms=10 + lead_samples / 8)
        if law:
            a = g711.codec_roundtrip(a, law)
        assert digits_of(detect_dtmf(a)) == expected, f"{tone_ms} ms"


def _chunked(audio: Audio, sizes, batch_ms: float = 80.0) -> list:
    det = DtmfDetector(audio.rate, batch_ms=batch_ms)
    out, i = [], 0
    for n in sizes:
        if i >= audio.frames:
            break
        out += det.feed(audio.samples[i : i + n])
        i += n
    return out + det.flush()


@pytest.mark.parametrize("law", LAWS)
def test_streaming_in_20ms_chunks_is_identical(matrices, law):
    rng = np.random.default_rng(7)
    for case in matrices[law]:
        if case.category not in ("nominal", "noise", "interruption", "pause", "dial tone"):
            continue
        whole = detect_dtmf(case.audio)
        assert _chunked(case.audio, iter(lambda: 160, None)) == whole, case.name
        assert _chunked(case.audio, iter(lambda: 160, None), batch_ms=0) == whole, case.name
        assert _chunked(case.audio, rng.integers(1, 700, size=10_000)) == whole, case.name


def test_detector_reuse_after_flush_restarts_time():
    a = generate_dtmf("7", lead_ms=30)
    det = DtmfDetector()
    first = det.feed(a.samples) + det.flush()
    again = det.feed(a.samples) + det.flush()
    assert first == again and first[0].start == pytest.approx(0.03, abs=0.005)


def test_detect_resamples_other_rates_and_rejects_bad_input():
    a = generate_dtmf("159#", rate=16000, lead_ms=20)
    assert digits_of(detect_dtmf(a)) == "159#"
    assert digits_of(detect_dtmf(a.samples, 16000)) == "159#"
    assert detect_dtmf(Audio.silence(0)) == []
    with pytest.raises(AudioError, match="8000"):
        DtmfDetector(4000)
    with pytest.raises(AudioError, match="NaN"):
        DtmfDetector().feed(np.array([0.0, np.nan]))
    with pytest.raises(AudioError, match="resample"):
        DtmfDetector(8000).feed(Audio.silence(0.1, rate=16000))
    with pytest.raises(AudioError, match="rate"):
        detect_dtmf(np.zeros(10))


def test_dbm0_convention():
    # 0 dBm0 is a sine 3.17 dB below full scale: RMS -6.18 dBFS
    assert dbm0_to_dbfs(0) == pytest.approx(-6.18)
    a = generate_dtmf("1", tone_ms=1000, gap_ms=0, level_dbfs=dbm0_to_dbfs(-10), twist_db=-60)
    peak = np.abs(a.samples).max()
    assert 20 * np.log10(peak) == pytest.approx(-3.17 - 10, abs=0.05)


@pytest.mark.parametrize("codec", ["pcmu", "pcma"])
def test_digits_survive_a_clean_telephone_channel(codec):
    """The simulator's path: band-pass, G.711, packetisation delay, light line noise."""
    from telenb.audio import Channel

    a = generate_dtmf(DIGITS, lead_ms=100)
    heard = Channel(codec=codec, noise_dbfs=-50).apply(a)
    events = detect_dtmf(heard)
    assert digits_of(events) == DIGITS
    assert events[0].start == pytest.approx(0.1 + 0.02, abs=0.006)  # + 20 ms packetisation
