"""Distinct Tropo personas of one language and gender sound distinct (measured)."""

import numpy as np
import pytest

from bench.voices import median_f0
from telenb.speech import resolve_voice, synthesize, voices

TEXT = "Hello, how are you today? Which colour would you like?"


GROUPS = [("Kate", "Serena"), ("Ava", "Samantha"), ("Tom", "Victor"), ("Veena", "Moira", "Tessa")]


@pytest.mark.parametrize("group", GROUPS, ids=["/".join(g) for g in GROUPS])
def test_personas_of_one_accent_sound_different(group):
    choices = [resolve_voice(n) for n in group]
    assert len({(c.engine_voice, c.pitch, c.speed) for c in choices}) == len(group)
    audio = {n: synthesize(TEXT, n) for n in group}
    pitch = {n: median_f0(a) for n, a in audio.items()}
    names = list(group)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ratio = max(pitch[a], pitch[b]) / min(pitch[a], pitch[b])
            dur = abs(audio[a].duration - audio[b].duration) / audio[a].duration
            # 6 % is a semitone: heard as a different voice; else a clearly different pace
            assert ratio > 1.06 or dur > 0.05, (a, b, pitch, audio[a].duration, audio[b].duration)


def test_the_first_persona_of_each_group_keeps_its_voice():
    # prompts pinned by notebooks and the Quick start (Kate, Tom, Allison, Daniel) unchanged
    for name, voice in [("Kate", "en+f1"), ("Tom", "en-us+m3"), ("Ava", "en-us+f2"),
                        ("Veena", "en+f4"), ("Allison", "en-us+f3")]:  # fmt: skip
        c = resolve_voice(name)
        assert (c.engine_voice, c.pitch, c.speed, c.voice_key) == (voice, 1.0, 1.0, voice)


def test_every_listed_voice_resolves_and_accent_fallbacks_say_so():
    table = voices()
    names = {v.requested.lower() for v in table}
    assert {"evelyn", "zoe", "veena", "moira", "tessa", "karen", "polly.joanna"} <= names
    for name in ("Veena", "Moira", "Tessa", "Karen", "Lee"):
        c = resolve_voice(name)
        assert not c.exact and "no" in c.note and "English" in c.note, c
    assert "fallback" in str(resolve_voice("Moira"))


def test_personas_differ_in_timbre_not_only_in_pitch():
    """Mean MFCC (the long-term spectral envelope) of two personas saying the same sentence
    differs by more than a voice differs from itself sped up or raised by 5 %, measured at
    <= 0.6 for Kate, Tom, Ava and Veena: each pair below is a different espeak-ng variant."""
    from dataclasses import replace

    from bench.voices import distinctness, mean_mfcc
    from telenb.speech.api import render

    floor = 0.0
    for name in ("Kate", "Tom"):
        c = resolve_voice(name)
        base = mean_mfcc(render(TEXT, c, 16000))
        for change in ({"speed": 0.95}, {"pitch": 1.05}):
            other = mean_mfcc(render(TEXT, replace(c, **change), 16000))
            floor = max(floor, float(np.linalg.norm(base - other)))
    assert floor < 1.0, floor  # the measure does not call one voice two
    for group in GROUPS:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                d = distinctness(a, b, TEXT)
                assert d.mfcc_distance > 1.5 and d.mfcc_distance > 2.5 * floor, (d, floor)


def test_no_two_tropo_personas_of_one_language_and_gender_share_a_voice():
    """Tropo lists several personas per accent (eight US English women): each is rendered
    by its own espeak-ng variant, or the same variant at another pitch and pace."""
    seen: dict[tuple, str] = {}
    for v in voices(provider="tropo"):
        key = (v.language, v.engine_voice, v.pitch, v.speed)
        assert key not in seen, (v.requested, seen.get(key))
        seen[key] = v.requested


def test_every_pair_of_tropo_personas_of_one_accent_differs_in_timbre():
    """All 65 pairs of one language and gender (US English alone has eight women): mean MFCC
    distance > 1.5, against <= 0.6 for one voice sped up or raised by 5 %."""
    from collections import defaultdict

    from bench.voices import distinctness

    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for v in voices(provider="tropo"):
        groups[v.language, v.gender].append(v.requested)
    pairs = [(a, b) for g in groups.values() for i, a in enumerate(g) for b in g[i + 1 :]]
    assert len(pairs) >= 60
    close = [d for d in (distinctness(a, b, TEXT) for a, b in pairs) if d.mfcc_distance <= 1.5]
    assert not close, close
