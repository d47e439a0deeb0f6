import pytest

from telenb.errors import SpeechError
from telenb.speech import preview, resolve_voice, synthesize, voices
from telenb.speech.voice_data import POLLY, TROPO


def test_every_tropo_and_twilio_name_resolves():
    table = voices()
    tropo = [v for v in table if v.provider == "tropo"]
    twilio = [v for v in table if v.provider == "twilio"]
    assert len(tropo) == len(TROPO) >= 95
    assert len(twilio) >= 3 + len(POLLY)
    for v in table:
        assert v.engine in ("espeak", "piper") and v.engine_voice
        assert v.gender in ("female", "male", "unknown")
        assert v.exact or v.note  # a fallback always says why


def test_accent_and_gender_choices():
    kate = resolve_voice("Kate")
    assert (kate.language, kate.gender, kate.exact) == ("en-GB", "female", True)
    karen = resolve_voice("Karen")
    assert not karen.exact and "Australian" in karen.note
    assert resolve_voice("Tom").gender == "male"
    assert resolve_voice("Sin-ji").engine_voice == resolve_voice("sinji").engine_voice
    assert resolve_voice("Polly.Joanna-Neural").language == "en-US"
    assert resolve_voice("Google.en-US-Standard-C").gender == "female"
    assert resolve_voice("alice", language="fr-FR").engine_voice.startswith("fr")
    assert resolve_voice("Alice").language == "en-US"  # Twilio's alice by default
    assert resolve_voice("Alice", provider="tropo").language == "it-IT"


def test_piper_fallback_is_honest():
    tom = resolve_voice("Tom", engine="piper")
    allison = resolve_voice("Allison", engine="piper")
    if tom.engine == "piper":
        assert tom.exact
    assert allison.engine == "espeak" and not allison.exact and "piper" in allison.note


def test_unknown_names_are_errors_with_suggestions():
    with pytest.raises(SpeechError, match="Allison"):
        resolve_voice("Alisson")
    with pytest.raises(SpeechError, match="Polly"):
        resolve_voice("Polly.Nobody")
    with pytest.raises(SpeechError, match="Google"):
        resolve_voice("Google.nonsense")


def test_every_local_voice_speaks():
    seen = {}
    for v in voices():
        seen.setdefault((v.engine, v.engine_voice), v.requested)
    for (_engine, _voice), name in seen.items():
        a = synthesize("1 2 3", name, provider="tropo" if name == "Alice" else None)
        assert a.duration > 0.3, name


def test_table_reprs_and_preview():
    table = voices()
    text = str(table)
    assert "Allison" in text and "Polly.Joanna" in text and "fallback" not in text.split("\n")[0]
    html = table._repr_html_()
    assert html.startswith("<table") and "Karen" in html
    assert "tropo" in repr(table)
    a = preview("Kate")
    assert a.rate == 8000 and a.duration > 1.5
    assert preview("Monica").duration > 1.0  # a Spanish greeting
