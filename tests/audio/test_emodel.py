"""The G.107 E-model against published figures."""

from __future__ import annotations

import math

import pytest

from telenb.audio.channel import Channel
from telenb.audio.emodel import EModel, r_to_mos
from telenb.errors import AudioError


def test_g107_defaults_give_r_93_2():
    # G.107 section 7.7: with all defaults R = 94.77 - 1.41 - 0.15 - 0 + 0 = 93.2
    e = EModel()
    assert e.Ro == pytest.approx(94.77, abs=0.01)
    assert e.Is == pytest.approx(1.41, abs=0.01)
    assert e.Id == pytest.approx(0.15, abs=0.01)
    assert pytest.approx(93.2, abs=0.05) == e.R
    assert pytest.approx(4.41, abs=0.005) == e.MOS


@pytest.mark.parametrize(
    ("r", "mos"),
    [(90, 4.34), (80, 4.03), (70, 3.60), (60, 3.10), (50, 2.58), (-5, 1.0), (120, 4.5)],
)
def test_r_to_mos_matches_g109_table(r, mos):
    assert r_to_mos(r) == pytest.approx(mos, abs=0.01)  # the table is rounded


def test_idd_follows_the_g107_formula():
    assert EModel(Ta=100).Idd == 0.0
    x = 1.0  # Ta = 200 ms: log2(200/100)
    expected = 25 * ((1 + x**6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2)
    assert EModel(Ta=200).Idd == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(3.04, abs=0.01)


@pytest.mark.parametrize("delay", [0, 50, 100, 150, 200, 250, 300, 350, 400])
def test_delay_impairment_close_to_cole_rosenbluth(delay):
    """Cole & Rosenbluth (ACM CCR 2001) fit to the E-model with default echo settings."""
    fit = 0.024 * delay + 0.11 * max(delay - 177.3, 0)
    ours = EModel(Ta=delay).Id - EModel().Id
    assert ours == pytest.approx(fit, abs=3.5)


def test_packet_loss_with_g113_values():
    plc = EModel.for_codec("g711+plc", Ppl=1.0)
    assert plc.Ie_eff == pytest.approx(95 * 1 / (1 + 25.1), abs=1e-9)  # G.107 eq. 7-29
    assert pytest.approx(93.2 - 3.64, abs=0.05) == plc.R
    bursty = EModel.for_codec("g711+plc", Ppl=1.0, BurstR=2.0)
    assert bursty.R < plc.R
    assert pytest.approx(93.2 - 11, abs=0.05) == EModel.for_codec("g729a").R
    assert EModel.for_codec("g711", Ppl=2.0).R < EModel.for_codec("g711+plc", Ppl=2.0).R
    with pytest.raises(AudioError, match=r"G\.113"):
        EModel.for_codec("speex")
    with pytest.raises(AudioError, match="percentage"):
        EModel(Ppl=150)


def test_channel_rating_tracks_loss_delay_and_concealment():
    base = Channel().emodel()
    assert base.Ta == 20 and 92 < base.R < 93.2 and base.MOS > 4.3  # 20 ms packetisation
    lossy = Channel(loss=0.02).emodel()
    assert lossy.Ppl == pytest.approx(2.0)
    assert lossy.R < base.R
    assert Channel(loss=0.02, concealment="silence").emodel().R < lossy.R
    late = Channel(jitter_ms=20, jitter_buffer_ms=40).emodel()
    assert late.Ppl == pytest.approx(100 * math.exp(-2))
    assert late.Ta == 20 + 40
    assert Channel(delay_ms=300).emodel().R < 75


def test_channel_rating_counts_line_noise_as_circuit_noise():
    assert Channel().emodel().Nc == EModel().Nc == -70  # no noise: the G.107 default
    quiet = Channel(noise_dbfs=-110).emodel()
    assert pytest.approx(Channel().emodel().R, abs=0.01) == quiet.R
    noisy = Channel(noise_dbfs=-40)
    # -40 dBFS is -33.8 dBm0 of white noise; weighted over 0-4 kHz: -37.32 dBm0p
    assert noisy.noise_dbm0p == pytest.approx(-40 + 6.18 - 3.5)
    assert noisy.emodel().Nc == pytest.approx(-37.32, abs=0.005)
    assert noisy.emodel().R < Channel().emodel().R - 25
    assert Channel(noise_dbfs=-30).emodel().R < noisy.emodel().R
    # at 16 kHz the same noise power is spread over twice the band: 3 dB less of it counts
    wide = Channel(codec="none", rate=16000, noise_dbfs=-40)
    assert wide.noise_dbm0p == pytest.approx(noisy.noise_dbm0p - 10 * math.log10(2))
    assert Channel().noise_dbm0p is None


def test_report_rounds_without_negative_zero():
    report = EModel().report()
    assert str(report["Idte"]) == "0.0"  # the term itself is -0.0 at zero delay
    assert report["R"] == 93.21 and report["MOS"] == 4.41
