"""CMU flite (the Debian/Ubuntu ``flite`` package, BSD-style licence) run as a program.

Its US voices (slt, rms, kal16) are clearer through a G.711 channel than espeak-ng's
formant voices; telenb uses it where the package is installed and says which package to
install where it is not.  flite is deterministic: the same text gives the same samples.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache

import numpy as np

from ...audio import Audio
from ...errors import SpeechError

INSTALL_HINT = "install the Debian/Ubuntu package 'flite' (apt-get install flite)"
VOICES = ("slt", "rms", "kal16", "awb", "kal")


@cache
def executable() -> str | None:
    return shutil.which("flite")


def available() -> bool:
    return executable() is not None


class FliteSynthesizer:
    """flite's diphone and cluster-unit voices (US English, one Scottish)."""

    name = "flite"
    native_rate = 16000

    def __init__(self) -> None:
        if not available():
            raise SpeechError(f"the flite TTS engine is not installed: {INSTALL_HINT}")

    @property
    def version(self) -> str:
        return _version()

    def voices(self) -> list[str]:
        return list(VOICES)

    def synthesize(self, text: str, voice: str, *, speed: float = 1.0, pitch: float = 1.0) -> Audio:
        """`pitch` is ignored (flite's voices have no simple pitch control)."""
        if not text.strip():
            return Audio(np.zeros(0, np.float32), self.native_rate)
        if voice not in VOICES:
            raise SpeechError(f"flite has no voice {voice!r}; its voices: {', '.join(VOICES)}")
        with tempfile.TemporaryDirectory(prefix="telenb-flite-") as tmp:
            out = os.path.join(tmp, "out.wav")
            cmd = [str(executable()), "-voice", voice, "-o", out, "-t", text]
            if speed != 1.0:
                cmd[1:1] = ["--setf", f"duration_stretch={1.0 / max(speed, 0.1):.4f}"]
            done = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
            if done.returncode != 0 or not os.path.exists(out):
                err = done.stderr.decode(errors="replace").strip()[:200]
                raise SpeechError(f"flite failed to synthesise {text[:40]!r}: {err}")
            audio = Audio.load(out)
        return audio.resample(self.native_rate)


@cache
def _version() -> str:
    exe = executable()
    if exe is None:
        return "absent"
    out = subprocess.run([exe, "--version"], capture_output=True, timeout=10, check=False)
    return out.stdout.decode(errors="replace").strip().splitlines()[-1].strip()
