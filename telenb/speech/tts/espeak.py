"""espeak-ng driven in-process through ctypes (the pip-only default voice engine).

espeak-ng keeps static state (pitch flutter index, wave phase, ...) across calls that no
API resets, so two syntheses of the same text differ unless the library starts fresh.
Determinism is a project rule, so each synthesis loads a private copy of the library,
uses it and unloads it again (about 1 ms).  The private copy matters: another package
that loaded the same file would keep it mapped and its statics alive.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import tempfile
import threading
from functools import cache
from pathlib import Path

import numpy as np

from ...audio import Audio
from ...errors import SpeechError

AUDIO_OUTPUT_SYNCHRONOUS = 0x02
ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
PARAM_RATE, PARAM_VOLUME, PARAM_PITCH = 1, 2, 3
DEFAULT_WPM = 175
DEFAULT_PITCH = 50

_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


def _loader():
    try:
        import espeakng_loader
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise SpeechError(
            "espeak-ng is not available: install it with `pip install espeakng-loader` "
            "(it ships the espeak-ng library and its voice data)"
        ) from exc
    return espeakng_loader


@cache
def _private_library() -> str:
    """A copy of libespeak-ng that nobody else maps, removed at exit."""
    src = _loader().get_library_path()
    tmp = tempfile.mkdtemp(prefix="telenb-espeak-")
    dst = os.path.join(tmp, "libespeak-ng-telenb.so" if os.name != "nt" else "espeak-ng.dll")
    shutil.copy2(src, dst)
    atexit.register(shutil.rmtree, tmp, True)
    return dst


@cache
def data_path() -> str:
    return _loader().get_data_path()


class EspeakSynthesizer:
    """Formant synthesis for ~100 languages; robotic but tiny, fast and deterministic."""

    name = "espeak"
    native_rate = 22050

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return _version()

    def voices(self) -> list[str]:
        """espeak-ng language voices (add ``+f1``..``+f5`` or ``+m1``..``+m7`` for variants)."""
        root = Path(data_path()) / "lang"
        return sorted(p.name.lower() for p in root.rglob("*") if p.is_file())

    def synthesize(self, text: str, voice: str, *, speed: float = 1.0, pitch: float = 1.0) -> Audio:
        if not text.strip():
            return Audio(np.zeros(0, np.float32), self.native_rate)
        with self._lock:
            pcm = _run(
                text,
                voice,
                wpm=round(DEFAULT_WPM * speed),
                pitch=round(min(max(DEFAULT_PITCH * pitch, 0), 100)),
            )
        return Audio(pcm.astype(np.float32) / 32768.0, self.native_rate)


def _open() -> ctypes.CDLL:
    lib = ctypes.CDLL(_private_library(), mode=getattr(os, "RTLD_LOCAL", 0))
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
        ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    lib.espeak_Info.restype = ctypes.c_char_p
    rate = lib.espeak_Initialize(
        AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path().encode(), ESPEAK_INITIALIZE_DONT_EXIT
    )
    if rate <= 0:
        _close(lib)
        raise SpeechError(f"espeak-ng failed to start with its data at {data_path()}")
    return lib


def _close(lib: ctypes.CDLL) -> None:
    import _ctypes

    try:
        lib.espeak_Terminate()
    finally:
        dlclose = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
        if dlclose is not None:
            dlclose(lib._handle)


@cache
def _libc():
    try:
        return ctypes.CDLL(None)
    except OSError:  # pragma: no cover - Windows has no global C library handle
        return None


def _seed(lib: ctypes.CDLL) -> None:
    """Breathy and Klatt variants draw noise from espeak's generator and from the C
    library's rand(), which is process-wide and outlives the unloaded copy: seed both."""
    if hasattr(lib, "espeak_ng_SetRandSeed"):
        lib.espeak_ng_SetRandSeed(ctypes.c_long(1))
    libc = _libc()
    if libc is not None and hasattr(libc, "srand"):
        libc.srand(ctypes.c_uint(1))


@cache
def _version() -> str:
    lib = _open()
    try:
        return lib.espeak_Info(None).decode()
    finally:
        _close(lib)


def _run(text: str, voice: str, wpm: int, pitch: int) -> np.ndarray:
    chunks: list[np.ndarray] = []

    def on_audio(wav, n, _events):  # called from espeak_Synth, same thread
        if n > 0 and wav:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    callback = _CALLBACK(on_audio)
    lib = _open()
    try:
        _seed(lib)
        lib.espeak_SetSynthCallback(callback)
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SpeechError(
                f"espeak-ng has no voice {voice!r}; see telenb.speech.tts.espeak."
                "EspeakSynthesizer().voices() for the names"
            )
        lib.espeak_SetParameter(PARAM_RATE, max(80, min(wpm, 450)), 0)
        lib.espeak_SetParameter(PARAM_PITCH, pitch, 0)
        data = text.encode("utf-8")
        err = lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, CHARS_UTF8, None, None)
        lib.espeak_Synchronize()
        if err != 0:
            raise SpeechError(f"espeak-ng failed to synthesise {text[:40]!r} (error {err})")
    finally:
        _close(lib)
    return np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
