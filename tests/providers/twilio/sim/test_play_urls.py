"""<Play> of a URL that cannot be fetched offline: a warning in the trace, and the
carrier-level mapping `carrier.audio_urls` (URL -> local file or seconds)."""

import wave

import numpy as np
import pytest

import telenb

from ...helpers import APP, events, warnings

TWIML = "<Response><Play>https://cdn.example.com/intro.mp3</Play><Say>Done.</Say></Response>"


def test_an_unmapped_url_warns_and_plays_a_placeholder():
    r = telenb.Carrier(seed=1)
    r.app(APP, twiml=TWIML)
    result = r.call(APP)
    [(code, message)] = warnings(result)
    assert code is None and "cannot be fetched offline" in message and "audio_urls" in message
    assert events(result, "play")[0]["duration"] == pytest.approx(3.0)


def test_a_url_mapped_to_seconds_or_a_local_file(tmp_path):
    carrier = telenb.Carrier(seed=1)
    carrier.audio_urls["https://cdn.example.com/intro.mp3"] = 12.5
    carrier.app(APP, twiml=TWIML)
    result = carrier.call(APP)
    assert warnings(result) == []
    assert events(result, "play")[0]["duration"] == pytest.approx(12.5)

    path = tmp_path / "intro.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(np.zeros(8000 * 2, np.int16).tobytes())
    carrier = telenb.Carrier(seed=1)
    carrier.audio_urls["https://cdn.example.com/*"] = str(path)
    carrier.app(APP, twiml=TWIML)
    result = carrier.call(APP)
    assert warnings(result) == []
    assert events(result, "play")[0]["duration"] == pytest.approx(2.0)
