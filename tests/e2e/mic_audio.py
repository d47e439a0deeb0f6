"""The WAV chromium plays as its fake microphone (16-bit PCM mono, looped by chromium)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from telenb.audio import Audio

RATE = 16000
LEAD_S = 1.0  # silence before the sound
TAIL_S = 1.5  # silence after it (more than the endpointer's 0.7 s, so utterances end)


def voice_like(seconds: float = 0.6) -> Audio:
    """A vowel-like sound: harmonics of 140 Hz under a smooth envelope."""
    t = np.arange(round(RATE * seconds)) / RATE
    tone = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12))
    envelope = np.sin(np.pi * t / seconds) ** 0.5
    return Audio((0.25 * tone * envelope).astype(np.float32), RATE)


def fake_mic_wav(directory: Path) -> Path:
    path = directory / "fake-mic.wav"
    voice_like().pad(LEAD_S, TAIL_S).save(path, subtype="PCM_16")
    return path
