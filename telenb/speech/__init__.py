"""Speech: text-to-speech voices and speech recognition.

Everything here imports lazily: ``import telenb.speech`` loads no engine (no onnxruntime,
ctranslate2, vosk or pocketsphinx) until a function needs one.

    synthesize(text, voice=None, rate=8000) -> Audio        # Tropo/Twilio voice names
    recognize(audio, grammar=None, engine=None) -> Recognition
    stream(grammar=None, engine=None) -> RecognitionStream  # live: feed() then finish()
    transcribe(audio_or_path, engine=None) -> Transcript
    voices() / resolve_voice(name) / preview(name)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "synthesize": ".api", "render": ".api",
    "recognize": ".recognition", "stream": ".recognition", "get_recognizer": ".asr",
    "transcribe": ".transcription",
    "voices": ".registry", "resolve_voice": ".registry", "preview": ".api",
    "VoiceChoice": ".registry", "VoiceTable": ".registry",
    "Recognition": ".types", "Transcript": ".types", "Word": ".types",
    "Synthesizer": ".types", "Recognizer": ".types", "RecognitionStream": ".types",
    "SynthesisCache": ".cache", "default_cache": ".cache", "set_default_cache": ".cache",
    "get_synthesizer": ".tts", "download_model": ".models", "find_model": ".models",
    "FrontEnd": ".frontend", "prepare": ".frontend", "is_silent": ".frontend",
}  # fmt: skip

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .api import (  # noqa: F401
        preview,
        render,
        synthesize,
    )
    from .asr import get_recognizer  # noqa: F401
    from .cache import SynthesisCache, default_cache, set_default_cache  # noqa: F401
    from .frontend import FrontEnd, is_silent, prepare  # noqa: F401
    from .models import download_model, find_model  # noqa: F401
    from .recognition import recognize, stream  # noqa: F401
    from .registry import VoiceChoice, VoiceTable, resolve_voice, voices  # noqa: F401
    from .transcription import transcribe  # noqa: F401
    from .tts import get_synthesizer  # noqa: F401
    from .types import Recognition, RecognitionStream, Recognizer, Synthesizer, Transcript, Word  # noqa: F401
