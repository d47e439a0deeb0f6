"""ARCHITECTURE.md matches the code: every path it names exists, and every package and
sub-package of telenb appears in its map (a new room without a line on the map fails here)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
UNITS = "audio|sms|flow|speech|sim|providers|notebook"
TOP = "telenb|tests|notebooks|bench|scripts|binder|examples"
# paths from the repository root, and paths inside telenb/ written without its prefix
NAMED = sorted(
    {p for p in re.findall(rf"`((?:{TOP})/[^`\s]*)`", DOC)}
    | {"telenb/" + p for p in re.findall(rf"`((?:{UNITS})/[^`\s]*)`", DOC)}
)


def _expand(path: str) -> list[str]:
    """`tests/providers/twilio/{twiml,sim}` -> both paths."""
    m = re.search(r"\{([^}]*)\}", path)
    if not m:
        return [path]
    return [path[: m.start()] + part + path[m.end() :] for part in m.group(1).split(",")]


def test_every_path_named_in_the_map_exists():
    missing = [p for named in NAMED for p in _expand(named) if "<" not in p and "*" not in p
               and not (REPO / p).exists()]  # fmt: skip
    assert NAMED, "ARCHITECTURE.md names no paths: the pattern above no longer matches it"
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_every_package_is_on_the_map():
    packages = sorted(
        str(init.parent.relative_to(REPO)) + "/"
        for init in (REPO / "telenb").rglob("__init__.py")
        if init.parent != REPO / "telenb"
    )
    unmapped = [p for p in packages if p not in NAMED and p.rstrip("/") not in NAMED]
    assert not unmapped, f"add these packages to ARCHITECTURE.md's map: {unmapped}"
