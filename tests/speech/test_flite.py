"""flite (Debian package) as a TTS engine: clear voices through G.711, or a clear error."""

import pytest

from telenb.errors import SpeechError
from telenb.speech import recognize, resolve_voice, synthesize
from telenb.speech.tts import flite

from .conftest import ulaw


def _flite():
    if not flite.available():
        pytest.skip("flite is not installed (Debian/Ubuntu package 'flite')")


def test_flite_voices_are_heard_back_through_the_phone():
    _flite()
    for voice in ("Tom", "Allison"):
        assert resolve_voice(voice, engine="flite").engine == "flite"
        for word in ("black", "red", "blue", "green"):
            said = ulaw(synthesize(word, voice, engine="flite"))
            r = recognize(said, "black, red, blue, green", "pocketsphinx")
            assert r.value == word, (voice, word, r)


def test_flite_is_deterministic_and_honours_speed():
    _flite()
    a = synthesize("Which colour would you like?", "Allison", engine="flite", cache=False)
    b = synthesize("Which colour would you like?", "Allison", engine="flite", cache=False)
    assert a.duration > 0.8 and (a.samples == b.samples).all()
    slow = synthesize('<prosody rate="slow">Which colour would you like?</prosody>',
                      "Allison", engine="flite", cache=False)  # fmt: skip
    assert slow.duration > a.duration * 1.15


def test_personas_flite_lacks_fall_back_to_espeak_and_say_so():
    _flite()
    kate = resolve_voice("Kate", engine="flite")
    assert kate.engine == "espeak" and not kate.exact and "flite has no en-GB" in kate.note


def test_absent_flite_names_the_package(monkeypatch):
    monkeypatch.setattr(flite, "executable", lambda: None)
    resolve_voice.cache_clear()
    try:
        with pytest.raises(SpeechError, match="package 'flite'"):
            resolve_voice("Tom", engine="flite")
        with pytest.raises(SpeechError, match="apt-get install flite"):
            flite.FliteSynthesizer()
    finally:
        resolve_voice.cache_clear()
