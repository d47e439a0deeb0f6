"""Where a recording goes: kept in memory, written to a local file, or uploaded to a URL.

Checked when the flow asks to record, in both fidelities: audio fidelity writes the file and
text fidelity does not, but a path that audio fidelity could not write (an unsupported
extension, a folder under a file, a read-only place) is a mistake in the flow either way, so
both raise the same `ConfigurationError` at the `record()` line.

Tropo's `recordURI` may be an HTTP(S), FTP(S) or SFTP URL: Tropo uploaded the finished
recording there (HTTP POST as the form field "filename", or PUT) and gave the script a
temporary local copy as the event's value.  The simulator is offline, so it keeps the
recording in memory, hands the flow that local copy, and notes the upload it did not make
(`recording.meta["upload"]`, and `upload=` in the trace).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..audio.fileio import FORMATS
from ..errors import ConfigurationError

UPLOAD_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "sftp"})


@dataclass(frozen=True)
class RecordTarget:
    kind: str  # "memory", "file" or "upload"
    path: str | None = None  # the local file (kind "file")
    url: str | None = None  # where Tropo would upload it (kind "upload")


MEMORY = RecordTarget("memory")


def record_target(where: str | os.PathLike | None) -> RecordTarget:
    """Check a record destination (a local path, an upload URL, or None for memory)."""
    if where is None or where == "":
        return MEMORY
    if not isinstance(where, (str, os.PathLike)):
        raise ConfigurationError(
            f"a recording path must be a file name or a URL, not {type(where).__name__}"
        )
    text = os.fspath(where)
    if not isinstance(text, str):
        text = os.fsdecode(text)
    if "\x00" in text:
        raise ConfigurationError(f"the recording path {text!r} contains a NUL character")
    scheme = urlsplit(text).scheme.lower()
    if len(scheme) > 1:  # a URL (one letter is a Windows drive, C:\...)
        return _upload(text, scheme)
    return RecordTarget("file", path=_local(text))


def masked(url: str) -> str:
    """`url` with any password in it replaced by ***, fit for a trace or a message."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()
    except ValueError:  # an unparseable port: show no part of the authority
        return url.split("://", 1)[0] + "://***"


def _upload(text: str, scheme: str) -> RecordTarget:
    shown = masked(text)
    if scheme in UPLOAD_SCHEMES:
        try:
            host = urlsplit(text).hostname
        except ValueError:
            host = None
        if not host:
            raise ConfigurationError(f"the recording URL {shown!r} names no host")
        return RecordTarget("upload", url=shown)
    if scheme == "file":
        hint = "give the file's path itself (recordings/msg.wav), not a file: URL"
    else:
        hint = f"recordings go to a local file or an {', '.join(sorted(UPLOAD_SCHEMES))} URL"
    raise ConfigurationError(f"cannot record to {shown!r}: {hint}")


def _local(text: str) -> str:
    path = Path(text)
    if path.suffix.lower() not in FORMATS:
        raise ConfigurationError(
            f"cannot record to {text!r}: use a .wav, .flac or .ogg file name "
            f"(got {path.suffix or 'no extension'!r})"
        )
    if path.is_dir():
        raise ConfigurationError(f"cannot record to {text!r}: it is a folder")
    folder = path.absolute().parent
    existing = folder
    while not existing.exists():  # the folders that will be created on the way
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigurationError(
            f"cannot record to {text!r}: {existing} is a file, so no folder can be made there"
        )
    try:  # the one sure test of "can a file be written here": write one (and remove it)
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise ConfigurationError(
            f"cannot record to {text!r}: no file can be written in {existing} "
            f"({exc.strerror or exc})"
        ) from None
    return text
