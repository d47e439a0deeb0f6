"""The batched detector: any chunking, batch size or block boundary gives the same events."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shared_path

from telenb.audio import Audio, DtmfDetector, detect_dtmf
from telenb.audio.dtmf import _BLOCK, DIGITS, digits_of, generate_dtmf


def _streamed(audio: Audio, sizes, batch_ms: float = 80.0) -> list:
    det = DtmfDetector(audio.rate, batch_ms=batch_ms)
    out, i = [], 0
    for n in sizes:
        if i >= audio.frames:
            break
        out += det.feed(audio.samples[i : i + n])
        i += n
    return out + det.flush()


def _bursts(seed: int, seconds: float, rate: int = 8000) -> tuple[Audio, str]:
    """Noise with digit bursts at varied level, twist, offset and length."""
    rng = np.random.default_rng(seed)
    parts, digits = [], ""
    while sum(p.frames for p in parts) < seconds * rate:
        parts.append(Audio(rng.normal(0, 0.01, int(rng.uniform(0.1, 0.6) * rate)), rate))
        d = "".join(rng.choice(list(DIGITS), 3))
        parts.append(
            generate_dtmf(
                d,
                tone_ms=float(rng.uniform(45, 120)),
                gap_ms=float(rng.uniform(45, 80)),
                level_dbfs=float(rng.uniform(-30, -12)),
                twist_db=float(rng.uniform(-6, 3)),
                low_offset=float(rng.uniform(-0.012, 0.012)),
                high_offset=float(rng.uniform(-0.012, 0.012)),
                rate=rate,
            )
        )
        digits += d
    return Audio.concat(parts), digits


def test_streamed_equals_whole_across_block_boundaries():
    audio, digits = _bursts(3, 1.3 * _BLOCK * 0.005)  # more frames than one analysis block
    whole = detect_dtmf(audio)
    assert digits_of(whole) == digits
    rng = np.random.default_rng(11)
    assert _streamed(audio, iter(lambda: 160, None)) == whole
    assert _streamed(audio, iter(lambda: 160, None), batch_ms=0) == whole
    assert _streamed(audio, rng.integers(1, 3000, size=100_000), batch_ms=20) == whole
    assert _streamed(audio, [audio.frames]) == whole


def test_other_rates_stream_identically():
    audio, digits = _bursts(5, 3.0, rate=16000)
    whole = detect_dtmf(audio)
    assert digits_of(whole) == digits
    det = DtmfDetector(16000)
    rng = np.random.default_rng(2)
    assert _streamed(audio, rng.integers(1, 900, size=10_000)) == det.feed(audio) + det.flush()
    assert det.feed(audio.samples) + det.flush() == whole


def test_speech_with_digits_streams_identically():
    """Real speech (FSDD) mixed with digits: candidate frames in speech, runs that end by a
    different digit, by silence, and across batches."""
    files = sorted(shared_path("fsdd").glob("*.wav"))[:120]
    speech = Audio.concat([Audio.load(f).mono() for f in files], rate=8000)
    tones, _ = _bursts(8, speech.duration)
    n = min(speech.frames, tones.frames)
    mix = Audio(np.clip(0.7 * speech.samples[:n] + tones.samples[:n], -1, 1), 8000)
    whole = detect_dtmf(mix)
    assert len(whole) > 20
    rng = np.random.default_rng(4)
    assert _streamed(mix, iter(lambda: 160, None)) == whole
    assert _streamed(mix, rng.integers(1, 2000, size=100_000), batch_ms=0) == whole


def test_finite_check_is_exact():
    det = DtmfDetector()
    det.feed(np.array([1e200, -1e200, 0.5]))  # squares overflow, samples are finite
    for bad in (np.inf, -np.inf, np.nan):
        with pytest.raises(ValueError, match="NaN or infinite"):
            DtmfDetector().feed(np.array([1e200, bad]))


def test_poll_reports_ended_digits_whatever_the_batch():
    """`poll()` analyses what is buffered: digits come out as soon as they ended (25 ms plus
    a frame after the tone), the same events as a whole-buffer detection, however often it
    is called and whatever the batch."""
    audio, digits = _bursts(6, 12.0)  # longer than the 10 s the buffer holds
    whole = detect_dtmf(audio)
    assert digits_of(whole) == digits
    for batch_ms, every in ((10_000.0, 1), (10_000.0, 7), (80.0, 3), (1e9, 10**9)):
        det = DtmfDetector(8000, batch_ms=batch_ms)
        out: list = []
        for i in range(0, audio.frames, 160):
            out += det.feed(audio.samples[i : i + 160])
            if (i // 160) % every == 0:
                got = det.poll()
                end = (i + 160) / 8000  # stream time fed so far
                assert all(e.end <= end for e in got)
                out += got
        assert out + det.flush() == whole
    # polled after every 20 ms chunk, each digit is out by 60 ms after its tone stopped
    det, seen = DtmfDetector(8000), {}
    for i in range(0, audio.frames, 160):
        for e in det.feed(audio.samples[i : i + 160]) + det.poll():
            seen[e] = (i + 160) / 8000
    assert list(seen) == whole[: len(seen)] and len(seen) >= len(whole) - 1
    assert all(at - e.end <= 0.06 for e, at in seen.items())


def test_nan_in_a_buffered_chunk_raises_at_the_analysis_and_is_dropped():
    """float32 chunks are copied as they are; their finite check runs with the analysis that
    reads them, which raises and drops the audio fed since the previous one."""
    tone = generate_dtmf("5", lead_ms=50).samples
    det = DtmfDetector(8000)
    det.feed(tone[:160])
    bad = tone[160:320].copy()
    bad[7] = np.nan
    assert det.feed(bad) == []  # buffered, not yet analysed
    with pytest.raises(ValueError, match="NaN or infinite"):
        det.poll()
    assert det.poll() == [] and det.flush() == []  # what was dropped is gone
    assert digits_of(det.feed(tone) + det.flush()) == "5"  # and the detector still works
