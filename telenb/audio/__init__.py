"""Audio: the Audio value type, codecs, DTMF, tones, the channel model and inspection."""

from .core import LINE_RATE, Audio, as_audio

__all__ = ["LINE_RATE", "Audio", "as_audio"]
