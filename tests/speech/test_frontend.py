"""The front end's speech/silence decision on real and synthesised speech, and on noise."""

import numpy as np
import pytest

from telenb.audio import Audio
from telenb.flow.grammar import parse
from telenb.speech import recognize, synthesize
from telenb.speech.frontend import FRAME, frame_levels, is_silent, speech_bounds, voiced_frames

from .conftest import ulaw

# FSDD clips that had no quiet frames at all (4-9 dB from the 10th-percentile frame to the
# loudest) and were called silence before any engine ran
TIGHT = ["1_nicolas_23", "1_nicolas_42", "2_nicolas_24", "3_nicolas_22", "3_nicolas_38",
         "5_nicolas_24", "5_nicolas_34", "8_nicolas_4", "9_yweweler_36"]  # fmt: skip


def trim_to_loud(a: Audio, within_db: float) -> Audio:
    """Cut `a` to its first..last frame within `within_db` of the loudest frame."""
    levels = frame_levels(a)
    loud = np.nonzero(levels > levels.max() - within_db)[0]
    return a.slice(loud[0] * FRAME, (loud[-1] + 1) * FRAME)


def test_no_fsdd_recording_is_called_silence(fsdd_dir):
    files = sorted(fsdd_dir.glob("*.wav"))
    assert len(files) == 2000
    silent = [f.name for f in files if is_silent(Audio.load(f))]
    assert silent == []
    for name in TIGHT:  # the ones with no leading or trailing silence at all
        a = Audio.load(fsdd_dir / f"{name}.wav")
        levels = frame_levels(a)
        assert levels.max() - np.percentile(levels, 10) < 9.0
        assert speech_bounds(a) is not None and speech_bounds(ulaw(a)) is not None


def test_even_tighter_clips_stay_speech(fsdd_dir):
    # every recording cut to the frames within 20 dB of its loudest: was 87 / 2000 silence
    files = sorted(fsdd_dir.glob("*.wav"))[::4]
    silent = [f.name for f in files if is_silent(trim_to_loud(Audio.load(f), 20.0))]
    assert len(silent) <= 2, silent


def test_tight_clips_reach_the_recogniser(fsdd_dir):
    g = parse("[1 DIGIT]")
    got = [
        recognize(Audio.load(fsdd_dir / f"{n}.wav"), g, "pocketsphinx", min_confidence=0)
        for n in TIGHT
    ]
    assert all(r.reason != "silence" for r in got), got
    assert sum(r.value == n[0] for r, n in zip(got, TIGHT, strict=True)) >= 5, got


def test_tightly_trimmed_synthesised_words_are_speech():
    for word, voice in [("red", "Tom"), ("seven", "Allison"), ("no", "Karen"), ("one", "Kate")]:
        a = ulaw(synthesize(word, voice))
        for db in (20.0, 12.0):
            assert not is_silent(trim_to_loud(a, db)), (word, voice, db)


def _noises() -> dict[str, Audio]:
    rng = np.random.default_rng(7)
    t = np.arange(16000) / 8000
    white = rng.normal(0, 0.01, t.size)
    pink = np.zeros_like(white)
    for i in range(1, t.size):  # one-pole low-pass: noise with a falling spectrum
        pink[i] = 0.95 * pink[i - 1] + white[i]
    out = {
        "white -40 dBFS": white,
        "low-passed noise": pink,
        "60 Hz hum": 0.02 * sum(np.sin(2 * np.pi * 60 * k * t) / k for k in range(1, 6)),
        "50 Hz hum": 0.02 * sum(np.sin(2 * np.pi * 50 * k * t) / k for k in range(1, 6)),
        "dial tone": 0.1 * (np.sin(2 * np.pi * 350 * t) + np.sin(2 * np.pi * 440 * t)),
        "tone in noise": 0.1 * np.sin(2 * np.pi * 440 * t) + white * 3,
    }
    return {k: Audio(v.astype(np.float32), 8000) for k, v in out.items()}


@pytest.mark.parametrize("name", list(_noises()))
def test_steady_noise_and_tones_are_still_silence(name):
    a = _noises()[name]
    assert is_silent(a) and is_silent(ulaw(a))


def test_voicing_is_high_in_speech_and_low_in_noise(fsdd_dir):
    speech = Audio.load(fsdd_dir / "0_jackson_0.wav")
    assert np.mean(voiced_frames(speech) >= 0.5) > 0.6
    assert np.mean(voiced_frames(_noises()["white -40 dBFS"]) >= 0.5) == 0.0
    assert np.mean(voiced_frames(_noises()["60 Hz hum"]) >= 0.5) == 0.0
