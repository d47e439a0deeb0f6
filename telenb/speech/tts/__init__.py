"""Text-to-speech engines behind the `Synthesizer` protocol, created lazily by name."""

from __future__ import annotations

import threading

from ...errors import SpeechError
from ..types import Synthesizer

ENGINES = ("espeak", "piper", "flite")
_instances: dict[str, Synthesizer] = {}
_lock = threading.Lock()


def get_synthesizer(name: str = "espeak") -> Synthesizer:
    """The shared instance of a TTS engine ("espeak", "piper" or "flite")."""
    key = name.lower()
    with _lock:
        if key not in _instances:
            if key == "espeak":
                from .espeak import EspeakSynthesizer

                _instances[key] = EspeakSynthesizer()
            elif key == "piper":
                from .piper import PiperSynthesizer

                _instances[key] = PiperSynthesizer()
            elif key == "flite":
                from .flite import FliteSynthesizer

                _instances[key] = FliteSynthesizer()
            else:
                raise SpeechError(
                    f"unknown TTS engine {name!r}; choose one of {', '.join(ENGINES)}"
                )
        return _instances[key]
