import os
import threading

import numpy as np
import pytest

from telenb.errors import SpeechError
from telenb.speech import ssml, synthesize
from telenb.speech.cache import SynthesisCache, cache_key


def test_ssml_parse_subset():
    items = ssml.parse(
        "<speak>Hi <break time='1s'/><prosody rate='80%' pitch='+2st' "
        "volume='loud'>there</prosody><say-as interpret-as='date' format='mdy'>"
        "03/04/2024</say-as></speak>"
    )
    assert items[0] == ssml.Segment("Hi")
    assert items[1] == ssml.Break(1.0)
    there = items[2]
    assert there.text == "there" and there.speed == pytest.approx(0.8)
    assert there.pitch == pytest.approx(2 ** (2 / 12)) and there.volume_db == 6.0
    assert items[3].text == "March 4th, 2024"
    assert ssml.parse("plain text, no tags") == [ssml.Segment("plain text, no tags")]
    assert ssml.say_as("555-1234", "telephone") == "5 5 5, 1 2 3 4"
    assert ssml.say_as("21", "ordinal") == "21st"


def test_ssml_refuses_entities():
    bomb = (
        "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
        "<!ENTITY lol2 '&lol;&lol;'>]><speak>&lol2;</speak>"
    )
    with pytest.raises(SpeechError):
        ssml.parse(bomb)


def test_cache_key_covers_every_part():
    base = dict(engine="espeak", version="1", voice="en-us", text="hi", rate=8000, params={})
    keys = {cache_key(**base)}
    for k, v in [
        ("engine", "piper"),
        ("version", "2"),
        ("voice", "en"),
        ("text", "Hi"),
        ("rate", 16000),
        ("params", {"v": 2}),
    ]:
        keys.add(cache_key(**{**base, k: v}))
    assert len(keys) == 7


def test_cache_hit_same_samples_and_persistent(tmp_path):
    c1 = SynthesisCache(tmp_path)
    a = synthesize("Thank you for calling.", "Kate", cache=c1)
    assert c1.misses == 1
    b = synthesize("Thank you for calling.", "Kate", cache=c1)
    assert b is a and c1.hits == 1
    c2 = SynthesisCache(tmp_path)  # a new process: served from disk
    c = synthesize("Thank you for calling.", "Kate", cache=c2)
    assert c2.disk_hits == 1 and np.array_equal(a.samples, c.samples) and c.rate == a.rate
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert not a.samples.flags.writeable


def test_cache_concurrent_writers_never_tear(tmp_path):
    caches = [SynthesisCache(tmp_path) for _ in range(4)]
    out = []

    def work(c):
        out.append(synthesize("Please hold.", "Tom", cache=c))

    threads = [threading.Thread(target=work, args=(c,)) for c in caches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    files = list(tmp_path.rglob("*.f32"))
    assert len(files) == 1
    fresh = SynthesisCache(tmp_path).get(files[0].stem)
    assert np.array_equal(fresh.samples, out[0].samples)


def test_cache_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TELENB_CACHE_DIR", str(tmp_path / "x"))
    assert SynthesisCache().directory == tmp_path / "x" / "speech"
    monkeypatch.setenv("TELENB_SPEECH_CACHE", "off")
    c = SynthesisCache()
    synthesize("hello", "Kate", cache=c)
    assert not os.path.exists(tmp_path / "x")


@pytest.mark.parametrize("change", ["recipe", "resampler"])
def test_cache_from_older_code_or_another_resampler_is_not_served(tmp_path, monkeypatch, change):
    """A cache filled before a synthesis change (notebook 05's stored call audio came from
    one filled before espeak's noise was seeded) must miss, not serve stale samples."""
    import soxr

    from telenb.speech import api

    cache = SynthesisCache(tmp_path)
    fresh = synthesize("Purple.", "woman", rate=8000, cache=cache)
    if change == "recipe":
        monkeypatch.setattr(api, "RECIPE", api.RECIPE + 1)
    else:
        monkeypatch.setattr(soxr, "__version__", "0.0-other", raising=False)
    cache2 = SynthesisCache(tmp_path)
    again = synthesize("Purple.", "woman", rate=8000, cache=cache2)
    assert cache2.disk_hits == 0 and cache2.misses == 1
    assert np.array_equal(fresh.samples, again.samples)  # the same code gives the same bytes
