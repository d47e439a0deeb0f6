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


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks, which never run."""
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    return hidden


def imports_of(
    path: Path, package: Path = PACKAGE, *, runtime: bool = False, names: bool = False
) -> list[tuple[int, str]]:
    """(line, absolute telenb module) for every import in the file.

    runtime: leave out imports under `if TYPE_CHECKING:`.  names: `from a import b` yields
    'a.b' where b is a module of the package, so the graph reaches the module it loads.
    """
    rel = path.relative_to(package.parent).with_suffix("").parts
    here = rel[:-1]  # the package a relative import starts from
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    hidden = _type_checking_only(tree) if runtime else set()
    found = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(here[: len(here) - (node.level - 1)])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if names:
                found += [(node.lineno, _submodule(package, module, a.name)) for a in node.names]
            else:
                found.append((node.lineno, module))
    return [(line, m) for line, m in found if m == "telenb" or m.startswith("telenb.")]


def _submodule(package: Path, module: str, name: str) -> str:
    base = package.parent.joinpath(*f"{module}.{name}".split("."))
    is_module = base.with_suffix(".py").exists() or (base / "__init__.py").exists()
    return f"{module}.{name}" if is_module else module


def _module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the telenb modules it imports when it runs (lazy imports included)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        here = _module_name(path, package)
        found = imports_of(path, package, runtime=True, names=True)
        graph[here] = {m for _, m in found if m != here}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, ..., a], or [] when the graph has none (iterative DFS)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in sorted(graph):
        if state.get(root):
            continue
        path, stack = [root], [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt) and nxt in graph:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return []


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


def test_no_module_imports_back_into_a_module_that_imports_it():
    """No runtime import cycle, lazy ones included: a cycle hides a layering the files deny."""
    cycle = find_cycle(import_graph())
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_check_sees_a_lazy_cycle_and_ignores_type_checking(tmp_path):
    pkg = tmp_path / "telenb" / "sim"
    pkg.mkdir(parents=True)
    (tmp_path / "telenb" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import X\n"
    )
    assert find_cycle(import_graph(tmp_path / "telenb")) == []
    (pkg / "b.py").write_text("def f():\n    from .a import X\n")
    assert find_cycle(import_graph(tmp_path / "telenb")) == [
        "telenb.sim.a",
        "telenb.sim.b",
        "telenb.sim.a",
    ]


# providers' sub-packages every vendor may use; any other sub-package is one vendor's
SHARED_PROVIDERS = {"webhooks", "docverbs", "export", "live"}
# TeXML and LaML are TwiML dialects: they run on Twilio's TwiML interpreter through its
# dialect seam (providers/twilio/dialect.py), and that is the only vendor-to-vendor edge
DIALECT_OF = {"telnyx": "twilio", "signalwire": "twilio"}


def test_no_vendor_imports_another_vendor():
    """Vendors share only the vendor-neutral sub-packages, so a vendor can be removed (or a
    new one added) without touching the others."""
    bad = []
    for path in sorted((PACKAGE / "providers").rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 3 or parts[1] in SHARED_PROVIDERS:
            continue
        for line, module in imports_of(path):
            target = module.split(".")
            if len(target) > 2 and target[1] == "providers":
                other = target[2]
                allowed = {parts[1], DIALECT_OF.get(parts[1]), *SHARED_PROVIDERS}
                if other not in allowed:
                    bad.append(f"{'/'.join(parts)}:{line} ({parts[1]} -> {other})")
    assert not bad, "a vendor imports another vendor:\n" + "\n".join(bad)
