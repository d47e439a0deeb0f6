"""The Audio value type: file round trips, resampling, levels, mixing, display."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
import soundfile as sf

from telenb.audio import Audio, as_audio
from telenb.errors import AudioError


def tone(freq=1000.0, seconds=1.0, amp=0.5, rate=8000) -> Audio:
    t = np.arange(round(seconds * rate)) / rate
    return Audio((amp * np.sin(2 * np.pi * freq * t)).astype(np.float32), rate)


def peak_hz(a: Audio) -> float:
    spec = np.abs(np.fft.rfft(a.samples * np.hanning(a.frames)))
    return float(np.fft.rfftfreq(a.frames, 1 / a.rate)[np.argmax(spec)])


# -- files -------------------------------------------------------------------------------------
def test_wav_and_flac_round_trip_bit_exact(tmp_path):
    pcm = np.random.default_rng(0).integers(-32768, 32768, 4000).astype(np.int16)
    a = Audio(pcm, 8000)
    for name in ("a.wav", "a.flac"):
        back = Audio.load(a.save(tmp_path / name))
        assert back.rate == 8000
        np.testing.assert_array_equal(back.pcm16(), pcm)
    assert not list(tmp_path.glob(".*.tmp"))  # atomic save leaves no temporaries


def test_float_wav_and_stereo_round_trip(tmp_path):
    st = Audio.stereo(tone(440), tone(660, amp=0.25))
    back = Audio.load(st.save(tmp_path / "s.wav", subtype="FLOAT"))
    assert back.channels == 2
    np.testing.assert_array_equal(back.samples, st.samples)
    flac = Audio.load(st.save(tmp_path / "nested" / "dir" / "s.flac"))
    assert flac.channels == 2 and flac.frames == st.frames


def test_ogg_round_trip_is_close(tmp_path):
    a = tone(440, 2.0, rate=16000)
    back = Audio.load(a.save(tmp_path / "a.ogg"))
    assert back.rate == 16000 and abs(back.frames - a.frames) < 100
    n = min(back.frames, a.frames)
    err = back.samples[:n] - a.samples[:n]
    snr = 10 * np.log10(np.sum(a.samples[:n] ** 2) / np.sum(err**2))
    assert snr > 20  # lossy, but the same signal
    assert peak_hz(back) == pytest.approx(440, abs=1)


def test_load_can_resample(tmp_path):
    path = tone(1000, 1.0, rate=44100).save(tmp_path / "hi.wav")
    a = Audio.load(path, rate=8000)
    assert a.rate == 8000 and a.frames == 8000 and peak_hz(a) == pytest.approx(1000, abs=1)
    assert as_audio(path).rate == 44100


# -- resampling and levels ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("src", "dst"), [(48000, 8000), (8000, 16000), (44100, 8000), (22050, 16000)]
)
def test_resampling_keeps_frequency_level_and_length(src, dst):
    a = tone(1000, 2.0, amp=0.5, rate=src)
    b = a.resample(dst)
    assert b.rate == dst and b.frames == pytest.approx(2 * dst, abs=1)
    assert peak_hz(b) == pytest.approx(1000, abs=1)
    mid = b.slice(0.2, 1.8)
    assert mid.level_dbfs() == pytest.approx(a.level_dbfs(), abs=0.05)


def test_resampling_removes_what_cannot_be_represented():
    alias = tone(6000, 1.0, amp=0.5, rate=48000).resample(8000)  # would fold to 2 kHz
    assert alias.slice(0.1, 0.9).level_dbfs() < -80


def test_levels():
    assert tone(amp=1.0).level_dbfs() == pytest.approx(-3.01, abs=0.01)  # full-scale sine
    square = Audio(np.where(np.arange(800) % 8 < 4, 1.0, -1.0), 8000)
    assert square.level_dbfs() == pytest.approx(0.0, abs=1e-6)
    assert tone(amp=0.5).peak_dbfs() == pytest.approx(-6.02, abs=0.01)
    assert tone(amp=0.5).gain(6.0206).peak_dbfs() == pytest.approx(0.0, abs=0.001)
    assert tone().normalize(-20).level_dbfs() == pytest.approx(-20, abs=0.01)
    assert Audio.silence(1).level_dbfs() == float("-inf")


def test_pcm16_is_exact_for_every_16_bit_value():
    every = np.arange(-32768, 32768).astype(np.int16)
    a = Audio(every, 8000)
    np.testing.assert_array_equal(a.pcm16(), every)
    np.testing.assert_array_equal(Audio.from_pcm16(a.to_pcm16(), 8000).pcm16(), every)


def test_unsigned_8_bit_is_offset_binary():
    a = Audio(np.array([0, 128, 255], np.uint8), 8000)
    np.testing.assert_allclose(a.samples, [-1.0, 0.0, 127 / 128])


# -- combining ---------------------------------------------------------------------------------
def test_mix_concat_and_stereo():
    a, b = tone(440, 1.0), tone(880, 0.5, rate=16000)
    m = a.mix(b, offset=0.75)
    assert m.frames == round(1.25 * 8000)
    np.testing.assert_allclose(m.samples[:6000], a.samples[:6000])
    c = Audio.concat([a, b, Audio.silence(0.25)])
    assert c.rate == 8000 and c.duration == pytest.approx(1.75, abs=1e-3)
    assert (a + b).duration == pytest.approx(1.5, abs=1e-3)
    st = Audio.stereo(a, b)
    assert st.channels == 2 and st.frames == 8000 and not st.samples[4000:, 1].any()
    assert Audio.concat([]).frames == 0


# -- display -----------------------------------------------------------------------------------
def test_html_has_a_player_with_the_same_audio_and_a_waveform():
    a = tone(440, 0.5)
    html = a._repr_html_()
    assert "<svg" in html and "<audio controls" in html
    b64 = re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1)
    data, rate = sf.read(io.BytesIO(base64.b64decode(b64)), dtype="int16")
    assert rate == 8000
    np.testing.assert_array_equal(data, a.pcm16())
    assert repr(a) == "<Audio 0.500 s, 8000 Hz, mono, -9.0 dBFS>"
    assert "<svg" in Audio.silence(0)._repr_html_()


# -- bad input ---------------------------------------------------------------------------------
def _wav_bytes(frames=8000) -> bytes:
    return tone(440, frames / 8000).wav_bytes()


def test_missing_empty_directory_and_unknown_files(tmp_path):
    with pytest.raises(AudioError, match="no audio file"):
        Audio.load(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="directory"):
        Audio.load(tmp_path)
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        Audio.load(tmp_path / "empty.wav")
    (tmp_path / "notes.wav").write_text("these are not samples " * 20)
    with pytest.raises(AudioError, match=r"not recognised.*WAV, FLAC"):
        Audio.load(tmp_path / "notes.wav")
    (tmp_path / "header.wav").write_bytes(_wav_bytes()[:20])  # cut inside the header
    with pytest.raises(AudioError, match=r"cannot read .*header\.wav"):
        Audio.load(tmp_path / "header.wav")


def test_truncated_files_are_reported(tmp_path):
    data = _wav_bytes(8000)
    (tmp_path / "cut.wav").write_bytes(data[: 44 + 2 * 3000])
    with pytest.raises(AudioError, match=r"truncated.*3000 of 8000 frames"):
        Audio.load(tmp_path / "cut.wav")
    assert Audio.load(tmp_path / "cut.wav", allow_truncated=True).frames == 3000
    full = tone(440, 1.0)
    for suffix in ("flac", "ogg"):
        path = full.save(tmp_path / f"whole.{suffix}")
        blob = path.read_bytes()
        (tmp_path / f"cut.{suffix}").write_bytes(blob[: len(blob) // 2])
        with pytest.raises(AudioError, match="truncated"):
            Audio.load(tmp_path / f"cut.{suffix}")


def test_damaged_float_wav_with_nan(tmp_path):
    buf = io.BytesIO()
    sf.write(buf, np.array([0.0, np.nan, 0.5], np.float32), 8000, format="WAV", subtype="FLOAT")
    (tmp_path / "nan.wav").write_bytes(buf.getvalue())
    with pytest.raises(AudioError, match="NaN"):
        Audio.load(tmp_path / "nan.wav")


def test_save_errors(tmp_path):
    with pytest.raises(AudioError, match=r"\.wav, \.flac or \.ogg"):
        tone().save(tmp_path / "a.mp3")
    with pytest.raises(AudioError, match="cannot hold"):
        tone().save(tmp_path / "a.flac", subtype="FLOAT")
    with pytest.raises(AudioError, match="empty"):
        Audio.silence(0).save(tmp_path / "a.ogg")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(AudioError, match="folder"):
        tone().save(blocker / "a.wav")
    assert Audio.load(Audio.silence(0).save(tmp_path / "empty.wav")).frames == 0


def test_bad_samples_and_rates():
    with pytest.raises(AudioError, match="NaN"):
        Audio(np.array([0.0, np.nan]), 8000)
    with pytest.raises(AudioError, match="sample rate"):
        Audio(np.zeros(3), 0)
    with pytest.raises(AudioError, match="sample rate"):
        Audio(np.zeros(3), 8000.5)
    with pytest.raises(AudioError, match="sample rate"):
        Audio(np.zeros(3), None)
    with pytest.raises(AudioError, match=r"samples\.T"):
        Audio(np.zeros((2, 1000)), 8000)
    with pytest.raises(AudioError, match="1-D or 2-D"):
        Audio(np.zeros((2, 2, 2)), 8000)
    with pytest.raises(AudioError, match="real numbers"):
        Audio(np.zeros(3, complex), 8000)
    with pytest.raises(AudioError, match="target sample rate"):
        tone().resample(-1)
    with pytest.raises(AudioError, match="offset"):
        tone().mix(tone(), offset=-1)
    with pytest.raises(AudioError, match="expected Audio"):
        as_audio(42)


def test_empty_audio_is_usable():
    e = Audio.silence(0)
    assert e.resample(16000).frames == 0 and e.pcm16().size == 0
    assert e.level_dbfs() == float("-inf") and e.peak_dbfs() == float("-inf")
    assert (e + tone()).frames == 8000 and e.mix(tone()).frames == 8000
    assert len(e.wav_bytes()) == 44
