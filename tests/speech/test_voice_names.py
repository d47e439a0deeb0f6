"""Every documented Tropo and Twilio voice name resolves to a local voice of its language and
gender, and a misspelt name is an error that names the close ones.

Documentation checked (issue 18 §5):
- Tropo: the WebAPI SDKs' Voice enums name each persona with its accent and gender
  (e.g. ENGLISH_UK_KATE, ENGLISH_US_FEMALE_ALLISON, ENGLISH_US_MALE_TOM,
  SPANISH_ARGENTINEAN_MALE_DIEGO, SPANISH_MEXICAN_FEMALE_PAULINA); Tropo's voice list adds
  Karen (Australian), Fiona (Scottish), Moira (Irish), Tessa (South African), Veena (Indian)
  and the later Evelyn and Zoe (US English, female).
- Twilio <Say voice>: "man", "woman", any Twilio-supported Amazon Polly voice as
  ``Polly.NAME`` (``-Neural`` for the neural engine) and any Google voice as
  ``Google.LL-RR-Model-X`` (Google: LOCALE-MODEL-VOICE, e.g. en-US-Chirp3-HD-Kore, whose
  Chirp 3 HD names each have one gender); "man" and "woman" speak en-US, en-GB, es-ES,
  fr-FR and de-DE.
- Amazon Polly's voice table gives each voice's language and gender (e.g. Nicole en-AU
  female, Russell en-AU male, Aditi, Raveena and Kajal en-IN female, Niamh en-IE female, Aria
  en-NZ female, Ayanda en-ZA female, Jasmine en-SG female, Jitka cs-CZ female, Brian en-GB
  male).
The names and languages iterated below are telenb's own table (`voice_data`).
"""

import re
from functools import cache
from pathlib import Path

import pytest

from telenb.errors import SpeechError
from telenb.speech import resolve_voice
from telenb.speech.tts.espeak import data_path
from telenb.speech.voice_data import (
    CHIRP3_HD_GENDER,
    ESPEAK_LANG,
    GOOGLE_EXAMPLES,
    GOOGLE_GENDER,
    POLLY,
    TROPO,
)

GENDER = {"f": "female", "m": "male"}


def tropo_title(name: str) -> str:
    return "-".join(p.title() for p in name.split("-"))


@cache
def variant_gender(variant: str) -> str:
    """The gender espeak-ng's own variant file declares ("gender female 70")."""
    text = (Path(data_path()) / "voices" / "!v" / variant).read_text(errors="replace")
    return re.search(r"^gender\s+(female|male)", text, re.M)[1]


def check_local(choice, language: str, gender: str) -> None:
    """The espeak-ng voice speaks the language (or says what it falls back to) and its
    variant has the documented gender."""
    base, variant = choice.engine_voice.split("+")
    assert choice.engine == "espeak"
    assert base == ESPEAK_LANG[language][0], choice
    assert variant_gender(variant) == {"unknown": "female"}.get(gender, gender), choice
    if not ESPEAK_LANG[language][1]:
        assert not choice.exact and ESPEAK_LANG[language][2] in choice.note, choice


@pytest.mark.parametrize("name", sorted(TROPO))
def test_every_tropo_voice_has_its_documented_language_and_gender(name):
    language, g, _source = TROPO[name]
    for spelt in (tropo_title(name), name.upper(), name.replace("-", "")):
        c = resolve_voice(spelt, provider="tropo")
        assert (c.language, c.gender, c.provider) == (language, GENDER[g], "tropo"), spelt
        check_local(c, language, c.gender)
    assert resolve_voice(tropo_title(name), provider="tropo").exact == ESPEAK_LANG[language][1]


@pytest.mark.parametrize("name", sorted(POLLY))
def test_every_polly_voice_has_its_documented_language_and_gender(name):
    language, g = POLLY[name]
    for spelt in (f"Polly.{name.title()}", f"Polly.{name.title()}-Neural"):
        c = resolve_voice(spelt, provider="twilio")
        assert (c.language, c.gender, c.provider) == (language, GENDER[g], "twilio"), spelt
        check_local(c, language, c.gender)


@pytest.mark.parametrize("name", GOOGLE_EXAMPLES)
def test_google_voices_take_language_and_gender_from_the_name(name):
    lang, region, *_model, voice = name.removeprefix("Google.").split("-")
    c = resolve_voice(name)
    expected = f"zh-{region}" if lang == "cmn" else f"{lang}-{region}"
    assert c.language == expected
    if len(voice) == 1:  # Standard-C, Neural2-J: the letter's gender per locale
        g = GOOGLE_GENDER.get(f"{lang}-{region}-{voice}", "")
    else:  # Chirp3-HD-Kore: the name's gender, in every locale
        g = CHIRP3_HD_GENDER[voice.lower()]
    assert c.gender == GENDER.get(g, "unknown")
    assert c.exact == (bool(g) and ESPEAK_LANG[expected][1]), c
    check_local(c, expected, c.gender)


