"""Tropo Simple Grammar: the `choices` string of `ask`.

Forms (combinable with commas):
  ``red, blue, green``                  each item is a value and what may be said or keyed
  ``sales(1, sales), support(2, help)`` a concept: the name is the value, the items in
                                        parentheses are what may be said (words) or keyed (digits)
  ``[4 DIGITS]``, ``[1-6 DIGITS]``, ``[DIGITS]``, ``[1 DIGIT]``   digit strings, spoken or keyed
  ``[ANY]``                             anything (text channel only, as on Tropo)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import GrammarError

DTMF_KEYS = "0123456789*#ABCD"
_KEYS_RE = re.compile(r"^[0-9*#]+$")
_DIGITS_RE = re.compile(
    r"^\[\s*(?:(?P<lo>\d+)\s*(?:-\s*(?P<hi>\d+)\s*)?)?DIGITS?\s*\]$", re.IGNORECASE
)
_ANY_RE = re.compile(r"^\[\s*ANY\s*\]$", re.IGNORECASE)
MAX_DIGITS = 1000  # longest digit string a [N DIGITS] grammar may ask for: no caller keys more

SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "to": "2", "too": "2",
    "three": "3", "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "star": "*", "pound": "#", "hash": "#",
}  # fmt: skip
DIGIT_WORDS = {
    "0": "zero",
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
    "*": "star",
    "#": "pound",
}


def normalize(text: str) -> str:
    """Lower-case, punctuation to spaces, single spaces: how utterances are compared."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w'*#]+", " ", text)
    return " ".join(text.split())


def spoken_to_digits(text: str) -> str | None:
    """'one two 3 four' -> '1234'; None when any word is not a digit."""
    out = []
    for word in normalize(text).replace("-", " ").split():
        if word.isdigit():
            out.append(word)
        elif word in SPOKEN_DIGITS:
            out.append(SPOKEN_DIGITS[word])
        elif word in ("double", "triple"):
            out.append(word)
        else:
            return None
    digits, repeat = [], 1
    for tok in out:
        if tok == "double":
            repeat = 2
        elif tok == "triple":
            repeat = 3
        else:
            digits.append(tok[0] * repeat + tok[1:])
            repeat = 1
    return "".join(digits) if digits else None


@dataclass(frozen=True)
class Choice:
    value: str
    phrases: tuple[str, ...]  # normalized spoken forms
    keys: tuple[str, ...]  # DTMF sequences
    is_concept: bool
    position: int


@dataclass(frozen=True)
class DigitSpec:
    min: int
    max: int | None  # None: unbounded


@dataclass(frozen=True)
class Match:
    """What a grammar made of an input: Tropo's value, concept and interpretation."""

    value: str
    concept: str
    interpretation: str
    utterance: str
    mode: str  # "speech", "dtmf" or "text"
    within: bool = False  # the phrase was found inside a longer utterance (SRGS GARBAGE)


