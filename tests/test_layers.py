"""Layers import downwards only (ARCHITECTURE.md, ../shared/DESIGN.md).

Every `import` in telenb, at module level or inside a function, is read from the source
(not by importing it), so a lazy import that points upwards fails here as surely as one at
the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "telenb"

# lowest first; a module may import its own layer and the layers before it
LAYERS: list[set[str]] = [
    {"errors", "_lazy"},
    {"audio", "sms"},
    {"flow"},
    {"speech"},
    {"sim"},
    {"providers"},
    {"notebook"},
    {"cli", "__main__", "__init__"},
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}
# the foundation that must never know a vendor or the notebook
CORE = ("audio", "sms", "flow", "speech", "sim")


def _unit(module: str) -> str:
    """'telenb.sim.carrier' -> 'sim'; 'telenb' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path, package: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, absolute telenb module) for every import in the file."""
    rel = path.relative_to(package.parent).with_suffix("").parts
    here = rel[:-1]  # the package a relative import starts from
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - (node.level - 1)])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return [(line, m) for line, m in found if m == "telenb" or m.startswith("telenb.")]


def edges() -> list[tuple[str, int, str, str]]:
    """(file, line, from-unit, to-unit) for imports that cross units."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent)
        src = _unit(".".join(rel.with_suffix("").parts))
        if rel.name == "__init__.py" and len(rel.parts) == 2:
            src = "__init__"
        for line, module in imports_of(path):
            dst = _unit(module)
            if dst != src:
                out.append((str(rel), line, src, dst))
    return out


def test_every_unit_has_a_layer():
    units = {p.stem for p in PACKAGE.glob("*.py")}
    units |= {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    missing = sorted(units - set(RANK))
    assert not missing, f"put these in a layer in tests/test_layers.py: {missing}"


def test_layers_import_downwards_only():
    upward = [
        f"{f}:{line} ({src} -> {dst})" for f, line, src, dst in edges() if RANK[dst] > RANK[src]
    ]
    assert not upward, "imports pointing up a layer:\n" + "\n".join(upward)


@pytest.mark.parametrize("unit", CORE)
def test_core_never_imports_a_vendor_or_the_notebook(unit):
    bad = [
        f"{f}:{line} -> {dst}"
        for f, line, src, dst in edges()
        if src == unit and dst in {"providers", "notebook", "cli"}
    ]
    assert not bad, f"{unit} must not know vendors or the notebook:\n" + "\n".join(bad)


def test_the_check_sees_function_local_imports(tmp_path):
    """The reader finds an import hidden in a function (as the carrier's TwiML import was)."""
    fake = tmp_path / "telenb" / "sim" / "carrier.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    from ..providers.twilio.sim import twiml_flow\n")
    assert imports_of(fake, tmp_path / "telenb") == [(2, "telenb.providers.twilio.sim")]
