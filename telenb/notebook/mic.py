"""Microphone audio from the browser: 16-bit PCM chunks in, whole utterances out.

The browser sends what its AudioWorklet captured in small chunks at the audio context's
rate; `Endpointer` (in `telenb.speech.endpointer`, shared with real SIP calls) finds where
speech starts and ends and hands each finished utterance over at the 8 kHz line rate.
"""

from __future__ import annotations

from ..speech.endpointer import (
    FRAME_MS,
    MAX_CHUNK_SECONDS,
    MAX_RATE,
    MIN_RATE,
    TAIL_MS,
    Endpointer,
    check_rate,
)

__all__ = [
    "FRAME_MS", "MAX_CHUNK_SECONDS", "MAX_RATE", "MIN_RATE", "TAIL_MS", "Endpointer", "check_rate",
]  # fmt: skip
