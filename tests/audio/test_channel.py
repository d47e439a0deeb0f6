"""The channel model, measured from the outside: response, noise, loss statistics, delay."""

from __future__ import annotations

import numpy as np
import pytest

from telenb.audio import Audio
from telenb.audio.channel import Channel
from telenb.audio.g711 import alaw_decode, ulaw_decode
from telenb.audio.tones import sine
from telenb.errors import AudioError

SPEECHLIKE = Audio(np.random.default_rng(5).normal(0, 0.1, 8000 * 4).astype(np.float32), 8000)


def _gain_db(channel: Channel, freq: float) -> float:
    tone = sine(freq, 2.0, -20.0)
    out = channel.apply(tone).samples[4000:12000]  # steady state
    return 20 * np.log10(np.sqrt(np.mean(out.astype(float) ** 2))) + 20


@pytest.mark.parametrize(
    ("freq", "lo", "hi"),
    [
        (1000, -0.5, 0.5),
        (500, -0.5, 0.5),
        (2500, -0.5, 0.5),
        (300, -3.5, -2.5),
        (3400, -3.5, -2.5),  # band edges at -3 dB
        (100, -99, -25),
        (3900, -99, -15),
    ],
)
def test_band_pass_response(freq, lo, hi):
    assert lo <= _gain_db(Channel(codec="none"), freq) <= hi


def test_same_seed_same_bytes_and_seeds_differ():
    ch = Channel(loss=0.1, burst_ratio=2, jitter_ms=20, noise_dbfs=-50, seed=11)
    a, b = ch.apply(SPEECHLIKE), ch.apply(SPEECHLIKE)
    assert a.samples.tobytes() == b.samples.tobytes()
    rng1, rng2 = np.random.default_rng(3), np.random.default_rng(3)
    assert (
        ch.apply(SPEECHLIKE, rng1).samples.tobytes() == ch.apply(SPEECHLIKE, rng2).samples.tobytes()
    )
    other = Channel(loss=0.1, burst_ratio=2, jitter_ms=20, noise_dbfs=-50, seed=12)
    assert other.apply(SPEECHLIKE).samples.tobytes() != a.samples.tobytes()


@pytest.mark.parametrize(("codec", "table"), [("pcmu", ulaw_decode), ("pcma", alaw_decode)])
def test_codec_output_is_on_the_g711_grid(codec, table):
    out = Channel(codec=codec, band_pass=False, packet_ms=20).apply(SPEECHLIKE)
    levels = set(table(np.arange(256, dtype=np.uint8)).tolist())
    pcm = np.round(out.samples[160:].astype(np.float64) * 32768).astype(int)  # after delay
    assert set(np.unique(pcm).tolist()) <= levels
    # G.711 on this signal (-20 dBFS noise) gives 35-39 dB SNR; compare after the delay
    sent = SPEECHLIKE.samples.astype(float)
    got = out.samples[160:].astype(float)
    snr = 10 * np.log10(np.sum(sent**2) / np.sum((got - sent) ** 2))
    assert 33 < snr < 42


def test_l16_and_none():
    l16 = Channel(codec="l16", band_pass=False).apply(SPEECHLIKE)
    assert np.allclose(l16.samples[160:] * 32768, np.round(l16.samples[160:] * 32768))
    none = Channel(codec="none", band_pass=False).apply(SPEECHLIKE)
    np.testing.assert_array_equal(none.samples, SPEECHLIKE.samples)  # no delay, no change


def test_random_loss_rate_and_burst_ratio():
    long = Audio.silence(2000.0)  # 100,000 packets of 20 ms
    for burst in (1.0, 3.0):
        tx = Channel(codec="pcmu", loss=0.05, burst_ratio=burst, band_pass=False).transmit(long)
        lost = tx.lost
        assert lost.mean() == pytest.approx(0.05, abs=0.006)
        runs = np.diff(np.flatnonzero(np.diff(np.r_[0, lost.astype(int), 0])))[::2]
        mean_burst = runs.mean()
        # G.107: BurstR = mean burst length / mean burst length under random loss
        assert mean_burst * (1 - 0.05) == pytest.approx(burst, rel=0.1)


def test_concealment_silence_and_repeat():
    tone = sine(440, 4.0, -20.0)
    with pytest.raises(AudioError, match="packetised"):
        Channel(codec="none", loss=0.2)  # "none" means no packets, so nothing to lose
    pkt = Channel(codec="l16", band_pass=False, loss=0.2, concealment="silence", seed=1)
    tx = pkt.transmit(tone)
    out = tx.audio.samples[160:]
    for i in np.flatnonzero(tx.lost)[:20]:
        assert not out[i * 160 : (i + 1) * 160].any()
    rep = Channel(codec="l16", band_pass=False, loss=0.2, concealment="repeat", seed=1)
    tx = rep.transmit(tone)
    out = tx.audio.samples[160:].astype(float)
    first = [i for i in np.flatnonzero(tx.lost) if i > 0 and not tx.lost[i - 1]]
    for i in first[:20]:
        prev, now = out[(i - 1) * 160 : i * 160], out[i * 160 : (i + 1) * 160]
        ramp = np.linspace(1, 2 / 3, 160, endpoint=False)
        np.testing.assert_allclose(now, prev * ramp, atol=1e-6)


def test_jitter_late_loss_and_delay():
    long = Audio.silence(1000.0)
    ch = Channel(codec="pcmu", band_pass=False, jitter_ms=20, jitter_buffer_ms=40)
    tx = ch.transmit(long)
    assert tx.late.mean() == pytest.approx(np.exp(-2), abs=0.01)
    assert ch.latency_ms == 20 + 40
    click = Audio(np.r_[np.zeros(400), 0.5, np.zeros(7599)].astype(np.float32), 8000)
    for channel in (
        Channel(codec="pcmu", band_pass=False, delay_ms=100),
        Channel(codec="none", band_pass=False, delay_ms=37.5),
    ):
        out = channel.apply(click).samples
        assert np.argmax(np.abs(out)) - 400 == round(channel.latency_ms * 8)


def test_noise_and_gain_levels():
    quiet = Channel(codec="none", band_pass=False, noise_dbfs=-40).apply(Audio.silence(10.0))
    assert quiet.level_dbfs() == pytest.approx(-40, abs=0.1)
    tone = sine(1000, 1.0, -20.0)
    louder = Channel(codec="none", gain_db=6).apply(tone)
    assert louder.slice(0.2).level_dbfs() == pytest.approx(-14, abs=0.1)


def test_resamples_input_and_rejects_bad_settings():
    wide = sine(1000, 1.0, -20.0, rate=48000)
    out = Channel().apply(wide)
    assert out.rate == 8000 and out.frames == 8000 + 160
    with pytest.raises(AudioError, match="codec"):
        Channel(codec="opus")
    with pytest.raises(AudioError, match="8000"):
        Channel(codec="pcmu", rate=16000)
    with pytest.raises(AudioError, match="probability"):
        Channel(loss=1.5)
    with pytest.raises(AudioError, match="concealment"):
        Channel(concealment="magic")
    with pytest.raises(AudioError, match="Audio"):
        Channel().apply(np.zeros(10))
