"""The plain functions the simulator, notebooks and tests call.

``synthesize(text, voice) -> Audio`` renders a prompt (or a simulated caller's speech);
``recognize(audio, grammar) -> Recognition`` hears an answer.  Both pick engines lazily.
"""

from __future__ import annotations

import numpy as np

from ..audio import LINE_RATE, Audio
from . import ssml as _ssml
from . import voice_data as D
from .cache import SynthesisCache, cache_key, default_cache
from .registry import DEFAULT_VOICE, VoiceChoice, resolve_voice
from .tts import get_synthesizer


def synthesize(
    text: str,
    voice: str | None = None,
    rate: int = LINE_RATE,
    *,
    engine: str | None = None,
    language: str | None = None,
    provider: str | None = None,
    cache: SynthesisCache | bool = True,
) -> Audio:
    """Speak `text` (plain or SSML) in `voice` (a Tropo, Twilio or local name) at `rate` Hz.

    Deterministic: the same text, voice and rate always give the same samples; repeated
    calls are served from the synthesis cache.
    """
    choice = resolve_voice(voice, language, engine, provider)

    synth = get_synthesizer(choice.engine)
    store = default_cache() if cache is True else (cache or None)
    key = cache_key(
        engine=choice.engine,
        version=synth.version,
        voice=choice.voice_key,
        text=text,
        rate=int(rate),
        resampler=_resampler_version(),
        recipe=RECIPE,
    )
    if store is not None:
        hit = store.get(key)
        if hit is not None:
            return hit
    audio = render(text, choice, int(rate))
    return store.put(key, audio) if store is not None else audio


# Bumped whenever synthesis or its post-processing changes, so that a disk cache filled by
# older code is never served as today's output (v2: espeak's noise generators are seeded).
RECIPE = 2


def _resampler_version() -> str:
    """Resampled samples depend on libsoxr's version: part of the cache key."""
    import soxr

    return getattr(soxr, "__version__", "?")


def render(text: str, choice: VoiceChoice, rate: int) -> Audio:
    """Synthesise without the cache: SSML items rendered one by one, then resampled."""

    synth = get_synthesizer(choice.engine)
    native = getattr(synth, "native_rate", 22050)
    parts: list[Audio] = []
    for item in _ssml.parse(text):
        if isinstance(item, _ssml.Break):
            parts.append(Audio.silence(item.seconds, native))
            continue
        a = synth.synthesize(
            item.text,
            choice.engine_voice,
            speed=item.speed * choice.speed,
            pitch=item.pitch * choice.pitch,
        )
        if item.volume_db:
            a = a.gain(item.volume_db)
        parts.append(a)
    if not parts:
        return Audio(np.zeros(0, np.float32), rate)
    return Audio.concat(parts, native).resample(rate)


def preview(name: str | None = None, text: str | None = None, rate: int = 8000) -> Audio:
    """Hear a voice: a short greeting in its language (returns `Audio`)."""
    choice = resolve_voice(name)
    if text is None:
        greeting = D.GREETING.get(choice.language.split("-")[0], D.GREETING["en"])
        shown = (name or DEFAULT_VOICE).split(".")[-1].split("-")[0].title()
        text = greeting.format(name=shown)
    return synthesize(text, voice=name, rate=rate)