@dataclass(frozen=True)
class Grammar:
    source: str
    choices: tuple[Choice, ...] = ()
    digits: DigitSpec | None = None
    any: bool = False
    _phrase_index: dict = field(default_factory=dict, compare=False, repr=False)
    _key_index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for c in self.choices:
            for p in c.phrases:
                self._phrase_index.setdefault(p, c)
            for k in c.keys:
                self._key_index.setdefault(k, c)

    # -- what the grammar accepts ---------------------------------------------------------
    @property
    def accepts_dtmf(self) -> bool:
        return bool(self._key_index) or self.digits is not None

    @property
    def max_digits(self) -> int | None:
        """Longest keyed input that can match (None: unbounded)."""
        if self.digits is not None and self.digits.max is None:
            return None
        longest = max((len(k) for k in self._key_index), default=0)
        keyed = self.digits.max if self.digits is not None and self.digits.max is not None else 0
        return max(longest, keyed) or None

    def phrases(self) -> list[str]:
        """Every spoken phrase the grammar accepts (digit grammars excluded)."""
        out: list[str] = []
        for c in self.choices:
            for p in c.phrases:
                if p not in out:
                    out.append(p)
            for k in c.keys:
                spoken = " ".join(DIGIT_WORDS[d] for d in k)
                if spoken not in out:
                    out.append(spoken)
        return out

    # -- matching ---------------------------------------------------------------------------
    def match_speech(self, utterance: str, *, within: bool = False) -> Match | None:
        """Match a recognised or typed utterance; exact phrase after normalisation.

        With `within`, an utterance that is not exactly a phrase still matches when exactly
        one choice's phrase occurs in it as whole words ("red please", "I'd like the red
        one"), as an SRGS rule wrapped in GARBAGE does; one naming two choices does not.
        """
        norm = normalize(utterance)
        if not norm:
            return None
        choice = self._phrase_index.get(norm)
        if choice is not None:
            return Match(choice.value, choice.value, norm, utterance, "speech")
        digits = spoken_to_digits(norm)
        if digits is not None:
            choice = self._key_index.get(digits)
            if choice is not None:
                return Match(choice.value, choice.value, digits, utterance, "speech")
            if self._digits_ok(digits):
                return Match(digits, digits, digits, utterance, "speech")
        if within:
            found = self._find_within(norm.split())
            if found is not None:
                choice, phrase = found
                return Match(choice.value, choice.value, phrase, utterance, "speech", within=True)
        if self.any:
            return Match(utterance, utterance, utterance, utterance, "text")
        return None

    def _find_within(self, words: list[str]) -> tuple[Choice, str] | None:
        """The one choice whose phrase occurs in `words` as whole words, with that phrase.

        A phrase inside a longer phrase found in the same place does not count ("red" in
        "red wine" when both are phrases); phrases of two different choices: no match."""
        spans: list[tuple[int, int, Choice, str]] = []
        for c in self.choices:
            for p in c.phrases:
                pw = p.split()
                n = len(pw)
                spans += [(i, i + n, c, p) for i in range(len(words) - n + 1)
                          if words[i : i + n] == pw]  # fmt: skip
        kept = [s for s in spans
                if not any(o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0]
                           for o in spans)]  # fmt: skip
        if len({id(s[2]) for s in kept}) != 1:
            return None
        longest = max(kept, key=lambda s: (s[1] - s[0], -s[0]))
        return longest[2], longest[3]

    def match_dtmf(self, digits: str) -> Match | None:
        if not digits:
            return None
        choice = self._key_index.get(digits)
        if choice is not None:
            return Match(choice.value, choice.value, digits, digits, "dtmf")
        if self._digits_ok(digits):
            return Match(digits, digits, digits, digits, "dtmf")
        return None

    def dtmf_complete(self, digits: str) -> bool:
        """True when no further key could turn `digits` into a different match."""
        spec = self.digits
        open_ended = spec is not None and (spec.max is None or len(digits) < spec.max)
        if open_ended and digits.isdigit():
            return False
        return not any(k != digits and k.startswith(digits) for k in self._key_index)

    def _digits_ok(self, digits: str) -> bool:
        spec = self.digits
        if spec is None or not digits.isdigit():
            return False
        return len(digits) >= spec.min and (spec.max is None or len(digits) <= spec.max)

    def __str__(self) -> str:
        return self.source


def parse(source: str) -> Grammar:
    """Parse a Tropo Simple Grammar; errors name the column."""
    if not isinstance(source, str):
        raise GrammarError(f"choices must be a string, got {type(source).__name__}", str(source), 0)
    return _parse_cached(source)


