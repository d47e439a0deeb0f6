"""Speech recognisers behind the `Recognizer` protocol, created lazily by name."""

from __future__ import annotations

import importlib.util
import os
import threading

from ...errors import SpeechError
from ..models import _how_to_get, find_model
from ..types import Recognizer

ENGINES = ("pocketsphinx", "vosk", "whisper")
_instances: dict[tuple[str, str], Recognizer] = {}
_lock = threading.Lock()


def default_engine(language: str = "en-US") -> str:
    """The best recogniser installed: `TELENB_ASR_ENGINE` if set; else vosk when it has a
    model for the language; else, for English, Whisper (in telenb's default install: more
    accurate, and it rejects speech outside the choices), else pocketsphinx (the light
    engine, left when Whisper is uninstalled, which always picks the closest choice)."""
    env = os.environ.get("TELENB_ASR_ENGINE")
    if env:
        return env.lower()

    for engine, module in (("vosk", "vosk"), ("whisper", "faster_whisper")):
        if engine == "whisper" and not language.lower().startswith("en"):
            continue
        try:
            find_model(engine, language)
        except SpeechError:
            continue
        if importlib.util.find_spec(module) is not None:
            return engine
    if language.lower().startswith("en"):
        return "pocketsphinx"
    raise SpeechError(
        f"no speech recogniser for language {language!r}: pocketsphinx and Whisper here are "
        f"English only. {_vosk_hint(language)}"
    )


def _vosk_hint(language: str) -> str:

    return _how_to_get("vosk", language.split("-")[0].lower())


def get_recognizer(name: str | None = None, language: str = "en-US") -> Recognizer:
    """The shared recogniser for an engine and language (loaded on first use)."""
    key = ((name or default_engine(language)).lower(), language.split("-")[0].lower())
    with _lock:
        if key not in _instances:
            engine, lang = key
            if engine in ("pocketsphinx", "whisper") and lang != "en":
                raise SpeechError(
                    f"the {engine} model here is English only; for {language!r} use vosk: "
                    f"{_vosk_hint(language)}"
                )
            if engine == "pocketsphinx":
                from .pocketsphinx import PocketsphinxRecognizer

                _instances[key] = PocketsphinxRecognizer()
            elif engine == "vosk":
                from .vosk import VoskRecognizer

                _instances[key] = VoskRecognizer(language)
            elif engine == "whisper":
                from .whisper import WhisperRecognizer

                _instances[key] = WhisperRecognizer(language)
            else:
                raise SpeechError(
                    f"unknown speech recogniser {name!r}; choose one of {', '.join(ENGINES)}"
                )
        return _instances[key]
