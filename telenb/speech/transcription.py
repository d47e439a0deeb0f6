"""Transcription of long audio: cut at pauses into pieces, recognise each, join.

Pieces are at most 25 s (Whisper's window is 30 s) and are cut at the quietest point near
the limit, so words are not split.  A progress callback (or a bar on stderr) reports the
seconds done.
"""

from __future__ import annotations

import itertools
import os
import sys

import numpy as np

from ..audio import Audio, as_audio
from ..flow.grammar import Grammar
from .asr import default_engine, get_recognizer
from .frontend import FRAME, FrontEnd, frame_levels, is_silent, prepare_with_offset
from .types import ProgressCallback, Transcript, Word

MAX_PIECE = 25.0
MIN_PIECE = 10.0


def split_points(
    audio: Audio, max_piece: float = MAX_PIECE, min_piece: float = MIN_PIECE
) -> list[float]:
    """Cut times (seconds) at the quietest frame between `min_piece` and `max_piece` into
    each piece."""
    levels = frame_levels(audio)
    cuts: list[float] = []
    start = 0.0
    while audio.duration - start > max_piece:
        lo, hi = int((start + min_piece) / FRAME), int((start + max_piece) / FRAME)
        window = levels[lo:hi]
        cut = (lo + int(np.argmin(window))) * FRAME if window.size else start + max_piece
        cuts.append(cut)
        start = cut
    return cuts


def _bar(done: float, total: float) -> None:
    frac = done / total if total else 1.0
    sys.stderr.write(f"\rtranscribing [{'#' * int(frac * 30):<30}] {done:6.1f}/{total:.1f} s")
    if frac >= 1:
        sys.stderr.write("\n")
    sys.stderr.flush()


def transcribe(
    audio: Audio | str | os.PathLike,
    engine: str | None = None,
    *,
    language: str = "en-US",
    progress: bool | ProgressCallback = False,
    max_piece: float = MAX_PIECE,
    grammar: Grammar | None = None,
) -> Transcript:
    """Transcribe speech of any length; words carry timings relative to the audio.

    (`grammar` constrains each piece, which is how `recognize` handles long answers.)"""
    audio = as_audio(audio).mono()
    name = (engine or default_engine(language)).lower()
    report = _bar if progress is True else (progress or None)
    if is_silent(audio):
        if report:
            report(audio.duration, audio.duration)
        return Transcript("", (), name, audio.duration)
    rec = get_recognizer(name, language)
    cuts = [0.0, *split_points(audio, max_piece, min(MIN_PIECE, max_piece / 2)), audio.duration]
    words: list[Word] = []
    segments: list[tuple[float, float, str]] = []
    fe = getattr(rec, "frontend", None) or FrontEnd(rate=rec.rate)
    for a, b in itertools.pairwise(cuts):
        piece = audio.slice(a, b)
        if not is_silent(piece):
            prepared, offset = prepare_with_offset(piece, fe)
            if hasattr(rec, "transcribe_piece") and grammar is None:  # Whisper's timestamps
                text, got = rec.transcribe_piece(prepared)
            else:
                res = rec.recognize(prepared, grammar)
                text, got = res.text, res.words
            shift = a + offset
            words += [Word(w.word, max(w.start + shift, a), min(w.end + shift, b), w.confidence)
                      for w in got]
            if text:
                segments.append((a, b, text))
        if report:
            report(b, audio.duration)
    return Transcript(" ".join(s for _a, _b, s in segments), tuple(words), name,
                      audio.duration, tuple(segments))
