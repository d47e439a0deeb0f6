"""Result types and engine protocols shared by every speech engine.

Engines return these plain values so the simulator, the notebook layer and tests never
depend on which engine ran.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from ..audio import Audio
    from ..flow.grammar import Grammar, Match

ProgressCallback = Callable[[float, float], None]
"""Called as ``progress(done_seconds, total_seconds)`` while long audio is processed."""


@dataclass(frozen=True)
class Word:
    """One recognised word with its position in the audio (seconds from the start)."""

    word: str
    start: float
    end: float
    confidence: float = 1.0


@dataclass(frozen=True)
class Recognition:
    """What a recogniser heard, and what the grammar made of it.

    `match` is the grammar `Match` when a grammar was used and the input fell inside it
    with enough confidence; `nomatch` is True otherwise (Tropo's ``nomatch`` event).
    `reason` says why there is no match: ``"silence"``, ``"out-of-grammar"`` or
    ``"low-confidence"`` (empty when there is a match or no grammar).
    """

    text: str
    confidence: float
    engine: str
    words: tuple[Word, ...] = ()
    match: Match | None = None
    grammar: Grammar | None = None
    reason: str = ""
    duration: float = 0.0

    @property
    def nomatch(self) -> bool:
        if self.grammar is None:
            return not self.text
        return self.match is None

    @property
    def answer(self) -> str:
        """What the flow's grammar matches: the interpretation of a match (Whisper's scored
        phrase, not its free text), the whole sentence when a choice was found within one
        (the flow finds it there again, and keeps what the caller said), else what was heard."""
        if self.match is None:
            return self.text or ""
        return self.match.utterance if self.match.within else self.match.interpretation

    @property
    def value(self) -> str | None:
        """The grammar value (Tropo's ``value``) or None on no-match."""
        return self.match.value if self.match is not None else None

    def __repr__(self) -> str:
        if self.grammar is not None and self.match is None:
            what = f"nomatch ({self.reason or 'no match'})"
        elif self.match is not None:
            what = f"value={self.match.value!r}"
        else:
            what = "free text"
        return (
            f"<Recognition {self.text!r} {what}, confidence {self.confidence:.2f}, "
            f"engine {self.engine}>"
        )


@dataclass(frozen=True)
class Transcript:
    """A transcription of (possibly long) audio with word timings."""

    text: str
    words: tuple[Word, ...]
    engine: str
    duration: float
    segments: tuple[tuple[float, float, str], ...] = field(default=())

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{s:.2f}</td><td>{e:.2f}</td><td>{html.escape(t)}</td></tr>"
            for s, e, t in self.segments
        )
        return (
            f"<div><b>Transcript</b> ({self.engine}, {self.duration:.1f} s, "
            f"{len(self.words)} words)<table><tr><th>start</th><th>end</th><th>text</th></tr>"
            f"{rows}</table></div>"
        )


@runtime_checkable
class Synthesizer(Protocol):
    """A text-to-speech engine.  `synthesize` returns audio at the engine's own rate."""

    name: str

    @property
    def version(self) -> str: ...

    def voices(self) -> list[str]: ...

    def synthesize(
        self, text: str, voice: str, *, speed: float = 1.0, pitch: float = 1.0
    ) -> Audio: ...


class EngineStream(Protocol):
    """An engine's incremental recogniser: it takes samples the front end prepared, at the
    engine's rate; the last ones may come with `finish`."""

    def feed(self, samples: np.ndarray) -> str: ...

    def finish(self, samples: np.ndarray | None = None) -> Recognition: ...


@runtime_checkable
class RecognitionStream(Protocol):
    """Incremental recognition for live audio: feed chunks, read partials, then finish.

    (Engine streams take prepared samples; `telenb.speech.stream()` wraps one with the
    streaming front end so callers feed `Audio` at any rate.)"""

    def feed(self, chunk: Audio) -> str: ...

    def finish(self) -> Recognition: ...


@runtime_checkable
class Recognizer(Protocol):
    """A speech recogniser.  Engines receive audio already prepared by the front end."""

    name: str
    rate: int

    def recognize(self, audio: Audio, grammar: Grammar | None = None) -> Recognition: ...

    def stream(self, grammar: Grammar | None = None) -> EngineStream: ...
