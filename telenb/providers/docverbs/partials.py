"""Interim speech results derived from a final one: what a document's speech input sends
while the caller is still speaking (Twilio's partialResultCallback; jambonz's
partialResultHook could use the same).

telenb's recogniser decides on a whole utterance, so the partial results come from that
final text: one per word, due when the word has been spoken (the utterance's length shared
out by the words' lengths), each holding the words so far as the unstable hypothesis, all of
them but the newest as the stable one, and a stability that grows toward 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PartialSender = Callable[["Partial"], None]


@dataclass(frozen=True)
class Partial:
    """One interim result: sent `offset` seconds after the caller started speaking."""

    sequence: int
    offset: float
    stable: str
    unstable: str
    stability: float


def timeline(text: str, duration: float) -> list[Partial]:
    """The interim results leading to the final `text` of an utterance `duration` s long."""
    words = text.split()
    total = sum(len(w) for w in words)
    partials, spoken = [], 0
    for n, word in enumerate(words, 1):
        spoken += len(word)
        partials.append(
            Partial(
                n,
                round(duration * spoken / total, 6),
                " ".join(words[: n - 1]),
                " ".join(words[:n]),
                round((n - 1) / n, 4),
            )
        )
    return partials
