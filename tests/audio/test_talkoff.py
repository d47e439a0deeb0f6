"""Talk-off: the DTMF detector must not hear digits in speech (Q.24-style, <= 1 per 10 min).

Speech: every recording of the Free Spoken Digit Dataset (real voices, 8 kHz, ~15 min) and
~6 min of eSpeak NG synthesis in ten voices and pitches (reading IVR prompts and prose).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import shared_path

from telenb.audio import Audio, g711
from telenb.audio.dtmf import detect_dtmf

from .espeak import synthesize

TEXT = """Thank you for calling. Your call is important to us. Please listen carefully, as our
menu options have changed. For sales, press one. For support, press two. To hear these options
again, press star. Please enter your account number followed by the pound sign. I'm sorry, I
didn't get that. The quick brown fox jumps over the lazy dog. She sells sea shells by the sea
shore. How much wood would a woodchuck chuck if a woodchuck could chuck wood? Zero one two three
four five six seven eight nine. Oh, really? Yes! No... maybe tomorrow at nine thirty in the
evening. Meet me at the station; bring the blue umbrella, the violin and the old map.
"""
VOICES = [
    ("en", 50),
    ("en-us", 30),
    ("en+f3", 85),
    ("en+m3", 20),
    ("en+f5", 99),
    ("de", 60),
    ("fr", 40),
    ("es", 70),
    ("en-us+f2", 75),
    ("it", 55),
]


@pytest.fixture(scope="module")
def fsdd_speech() -> Audio:
    files = sorted(shared_path("fsdd").glob("*.wav"))
    assert len(files) >= 2000, f"expected the whole FSDD, found {len(files)} files"
    return Audio.concat([Audio.load(f).mono() for f in files], rate=8000)


@pytest.fixture(scope="module")
def espeak_speech() -> Audio:
    parts = []
    for voice, pitch in VOICES:
        pcm, rate = synthesize(TEXT, voice, pitch)
        parts.append(Audio(pcm, rate).resample(8000).normalize(-20))
    return Audio.concat(parts)


@pytest.mark.slow
@pytest.mark.parametrize(("law", "gain_db"), [(None, 0), ("pcmu", 0), ("pcma", 0), (None, 10)])
def test_talk_off_at_most_one_digit_per_ten_minutes(fsdd_speech, espeak_speech, law, gain_db):
    speech = Audio.concat([fsdd_speech, espeak_speech]).gain(gain_db)
    speech = Audio(np.clip(speech.samples, -1, 1), speech.rate)
    assert speech.duration >= 600, "talk-off needs at least 10 minutes of speech"
    if law:
        speech = g711.codec_roundtrip(speech, law)
    false_digits = detect_dtmf(speech)
    assert len(false_digits) <= 1, (
        f"{len(false_digits)} false digits in {speech.duration / 60:.1f} min: {false_digits}"
    )
