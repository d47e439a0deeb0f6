"""`recognize` and `stream`: front end, engine, then the grammar decides match or no-match.

Tropo semantics: an ``ask`` with choices either matches (value, concept, interpretation,
confidence) or raises ``nomatch``; silence is a no-match too, never an exception.
"""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np

from ..audio import Audio, as_audio
from ..flow.grammar import Grammar, parse
from . import grammars as G
from .asr import default_engine, get_recognizer
from .frontend import FrontEnd, StreamingFrontEnd, is_silent, prepare_with_offset
from .transcription import transcribe
from .types import ProgressCallback, Recognition, Word

DEFAULT_MIN_CONFIDENCE = 0.3  # Tropo's default minConfidence (30 %)
LONG_AUDIO = 30.0  # seconds; longer audio is recognised piece by piece


def _grammar(grammar: Grammar | str | None) -> Grammar | None:
    return parse(grammar) if isinstance(grammar, str) else grammar


def recognize(
    audio: Audio | str | os.PathLike,
    grammar: Grammar | str | None = None,
    engine: str | None = None,
    *,
    language: str = "en-US",
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    frontend: FrontEnd | None = None,
    progress: bool | ProgressCallback = False,
) -> Recognition:
    """Recognise speech in `audio` (any rate; line audio is fine) against Tropo `choices`.

    Returns a `Recognition`; ``.nomatch`` is True for silence, speech outside the grammar
    and answers below `min_confidence`.  Word timings are relative to `audio`.  Audio
    longer than 30 s is decoded in pieces cut at pauses (`progress` reports them).
    """
    audio = as_audio(audio)
    g = _grammar(grammar)
    name = (engine or default_engine(language)).lower()
    if is_silent(audio):
        return Recognition("", 0.0, name, grammar=g, reason="silence", duration=audio.duration)
    rec = get_recognizer(name, language)
    if audio.duration > LONG_AUDIO:  # decode in pieces cut at pauses, as transcribe does
        t = transcribe(audio, name, language=language, progress=progress, grammar=g)
        conf = float(np.mean([w.confidence for w in t.words])) if t.words else 0.0
        raw = Recognition(t.text, conf, name, t.words, duration=audio.duration)
        return decide(raw, g, min_confidence, fuzzy=getattr(rec, "fuzzy", False), language=language)
    fe = frontend or getattr(rec, "frontend", None) or FrontEnd(rate=rec.rate)
    prepared, offset = prepare_with_offset(audio, fe)
    raw = rec.recognize(prepared, g)
    words = tuple(
        Word(
            w.word,
            max(w.start + offset, 0.0),
            min(max(w.end + offset, 0.0), audio.duration),
            w.confidence,
        )
        for w in raw.words
    )
    return decide(
        replace(raw, words=words, duration=audio.duration),
        g,
        min_confidence,
        fuzzy=getattr(rec, "fuzzy", False),
        language=language,
    )


def decide(
    raw: Recognition,
    grammar: Grammar | None,
    min_confidence: float,
    *,
    fuzzy: bool = False,
    language: str = "en-US",
) -> Recognition:
    """Apply the grammar and the confidence threshold to an engine's raw result."""
    if grammar is None:
        return raw
    if not raw.text:
        return replace(
            raw,
            grammar=grammar,
            match=None,
            confidence=0.0,
            reason="out-of-grammar" if raw.words else "no speech recognised",
        )
    if raw.match is not None:  # the engine scored the grammar's phrases itself (Whisper)
        if raw.confidence >= min_confidence:
            return replace(raw, grammar=grammar, reason="")
        heard = grammar.match_speech(raw.text) is not None
        reason = "low-confidence" if heard else "out-of-grammar"
        return replace(raw, grammar=grammar, match=None, reason=reason)
    scored = G.match_text(grammar, raw.text, fuzzy=fuzzy, language=language)
    conf = float(np.clip(raw.confidence * scored.score, 0.0, 1.0)) if scored.match else 0.0
    if scored.match is None:
        return replace(raw, grammar=grammar, match=None, confidence=conf, reason="out-of-grammar")
    if conf < min_confidence:
        return replace(raw, grammar=grammar, match=None, confidence=conf, reason="low-confidence")
    return replace(raw, grammar=grammar, match=scored.match, confidence=conf, reason="")


class Stream:
    """Live recognition: ``feed(chunk) -> partial text``, then ``finish() -> Recognition``."""

    def __init__(
        self, grammar: Grammar | None, engine: str | None, language: str, min_confidence: float
    ):
        self.grammar, self.language, self.min_confidence = grammar, language, min_confidence
        self.rec = get_recognizer(engine, language)
        self.fe = StreamingFrontEnd(FrontEnd(rate=self.rec.rate))
        self._inner = self.rec.stream(grammar)
        self.partial = ""
        self._heard: list[Audio] = []

    def feed(self, chunk: Audio) -> str:
        """Give the next piece of audio (any rate, any length); returns the partial text."""
        self._heard.append(chunk.mono())
        self.partial = self._inner.feed(self.fe.feed(chunk))
        return self.partial

    def finish(self) -> Recognition:
        heard = Audio.concat(self._heard) if self._heard else Audio.silence(0)
        if getattr(self.rec, "redecodes", False) and not is_silent(heard):
            # an engine that decodes the whole utterance again anyway (Whisper) hears it
            # through the offline front end: the live one's slowly settling gain and lack of
            # trimming made a synthesised "blue" come out as "No!"
            return recognize(
                heard,
                self.grammar,
                self.rec.name,
                language=self.language,
                min_confidence=self.min_confidence,
            )
        raw = self._inner.finish(self.fe.finish())
        if is_silent(heard):
            return Recognition(
                "",
                0.0,
                self.rec.name,
                grammar=self.grammar,
                reason="silence",
                duration=heard.duration,
            )
        return decide(
            replace(raw, duration=heard.duration),
            self.grammar,
            self.min_confidence,
            fuzzy=getattr(self.rec, "fuzzy", False),
            language=self.language,
        )


def stream(
    grammar: Grammar | str | None = None,
    engine: str | None = None,
    *,
    language: str = "en-US",
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> Stream:
    """Start live recognition (e.g. from a microphone widget)."""
    return Stream(_grammar(grammar), engine, language, min_confidence)
