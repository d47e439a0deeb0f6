"""Reading and writing audio files with clear errors (soundfile/libsndfile underneath).

libsndfile is forgiving in ways that hide damage: a WAV file cut short is read as a shorter
signal without complaint, and a cut-short Ogg file as empty. We check the container first
(RIFF chunk sizes, the Ogg end-of-stream page) so a truncated recording is reported, not
silently shortened.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np

from ..errors import AudioError, ConfigurationError

MAX_BYTES_ENV = "TELENB_AUDIO_MAX_BYTES"
DEFAULT_MAX_BYTES = 2**30  # 1 GiB of decoded float32 samples: about 9 hours of 8 kHz stereo
FORMATS = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".oga": "OGG"}
DEFAULT_SUBTYPE = {"WAV": "PCM_16", "FLAC": "PCM_16", "OGG": "VORBIS"}


def max_bytes_limit(max_bytes: int | None = None) -> int:
    """The most decoded bytes a read may produce: `max_bytes`, else $TELENB_AUDIO_MAX_BYTES,
    else 1 GiB."""
    if max_bytes is None:
        raw = os.environ.get(MAX_BYTES_ENV, "").strip()
        if not raw:
            return DEFAULT_MAX_BYTES
        try:
            max_bytes = int(raw.replace("_", ""))
        except ValueError:
            raise ConfigurationError(
                f"{MAX_BYTES_ENV}={raw!r} is not a whole number of bytes (e.g. 4294967296)"
            ) from None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ConfigurationError(f"max_bytes must be a positive whole number, not {max_bytes!r}")
    return max_bytes


def _gib(n: int) -> str:
    if n < 2**20:
        return f"{n} bytes"
    return f"{n / 2**30:.2f} GiB" if n >= 2**28 else f"{n / 2**20:.1f} MiB"


def _check_size(path: Path, max_bytes: int | None) -> None:
    """Refuse, from the header alone, a file whose samples would not fit in `max_bytes`."""
    import soundfile as sf

    limit = max_bytes_limit(max_bytes)
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError):
        return  # not readable as audio: sf.read explains why
    need = int(info.frames) * int(info.channels) * 4  # read as float32
    if need > limit:
        raise AudioError(
            f"{path} holds {info.frames} frames x {info.channels} channel(s) = {_gib(need)} of "
            f"samples, over the {_gib(limit)} limit; read a shorter file, or raise the limit "
            f"with Audio.load(..., max_bytes=...) or ${MAX_BYTES_ENV}"
        )


def read(
    path: str | os.PathLike, allow_truncated: bool = False, max_bytes: int | None = None
) -> tuple[np.ndarray, int]:
    """(float32 samples, rate) from a file; AudioError names the file and the problem.

    Files whose samples would take more than `max_bytes` (default $TELENB_AUDIO_MAX_BYTES or
    1 GiB) are refused from their header, before anything is read."""
    import soundfile as sf

    path = Path(path)
    if not path.exists():
        raise AudioError(f"no audio file at {path}")
    if path.is_dir():
        raise AudioError(f"{path} is a directory, not an audio file")
    size = path.stat().st_size
    if size == 0:
        raise AudioError(f"{path} is empty (0 bytes): nothing to read")
    with open(path, "rb") as fh:
        head = fh.read(12)
    if not allow_truncated:
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            _check_riff(path, size)
        elif head[:4] == b"OggS":
            _check_ogg(path, size)
    _check_size(path, max_bytes)
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=False)
    except sf.LibsndfileError as exc:
        reason = str(exc).split(": ", 1)[-1]
        hint = (
            "; telenb reads WAV, FLAC and Ogg Vorbis (and other formats libsndfile knows)"
            if "not recognised" in reason.lower()
            else "; the file may be truncated or corrupt"
        )
        raise AudioError(f"cannot read {path} as audio: {reason}{hint}") from exc
    except (RuntimeError, ValueError, TypeError) as exc:
        raise AudioError(f"cannot read {path} as audio: {exc}") from exc
    if data.size and not np.all(np.isfinite(data)):
        bad = int(np.count_nonzero(~np.isfinite(data)))
        raise AudioError(f"{path} contains {bad} NaN or infinite samples (a damaged float file)")
    return data, int(rate)


def _check_riff(path: Path, size: int) -> None:
    """Raise if the WAV 'data' chunk claims more bytes than the file holds."""
    with open(path, "rb") as fh:
        fh.seek(12)
        block_align = 0
        while True:
            header = fh.read(8)
            if len(header) < 8:
                return  # no data chunk: let libsndfile explain
            cid, length = header[:4], struct.unpack("<I", header[4:])[0]
            start = fh.tell()
            if cid == b"fmt " and length >= 16:
                fmt = fh.read(16)
                if len(fmt) < 16:
                    return  # a broken header: libsndfile reports it
                block_align = struct.unpack("<H", fmt[12:14])[0]
            if cid == b"data":
                if length in (0, 0xFFFFFFFF):  # streaming writers leave it unknown
                    return
                have = size - start
                if length > have:
                    frames = (
                        f" ({have // block_align} of {length // block_align} frames)"
                        if (block_align)
                        else ""
                    )
                    raise AudioError(
                        f"{path} is truncated: its header promises {length} bytes of audio "
                        f"but only {have} are there{frames}; pass allow_truncated=True to "
                        "read what is left"
                    )
                return
            fh.seek(start + length + (length & 1))


def _check_ogg(path: Path, size: int) -> None:
    """Raise unless the file ends with a complete Ogg page flagged end-of-stream."""
    with open(path, "rb") as fh:
        fh.seek(max(size - 65536, 0))
        tail = fh.read()
    pos = tail.rfind(b"OggS")
    ok = False
    if pos >= 0 and len(tail) - pos >= 27:
        header_type = tail[pos + 5]
        n_segments = tail[pos + 26]
        seg_table = tail[pos + 27 : pos + 27 + n_segments]
        page_len = 27 + n_segments + sum(seg_table)
        ok = (
            bool(header_type & 0x04)
            and len(seg_table) == n_segments
            and (pos + page_len == len(tail))
        )
    if not ok:
        raise AudioError(
            f"{path} is truncated or damaged: the Ogg stream does not end with a complete "
            "end-of-stream page (libsndfile would read it as empty)"
        )


def as_written(samples: np.ndarray, subtype: str) -> np.ndarray:
    """Clip to [-1, 1]; for 16-bit files convert here (scale 32768, round half to even)
    so files hold exactly `Audio.pcm16()`, whatever libsndfile's own rounding."""
    if subtype == "PCM_16":
        return np.clip(np.round(samples * 32768.0), -32768, 32767).astype(np.int16)
    return np.clip(samples, -1, 1)


def write(
    path: str | os.PathLike, samples: np.ndarray, rate: int, subtype: str | None = None
) -> Path:
    """Write atomically (temporary file, then rename); the format comes from the suffix."""
    import soundfile as sf

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise AudioError(
            f"cannot save {path.name}: use a .wav, .flac or .ogg file name "
            f"(got {path.suffix or 'no suffix'!r})"
        )
    subtype = subtype or DEFAULT_SUBTYPE[fmt]
    if not sf.check_format(fmt, subtype):
        raise AudioError(f"{fmt} files cannot hold {subtype!r} samples")
    if fmt == "OGG" and samples.shape[0] == 0:
        raise AudioError(f"cannot save empty audio as Ogg Vorbis ({path.name}); use .wav")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AudioError(f"cannot create the folder for {path}: {exc.strerror}") from exc
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        sf.write(str(tmp), as_written(samples, subtype), rate, subtype=subtype, format=fmt)
        os.replace(tmp, path)
    except (OSError, sf.LibsndfileError, RuntimeError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise AudioError(f"cannot save {path}: {exc}") from exc
    return path