@lru_cache(maxsize=512)
def _parse_cached(source: str) -> Grammar:
    if not source.strip():
        raise GrammarError("choices are empty: give at least one choice", source, 0)
    choices: list[Choice] = []
    digits: DigitSpec | None = None
    any_ = False
    for item, start in _split_top(source):
        stripped = item.strip()
        pos = start + (len(item) - len(item.lstrip()))
        if not stripped:
            raise GrammarError("empty choice (two commas in a row?)", source, pos)
        if stripped.startswith("["):
            if not stripped.endswith("]"):
                raise GrammarError("'[' is not closed by ']'", source, pos)
            if _ANY_RE.match(stripped):
                any_ = True
                continue
            m = _DIGITS_RE.match(stripped)
            if not m:
                raise GrammarError(
                    f"unknown built-in grammar {stripped!r}; use [N DIGITS], [N-M DIGITS], "
                    "[DIGITS] or [ANY]",
                    source,
                    pos,
                )
            lo = _digit_count(m, "lo", source, pos)
            lo = 1 if lo is None else lo
            hi = _digit_count(m, "hi", source, pos)
            hi = (lo if m["lo"] else None) if hi is None else hi
            if lo < 1 or (hi is not None and hi < lo):
                raise GrammarError(f"digit range {lo}-{hi} is empty", source, pos)
            if digits is not None:
                raise GrammarError("only one [DIGITS] grammar per choices", source, pos)
            digits = DigitSpec(lo, hi)
            continue
        choices.append(_parse_item(stripped, source, pos))
    return Grammar(source, tuple(choices), digits, any_)


def _digit_count(m: re.Match, group: str, source: str, pos: int) -> int | None:
    """The N of [N DIGITS] (or an end of [N-M DIGITS]); huge counts are a GrammarError at
    their column, not Python's int-conversion ValueError."""
    text = m[group]
    if text is None:
        return None
    if len(text.lstrip("0")) > len(str(MAX_DIGITS)) or int(text) > MAX_DIGITS:
        shown = text if len(text) <= 12 else f"{text[:6]}...({len(text)} digits)"
        raise GrammarError(
            f"digit count {shown} is too large: a digit grammar takes at most {MAX_DIGITS} digits",
            source,
            pos + m.start(group),
        )
    return int(text)


def _split_top(source: str) -> list[tuple[str, int]]:
    """Split on commas outside parentheses and brackets, checking balance."""
    parts, depth, opener, start = [], 0, -1, 0
    closing = {"(": ")", "[": "]"}
    expect = ""
    for i, ch in enumerate(source):
        if ch in "([":
            if depth:
                raise GrammarError(f"nested {ch!r} is not allowed", source, i)
            depth, opener, expect = 1, i, closing[ch]
        elif ch in ")]":
            if not depth or ch != expect:
                raise GrammarError(f"{ch!r} without a matching opener", source, i)
            depth = 0
        elif ch == "," and not depth:
            parts.append((source[start:i], start))
            start = i + 1
    if depth:
        raise GrammarError(f"{source[opener]!r} is never closed", source, opener)
    parts.append((source[start:], start))
    return parts


def _parse_item(item: str, source: str, pos: int) -> Choice:
    if "(" not in item:
        norm = normalize(item)
        if _KEYS_RE.match(item):
            return Choice(item, (), (item,), False, pos)
        if not norm:
            raise GrammarError(f"choice {item!r} has nothing to say or key", source, pos)
        return Choice(item, (norm,), (), False, pos)
    paren = item.index("(")
    name = item[:paren].strip()
    if not name:
        raise GrammarError("a concept needs a name before '('", source, pos)
    if not item.endswith(")"):
        tail = pos + item.index(")") + 1
        raise GrammarError("unexpected text after ')'", source, tail)
    inner = item[paren + 1 : -1]
    phrases: list[str] = []
    keys: list[str] = []
    offset = pos + paren + 1
    for syn in inner.split(","):
        s = syn.strip()
        if not s:
            raise GrammarError(f"empty synonym in concept {name!r}", source, offset)
        if _KEYS_RE.match(s):
            keys.append(s)
        else:
            norm = normalize(s)
            if not norm:
                raise GrammarError(f"synonym {s!r} has nothing to say", source, offset)
            phrases.append(norm)
        offset += len(syn) + 1
    return Choice(name, tuple(phrases), tuple(keys), True, pos)
