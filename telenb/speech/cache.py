"""Content-addressed synthesis cache: memory LRU in front of an on-disk store.

A prompt is synthesised once per (engine, engine version, voice, text, parameters, rate):
re-running a notebook or a load test of thousands of calls reads it back instead.
Files are written atomically (temp file + rename), so a crash or two processes writing
the same prompt never leave a torn file.  Set ``TELENB_CACHE_DIR`` to move the store,
``TELENB_SPEECH_CACHE=off`` to keep only the in-memory layer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ..audio import Audio

MAGIC = b"TNBA1\0"
_HEADER = struct.Struct("<6sI")


def default_dir() -> Path:
    env = os.environ.get("TELENB_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "speech"
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("telenb")) / "speech"
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "telenb" / "speech"


def cache_key(**parts: object) -> str:
    """A stable hash of the named parts (order-independent, JSON-canonical)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class SynthesisCache:
    """``get(key) -> Audio | None`` and ``put(key, audio)``; thread-safe."""

    def __init__(self, directory: str | os.PathLike | None = None, memory_items: int = 512,
                 disk: bool | None = None):
        self.directory = Path(directory) if directory is not None else default_dir()
        if disk is None:
            disk = os.environ.get("TELENB_SPEECH_CACHE", "on").lower() not in ("off", "0", "no")
        self.disk = disk
        self.memory_items = memory_items
        self._lru: OrderedDict[str, Audio] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.disk_hits = self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.f32"

    def get(self, key: str) -> Audio | None:
        with self._lock:
            audio = self._lru.get(key)
            if audio is not None:
                self._lru.move_to_end(key)
                self.hits += 1
                return audio
        if self.disk:
            audio = self._read(self._path(key))
            if audio is not None:
                with self._lock:
                    self.hits += 1
                    self.disk_hits += 1
                    self._remember(key, audio)
                return audio
        with self._lock:
            self.misses += 1
        return None

    def put(self, key: str, audio: Audio) -> Audio:
        audio.samples.setflags(write=False)  # shared between callers: keep it immutable
        with self._lock:
            self._remember(key, audio)
        if self.disk:
            with contextlib.suppress(OSError):  # a read-only or full disk must not break it
                self._write(self._path(key), audio)
        return audio

    def _remember(self, key: str, audio: Audio) -> None:
        self._lru[key] = audio
        self._lru.move_to_end(key)
        while len(self._lru) > self.memory_items:
            self._lru.popitem(last=False)

    def clear_memory(self) -> None:
        with self._lock:
            self._lru.clear()

    @staticmethod
    def _read(path: Path) -> Audio | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) < _HEADER.size or not data.startswith(MAGIC):
            return None
        _magic, rate = _HEADER.unpack_from(data)
        body = data[_HEADER.size :]
        if len(body) % 4:
            return None
        samples = np.frombuffer(body, "<f4")
        return Audio(samples, rate)

    @staticmethod
    def _write(path: Path, audio: Audio) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as f:
            f.write(_HEADER.pack(MAGIC, audio.rate))
            f.write(np.ascontiguousarray(audio.samples, "<f4").tobytes())
        os.replace(tmp, path)

    def __repr__(self) -> str:
        where = str(self.directory) if self.disk else "memory only"
        return (f"<SynthesisCache {where}: {len(self._lru)} in memory, hits {self.hits} "
                f"(disk {self.disk_hits}), misses {self.misses}>")


_default: SynthesisCache | None = None


def default_cache() -> SynthesisCache:
    global _default
    if _default is None:
        _default = SynthesisCache()
    return _default


def set_default_cache(cache: SynthesisCache | None) -> None:
    """Replace the process-wide cache (tests point it at a temporary directory)."""
    global _default
    _default = cache
