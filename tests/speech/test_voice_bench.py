"""bench/voices.py: word accuracy of voices through G.711, with real TTS and real ASR."""

import pytest

from bench.voices import SENTENCES, intelligibility, report, word_accuracy, word_edits, words
from telenb.speech.tts import flite


def test_word_error_counts_substitutions_deletions_and_insertions():
    assert word_edits(["a", "b", "c"], ["a", "b", "c"]) == 0
    assert word_edits(["a", "b", "c"], ["a", "x", "c"]) == 1  # one substitution
    assert word_edits(["a", "b", "c"], ["a", "c"]) == 1  # one deletion
    assert word_edits(["a", "b"], ["a", "b", "b", "b"]) == 2  # two insertions
    assert word_edits(["a", "b"], []) == 2
    assert word_accuracy("Thank you, for calling!", "thank you for calling") == 1.0
    assert word_accuracy("press two now", "Press 2 now.") == 1.0  # Whisper writes digits
    assert word_accuracy("the dress shop", "the rest shop") == pytest.approx(2 / 3)
    assert word_accuracy("a b", "x y z w v") == 0.0  # floored, never negative
    assert words("It's 9.") == ["it's", "nine"]


def _whisper():
    from telenb.speech.asr import default_engine

    if default_engine("en-US") != "whisper":
        pytest.skip("Whisper (pip install 'telenb[whisper]') is not installed")


def test_the_bench_scores_two_voices_through_the_phone(capsys):
    """With the best recogniser (Whisper) a clear espeak-ng voice is mostly understood."""
    _whisper()
    rows = report(["Kate", "Serena"])
    out = capsys.readouterr().out
    assert [r.voice for r in rows] in (["Kate", "Serena"], ["Serena", "Kate"])
    assert rows[0].accuracy >= rows[1].accuracy  # sorted, best first
    for r in rows:
        assert 0.0 <= r.accuracy <= 1.0 and len(r.heard) == len(SENTENCES)
        assert r.local.startswith("espeak:en+") and r.asr == "whisper"
        assert f"{r.accuracy:.1%}" in out and r.voice in out
    # Kate (espeak-ng British English) is understood through G.711: ~89 % with Whisper
    assert next(r for r in rows if r.voice == "Kate").accuracy >= 0.6, rows
    assert "Voice intelligibility through G.711" in out
    assert "Kate/Serena" in out  # the distinctness table for the pair


def test_the_bench_runs_with_pocketsphinx_too():
    """pocketsphinx (always installed) transcribes with a general language model meant for
    grammars, not free speech: the scores are numbers in [0, 1], and a clearer voice (flite's
    slt, else espeak-ng's Tom) is heard at least as well as Kate (measured 28 % and 0 %)."""
    clear = "flite:slt" if flite.available() else "Tom"
    rows = intelligibility(["Kate", clear], asr="pocketsphinx")
    assert len(rows) == 2 and all(0.0 <= r.accuracy <= 1.0 for r in rows)
    assert all(r.asr == "pocketsphinx" and len(r.heard) == len(SENTENCES) for r in rows)
    assert rows[0].voice == clear or rows[0].accuracy == rows[1].accuracy, rows
