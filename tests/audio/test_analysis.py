"""Analysis and inspection: levels, clipping, speech segments, spectrogram, the views."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from telenb.audio import (
    Audio,
    Channel,
    clipping,
    generate_dtmf,
    inspect,
    levels,
    spectrogram,
    speech_segments,
)
from telenb.audio.tones import sine
from telenb.errors import AudioError


def test_levels_of_known_signals():
    lv = levels(sine(1000, 1.0, -20.0))
    assert lv.rms_dbfs == pytest.approx(-20, abs=0.01)
    assert lv.peak_dbfs == pytest.approx(-20 + 3.01, abs=0.02)  # sine crest factor 3.01 dB
    assert lv.crest_db == pytest.approx(3.01, abs=0.02)
    assert lv.clipped == 0 and abs(lv.dc) < 1e-4
    assert (lv.duration, lv.rate, lv.channels) == (1.0, 8000, 1)
    offset = Audio(np.full(800, 0.25, np.float32), 8000)
    assert levels(offset).dc == pytest.approx(0.25)
    empty = levels(Audio.silence(0))
    assert empty.rms_dbfs == float("-inf") and empty.clipped == 0
    assert str(empty) == "0.000 s, 8000 Hz, 1 ch, RMS -inf dBFS, peak -inf dBFS, clipped 0"


def test_clipping_counts_pinned_samples():
    x = 0.5 * np.sin(np.linspace(0, 20 * np.pi, 8000))
    x[[10, 500, 501, 502, 7000]] = [1.0, -1.0, -1.0, -1.0, 0.9995]
    assert clipping(Audio(x, 8000)) == 5
    # a sine driven 6 dB into a 16-bit converter: every sample above full scale is pinned
    hot = sine(100, 1.0, 3.0)
    expected = int(
        np.count_nonzero(
            np.abs(np.sqrt(2) * 10 ** (3 / 20) * np.sin(2 * np.pi * 100 * np.arange(8000) / 8000))
            >= 1.0
        )
    )
    pinned = Audio(np.clip(hot.samples, -1, 1), 8000)
    assert clipping(pinned) == pytest.approx(expected, abs=4)


def test_speech_segments_find_tone_bursts_in_noise():
    rng = np.random.default_rng(2)
    x = rng.normal(0, 10 ** (-50 / 20), 8000 * 4)
    for start, end in ((0.5, 1.2), (2.0, 2.3), (3.0, 3.6)):
        a, b = int(start * 8000), int(end * 8000)
        x[a:b] += sine(300, end - start, -20.0).samples
    segs = speech_segments(Audio(x.astype(np.float32), 8000), hangover_ms=0)
    assert len(segs) == 3
    for seg, (start, end) in zip(segs, ((0.5, 1.2), (2.0, 2.3), (3.0, 3.6)), strict=True):
        assert seg.start == pytest.approx(start, abs=0.03)
        assert seg.end == pytest.approx(end, abs=0.03)


def test_speech_segments_on_real_speech(fsdd_dir):
    words = [Audio.load(fsdd_dir / f"{d}_jackson_0.wav") for d in (3, 7)]
    signal = Audio.concat(
        [Audio.silence(1.0), words[0], Audio.silence(1.0), words[1], Audio.silence(1.0)]
    )
    segs = speech_segments(signal)
    spans = [
        (1.0, 1.0 + words[0].duration),
        (2.0 + words[0].duration, 2.0 + words[0].duration + words[1].duration),
    ]
    assert len(segs) == 2
    for seg, (a, b) in zip(segs, spans, strict=True):
        assert a - 0.02 <= seg.start and seg.end <= b + 0.2  # inside the word (+ hangover)
        assert seg.duration >= 0.5 * (b - a)  # and covering most of it
    assert speech_segments(Audio.silence(2.0)) == []
    assert speech_segments(Audio.silence(0.005)) == []


def test_spectrogram_peaks_at_the_tone():
    spec = spectrogram(sine(1250, 1.0, -3.01))  # full-scale sine
    k = np.unravel_index(np.argmax(spec.db), spec.db.shape)
    assert spec.freqs[k[0]] == pytest.approx(1250, abs=31.25)
    assert spec.db.max() == pytest.approx(0.0, abs=1.5)  # Hann scalloping at most 1.4 dB
    assert spec.times[-1] <= 1.0 and spec.db.shape == (spec.freqs.size, spec.times.size)


@pytest.fixture(scope="module")
def demo():
    speech = Audio(np.random.default_rng(4).normal(0, 0.05, 4000).astype(np.float32), 8000)
    return Audio.concat(
        [Audio.silence(0.3), speech, generate_dtmf("147", lead_ms=300), Audio.silence(0.3)]
    )


def test_inspect_text_is_deterministic_and_complete(demo):
    first, second = repr(inspect(demo)), repr(inspect(demo))
    assert first == second
    lv = levels(demo)
    assert first.splitlines() == [
        f"audio: 1.700 s, 8000 Hz, 1 ch, RMS {lv.rms_dbfs:.1f} dBFS, "
        f"peak {lv.peak_dbfs:.1f} dBFS, clipped 0",
        "  speech: 0.29-1.51",  # noise from 0.30, digits to 1.35, + 150 ms hangover
        "  DTMF: 147 (1@1.10, 4@1.20, 7@1.30)",
    ]


def test_inspect_html_has_png_table_and_players(demo):
    view = inspect(demo, Channel(loss=0.0, noise_dbfs=-45).apply(demo))
    page = view._repr_html_()
    png = base64.b64decode(re.search(r"image/png;base64,([A-Za-z0-9+/=]+)", page).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert page.count("<audio controls") == 2 and "<table>" in page
    assert [i.label for i in view.items] == ["before", "after"]
    assert repr(view).count("DTMF: 147") == 2


def test_inspect_in_jupyter_keeps_the_png_out_of_the_html(demo, monkeypatch):
    """nbval compares HTML but skips images: the figure must be an output of its own."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    view = inspect(demo, Channel(loss=0.0, noise_dbfs=-45).apply(demo))
    view._ipython_display_()
    figure, details = shown
    assert set(figure) == {"image/png", "text/plain"}
    assert base64.b64decode(figure["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure["text/plain"] == "<waveform and spectrogram of 'before', 'after'>"
    assert "image/png" not in details["text/html"] and "<img" not in details["text/html"]
    assert details["text/html"].count("<audio controls") == 2 and "<table>" in details["text/html"]
    assert details["text/plain"] == repr(view)


def test_inspect_paths_empty_audio_and_errors(tmp_path, demo):
    path = demo.save(tmp_path / "call.wav")
    view = inspect(path)
    assert repr(view).startswith("call.wav: 1.700 s")
    empty = inspect(Audio.silence(0))
    assert "(empty)" in repr(empty) and "image/png" in empty._repr_html_()
    with pytest.raises(AudioError, match="no audio file"):
        inspect(tmp_path / "missing.wav")
    with pytest.raises(AudioError, match="labels"):
        inspect(demo, demo, labels=("one",))
    with pytest.raises(AudioError, match="Audio or a file path"):
        inspect(123)


def test_importing_audio_is_light():
    code = (
        "import sys, telenb.audio; "
        "print(sorted(m for m in ('scipy', 'soundfile', 'soxr', 'matplotlib') "
        "if m in sys.modules))"
    )
    repo = Path(__file__).resolve().parents[2]  # this checkout, not an installed telenb
    env = {**os.environ, "PYTHONPATH": str(repo)}
    out = subprocess.run(
        [sys.executable, "-c", code + "; print(telenb.audio.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=repo,
    )
    modules, path = out.stdout.strip().splitlines()
    assert modules == "[]" and path.startswith(str(repo))