@pytest.mark.parametrize("language", ["en-US", "en-GB", "es-ES", "fr-FR", "de-DE"])
def test_man_and_woman_speak_their_five_languages(language):
    for voice, gender in (("man", "male"), ("woman", "female"), ("alice", "female")):
        c = resolve_voice(voice, language=language)
        assert (c.language, c.gender, c.exact) == (language, gender, True), c
        check_local(c, language, gender)
    assert resolve_voice("man").language == "en-US"  # Twilio's default language


DOCUMENTED = {
    # Tropo SDK enum and voice list
    ("Kate", "tropo"): ("en-GB", "female"), ("Allison", "tropo"): ("en-US", "female"),
    ("Tom", "tropo"): ("en-US", "male"), ("Diego", "tropo"): ("es-AR", "male"),
    ("Paulina", "tropo"): ("es-MX", "female"), ("Karen", "tropo"): ("en-AU", "female"),
    ("Fiona", "tropo"): ("en-GB-scotland", "female"), ("Moira", "tropo"): ("en-IE", "female"),
    ("Tessa", "tropo"): ("en-ZA", "female"), ("Veena", "tropo"): ("en-IN", "female"),
    ("Evelyn", "tropo"): ("en-US", "female"), ("Zoe", "tropo"): ("en-US", "female"),
    ("Alice", "tropo"): ("it-IT", "female"),
    # Amazon Polly's table, as Twilio names them
    ("Polly.Nicole", "twilio"): ("en-AU", "female"), ("Polly.Russell", "twilio"): ("en-AU", "male"),
    ("Polly.Aditi", "twilio"): ("en-IN", "female"), ("Polly.Kajal", "twilio"): ("en-IN", "female"),
    ("Polly.Raveena", "twilio"): ("en-IN", "female"),
    ("Polly.Jitka", "twilio"): ("cs-CZ", "female"),
    ("Polly.Jasmine", "twilio"): ("en-SG", "female"),
    ("Polly.Niamh", "twilio"): ("en-IE", "female"), ("Polly.Aria", "twilio"): ("en-NZ", "female"),
    ("Polly.Ayanda", "twilio"): ("en-ZA", "female"), ("Polly.Brian", "twilio"): ("en-GB", "male"),
    ("Polly.Joanna", "twilio"): ("en-US", "female"), ("Polly.Matthew", "twilio"): ("en-US", "male"),
    # Google's voice list: LOCALE-MODEL-VOICE, Chirp 3 HD names with one gender everywhere
    ("Google.en-US-Chirp3-HD-Aoede", "twilio"): ("en-US", "female"),
    ("Google.en-GB-Chirp3-HD-Charon", "twilio"): ("en-GB", "male"),
    ("Google.de-DE-Chirp3-HD-Kore", "twilio"): ("de-DE", "female"),
    ("Google.fr-FR-Chirp3-HD-Puck", "twilio"): ("fr-FR", "male"),
    ("Google.en-US-Standard-C", "twilio"): ("en-US", "female"),
    ("Google.en-GB-Standard-B", "twilio"): ("en-GB", "male"),
}  # fmt: skip


def test_spot_checks_against_the_vendor_documentation():
    """A few documented (name -> accent, gender) facts, so the table itself is checked."""
    for (name, provider), expected in DOCUMENTED.items():
        c = resolve_voice(name, provider=provider)
        assert (c.language, c.gender) == expected, name


def test_accent_fallbacks_say_which_accent_is_missing():
    """No packaged voice speaks Australian, Indian, South African or Irish English: each such
    voice says so in its note, its str() and its repr."""
    for name, accent in (("Karen", "Australian"), ("Lee", "Australian"), ("Veena", "Indian"),
                         ("Polly.Aditi", "Indian"), ("Tessa", "South African"),
                         ("Polly.Ayanda", "South African"), ("Moira", "Irish"),
                         ("Polly.Niamh", "Irish")):  # fmt: skip
        c = resolve_voice(name)
        assert not c.exact and f"no {accent} English" in c.note, c
        assert "fallback" in str(c) and accent in str(c) and accent in repr(c)


@pytest.mark.parametrize(
    ("typo", "suggested"),
    [("Evelin", "Evelyn"), ("alisson", "Allison"), ("Samanta", "Samantha"), ("Tesa", "Tessa"),
     ("Mei-jai", "Mei-Jia"), ("Polly.Joana", "Polly.Joanna"), ("Polly.Russel", "Polly.Russell")],
)  # fmt: skip
def test_unknown_names_list_the_close_documented_ones(typo, suggested):
    with pytest.raises(SpeechError, match=f"unknown voice '{typo}'") as err:
        resolve_voice(typo)
    hint = str(err.value).split("Did you mean ")[1].split("?")[0]
    assert suggested in hint.split(", ") and len(hint.split(", ")) <= 3


def test_a_name_like_no_voice_says_where_the_list_is():
    with pytest.raises(SpeechError) as err:
        resolve_voice("Xyzzy")
    assert "Did you mean" not in str(err.value) and "voices()" in str(err.value)
