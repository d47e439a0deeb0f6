"""Tropo choices (`telenb.flow.grammar.Grammar`) compiled for each recogniser, and the
matching of what an engine heard back onto the grammar.

- pocketsphinx: a JSGF grammar (phrases, concepts' synonyms, digit strings with the
  grammar's length bounds);
- vosk: the phrase list of ``KaldiRecognizer(model, rate, json)`` plus ``"[unk]"``;
- Whisper: no grammar support, so a prompt that names the choices, a vocabulary
  restriction for digit grammars, then fuzzy matching of the text onto the choices.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..flow.grammar import Grammar, Match, normalize, spoken_to_digits

DIGIT_WORDS_EN = ("zero", "oh", "one", "two", "three", "four", "five", "six", "seven",
                  "eight", "nine")  # fmt: skip
# Sino-Korean digits (as read in phone numbers); 공 is the usual spoken zero.
DIGIT_WORDS_KO = {"영": "0", "공": "0", "일": "1", "이": "2", "삼": "3", "사": "4", "오": "5",
                  "육": "6", "칠": "7", "팔": "8", "구": "9"}  # fmt: skip


def language_base(language: str | None) -> str:
    return (language or "en").split("-")[0].split("_")[0].lower()


def digit_words(language: str | None = "en") -> list[str]:
    return list(DIGIT_WORDS_KO) if language_base(language) == "ko" else list(DIGIT_WORDS_EN)


def phrases(grammar: Grammar) -> list[str]:
    """Every spoken phrase of the grammar (digit strings excluded)."""
    return grammar.phrases()


# -- pocketsphinx --------------------------------------------------------------------------
def to_jsgf(grammar: Grammar, known=None) -> tuple[str, list[str]]:
    """JSGF text for the grammar and the phrases left out because a word is not in the
    dictionary (`known(word) -> bool`)."""
    alts: list[str] = []
    missing: list[str] = []
    for p in phrases(grammar):
        words = p.split()
        if known is not None and not all(known(w) for w in words):
            missing.append(p)
            continue
        alts.append(" ".join(_jsgf_word(w) for w in words))
    rules = ["#JSGF V1.0;", "grammar telenb;"]
    if grammar.digits is not None:
        rules.append("<digit> = " + " | ".join(DIGIT_WORDS_EN) + " ;")
        lo, hi = grammar.digits.min, grammar.digits.max
        seq = " ".join(["<digit>"] * lo)
        if hi is None:
            seq += " <digit>*"
        else:
            seq += " [<digit>]" * (hi - lo)
        alts.append(f"( {seq.strip()} )")
    if not alts:
        return "", missing
    rules.append("public <answer> = " + " | ".join(alts) + " ;")
    return "\n".join(rules) + "\n", missing


def _jsgf_word(word: str) -> str:
    return word if re.fullmatch(r"[\w'.-]+", word) else f'"{word}"'


# -- vosk ------------------------------------------------------------------------------------
def to_vosk(
    grammar: Grammar, language: str | None = "en", known=None
) -> tuple[list[str], list[str]]:
    """Phrase list for a vosk recogniser (plus ``[unk]`` for out-of-grammar speech) and the
    phrases left out because a word is not in the model's vocabulary."""
    out: list[str] = []
    missing: list[str] = []
    candidates = phrases(grammar) + (digit_words(language) if grammar.digits is not None else [])
    for p in candidates:
        if known is not None and not all(known(w) for w in p.split()):
            missing.append(p)
        elif p not in out:
            out.append(p)
    if known is None or known("[unk]"):
        out.append("[unk]")
    return out, missing


# -- whisper -------------------------------------------------------------------------------
def whisper_prompt(grammar: Grammar | None) -> str:
    """A prompt that primes Whisper with the expected answers.

    Phrased as the question the caller answers: a bare list ("red, blue, green.") made
    Whisper continue the list ("green, green, green, ...").
    """
    if grammar is None:
        return ""
    items = list(dict.fromkeys(phrases(grammar)))
    if not items:
        return "What is the number? "
    if grammar.digits is not None:
        items.append("a number")
    head = ", ".join(items[:-1])
    return f"Would you like {head} or {items[-1]}? " if head else f"Is it {items[-1]}? "


# -- matching --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scored:
    match: Match | None
    score: float  # how well the text fits the grammar, 0..1


def localize_digits(text: str, language: str | None) -> str:
    """Map a language's digit words onto English ones so `spoken_to_digits` understands."""
    if language_base(language) != "ko":
        return text
    en = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return " ".join(en[int(DIGIT_WORDS_KO[w])] if w in DIGIT_WORDS_KO else w for w in text.split())


def match_text(grammar: Grammar, text: str, *, fuzzy: bool = False,
               language: str | None = "en", threshold: float = 0.75) -> Scored:
    """Match recognised text onto the grammar: exactly, then (if `fuzzy`) approximately."""
    if not text.strip():
        return Scored(None, 0.0)
    m = grammar.match_speech(text)
    if m is None and language_base(language) == "ko":
        m = _match_localized(grammar, text, language)
    if m is not None or not fuzzy:
        return Scored(m, 1.0 if m is not None else 0.0)
    norm = normalize(text)
    digits = _digits_in(norm)
    if digits:
        m = grammar.match_speech(" ".join(digits))
        if m is not None:
            return Scored(Match(m.value, m.concept, m.interpretation, text, "speech"), 0.95)
    best, best_score = None, 0.0
    words = norm.split()
    for phrase in phrases(grammar):
        n = len(phrase.split())
        windows = [" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))]
        for w in windows:
            score = max(_similar(w, phrase), _similar(_sound(w), _sound(phrase)) * 0.95)
            if w == phrase:
                score = 0.9 if len(words) > n else 1.0  # inside a longer sentence
            if score > best_score:
                best, best_score = phrase, score
    if best is not None and best_score >= threshold:
        m = grammar.match_speech(best)
        if m is not None:
            return Scored(Match(m.value, m.concept, m.interpretation, text, "speech"), best_score)
    return Scored(None, best_score)


def _match_localized(grammar: Grammar, text: str, language: str | None) -> Match | None:
    m = grammar.match_speech(localize_digits(normalize(text), language))
    return Match(m.value, m.concept, m.interpretation, text, "speech") if m is not None else None


def _digits_in(norm: str) -> list[str]:
    out: list[str] = []
    for w in norm.split():
        if w.isdigit():
            out.extend(w)
        else:
            d = spoken_to_digits(w)
            if d is not None:
                out.extend(d)
            elif out:
                break
    return out


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


_SOUND_RULES = [(r"ph", "f"), (r"ck", "k"), (r"[cq]", "k"), (r"x", "ks"), (r"z", "s"),
                (r"wh", "w"), (r"th", "t"), (r"[aeiouy]+", "a"), (r"(.)\1+", r"\1"),
                (r"h", "")]  # fmt: skip


def _sound(text: str) -> str:
    """A crude phonetic key so "read" ~ "red" and "blew" ~ "blue"."""
    s = text.lower()
    for pat, rep in _SOUND_RULES:
        s = re.sub(pat, rep, s)
    return s
