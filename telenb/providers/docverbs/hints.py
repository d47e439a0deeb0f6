"""Speech hints as a bias: words a caller says that sound almost like a hint are heard as it.

Vendors document hints as phrases that "assist speech detection" (jambonz's recognizer,
Twilio's <Gather hints>, Google's speech contexts): the recogniser favours them, it does not
limit itself to them.  Offline there is no acoustic model to bias, so telenb models it on
the words: a run of the caller's words that is close to a hint of `SHORTEST` letters or
more (difflib's ratio at least `CLOSE`, compared without case or punctuation) is replaced
by the hint; anything else is heard as said.  A boost (hintsBoost) is not modelled.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

CLOSE = 0.75
SHORTEST = 4  # shorter hints ("yes", "no") would swallow every short word near them
_WORD = re.compile(r"[\w']+")


def _norm(words: Iterable[str]) -> str:
    return " ".join(w.lower() for w in words)


def bias(text: str, hints: Iterable[str]) -> str:
    """`text` with each near miss of a hint replaced by the hint."""
    words = _WORD.findall(text)
    if not words:
        return text
    for hint in hints:
        target = _WORD.findall(hint)
        if len("".join(target)) < SHORTEST:
            continue
        want = _norm(target)
        best: tuple[float, int, int] | None = None
        for size in {max(1, len(target) - 1), len(target), len(target) + 1}:
            for i in range(0, len(words) - size + 1):
                got = _norm(words[i : i + size])
                if got == want:
                    best = None
                    break
                ratio = difflib.SequenceMatcher(None, got, want).ratio()
                if ratio >= CLOSE and (best is None or ratio > best[0]):
                    best = (ratio, i, size)
            else:
                continue
            break
        if best is not None:
            _, i, size = best
            words[i : i + size] = [hint]
    return " ".join(words)
