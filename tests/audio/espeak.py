"""Synthetic speech for talk-off tests: eSpeak NG (from the espeakng-loader wheel) via ctypes.

Run as a script in a subprocess (`python -m tests.audio.espeak VOICE PITCH TEXT`) so the
library's global state never touches the test process; it writes raw int16 mono PCM at the
engine's rate (printed first as an 8-byte little-endian header) to stdout.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys

import numpy as np

_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def _synth_here(voice: str, pitch: int, rate_wpm: int, text: str) -> tuple[int, bytes]:
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.restype = ctypes.c_int
    rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)  # SYNCHRONOUS
    if rate <= 0:
        raise RuntimeError("espeak_Initialize failed")
    chunks: list[bytes] = []

    def on_audio(wav, n, _events):
        if n > 0:
            chunks.append(ctypes.string_at(wav, n * 2))
        return 0

    # variant voices draw noise from espeak's generator and from rand(): seed both, so the
    # talk-off speech is the same on every run and machine
    if hasattr(lib, "espeak_ng_SetRandSeed"):
        lib.espeak_ng_SetRandSeed(ctypes.c_long(1))
    ctypes.CDLL(None).srand(ctypes.c_uint(1))

    cb = _CALLBACK(on_audio)
    lib.espeak_SetSynthCallback(cb)
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise RuntimeError(f"no espeak voice {voice!r}")
    lib.espeak_SetParameter(3, pitch, 0)  # espeakPITCH
    lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE
    data = text.encode()
    lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, 1, None, None)  # espeakCHARS_UTF8
    lib.espeak_Synchronize()
    lib.espeak_Terminate()
    return rate, b"".join(chunks)


def synthesize(text: str, voice: str = "en", pitch: int = 50, rate_wpm: int = 175):
    """(samples int16, rate) for `text`, synthesised in a child process."""
    out = subprocess.run(
        [sys.executable, __file__, voice, str(pitch), str(rate_wpm)],
        input=text.encode(),
        capture_output=True,
        check=True,
        timeout=300,
    ).stdout
    rate = int.from_bytes(out[:8], "little")
    return np.frombuffer(out[8:], "<i2"), rate


if __name__ == "__main__":
    r, pcm = _synth_here(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.stdin.read())
    sys.stdout.buffer.write(r.to_bytes(8, "little") + pcm)
