"""The WAV chromium plays as its fake microphone: the word "red", synthesised, padded with
silence (16-bit PCM mono; chromium loops it)."""

from __future__ import annotations

from pathlib import Path

RATE = 16000
WORD = "red"
LEAD_S = 1.0  # silence before the word
TAIL_S = 1.5  # silence after it (more than the endpointer's 0.7 s, so utterances end)


def fake_mic_wav(directory: Path) -> Path:
    from telenb.speech import synthesize

    path = directory / f"fake-mic-{WORD}.wav"
    synthesize(WORD, rate=RATE).pad(LEAD_S, TAIL_S).save(path, subtype="PCM_16")
    return path
