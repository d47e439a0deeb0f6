"""Speech test helpers: an isolated synthesis cache and a G.711 round trip."""

from __future__ import annotations

import warnings

import pytest

from telenb.audio import Audio

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    # stdlib up to 3.12; the test extra installs audioop-lts (the same C code) on 3.13+, so the
    # recognisers hear the same bytes on every Python
    import audioop


def ulaw(a: Audio) -> Audio:
    """8 kHz mu-law encode + decode, as a telephone leg does."""
    a = a.resample(8000)
    return Audio.from_pcm16(audioop.ulaw2lin(audioop.lin2ulaw(a.to_pcm16(), 2), 2), 8000)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test module writes synthesis results to its own temporary cache."""
    from telenb.speech.cache import SynthesisCache, set_default_cache

    d = tmp_path_factory.mktemp("speech-cache")
    monkeypatch.setenv("TELENB_CACHE_DIR", str(d))
    set_default_cache(SynthesisCache(d / "speech"))
    yield
    set_default_cache(None)
