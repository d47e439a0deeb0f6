"""The `course` extra installs what the notebooks import, and Binder's list agrees with it.

Read from the files (no network, no install): every module a notebook cell imports must be
the standard library's, telenb's, or come from a distribution that telenb or its `course`
extra requires; binder/requirements.txt must ask for the same distributions (Binder brings
JupyterLab itself)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    """'nbval>=0.11' -> 'nbval'; 'telenb[whisper]' -> 'telenb[whisper]'."""
    m = re.match(r"\s*([A-Za-z0-9_.\-]+(?:\[[^\]]*\])?)", requirement)
    assert m, requirement
    return m.group(1).lower().replace("_", "-")


def _expand(requirements: list[str]) -> set[str]:
    """Distribution names, with telenb's own extras (`telenb[whisper]`) opened up."""
    out: set[str] = set()
    for req in requirements:
        name = _name(req.split(";")[0])
        if name.startswith("telenb["):
            for extra in name[len("telenb[") : -1].split(","):
                out |= _expand(PROJECT["optional-dependencies"][extra.strip()])
        else:
            out.add(name)
    return out


COURSE = _expand(PROJECT["dependencies"]) | _expand(PROJECT["optional-dependencies"]["course"])


def _imports(source: str) -> set[str]:
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a cell magic's body (%%twiml, %%flow...) is not Python
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def notebook_imports() -> set[str]:
    """Modules the notebooks import, less those a notebook writes itself (`write("pizza.py", ...)`
    in notebook 09, `%%writefile`)."""
    found: set[str] = set()
    written: set[str] = set()
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            written |= set(re.findall(r"""(?:write\(|%%writefile\s+)["']?(\w+)\.py""", cell.source))
            if not cell.source.lstrip().startswith("%%"):
                found |= _imports(cell.source)
    return found - written


def test_the_course_extra_brings_every_module_the_notebooks_import():
    modules = notebook_imports()
    assert {"telenb", "numpy"} <= modules, "the import scan no longer sees the notebooks"
    dists = packages_distributions()
    missing = {}
    for module in sorted(modules - {"telenb"} - set(sys.stdlib_module_names)):
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & COURSE:
            missing[module] = sorted(names)
    assert not missing, (
        f"notebooks import these, but the course extra does not bring them: {missing}"
    )


def test_binder_asks_for_what_the_course_extra_asks_for():
    lines = [
        line.strip()
        for line in (REPO / "binder/requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    binder = _expand([line.removeprefix("-e ").replace(".[", "telenb[", 1) for line in lines])
    binder |= _expand(PROJECT["dependencies"])  # `-e .` installs telenb with its dependencies
    course = COURSE - {"jupyterlab"}  # Binder's image brings JupyterLab
    assert binder == course, (
        f"binder/requirements.txt and the course extra differ: only in binder "
        f"{sorted(binder - course)}, only in the extra {sorted(course - binder)}"
    )


def test_notebooks_08_and_09_need_what_the_course_extra_adds():
    """The reason the extra exists: without these, notebooks 08 and 09 fail in a fresh venv."""
    assert {"flask", "nbclient"} <= notebook_imports()
    nb = nbformat.read(REPO / "notebooks/09-testing-call-flows.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert '"-m", "pytest"' in code and "--nbval" in code  # it runs pytest and nbval
    assert {"flask", "nbclient", "pytest", "nbval", "jupyterlab"} <= COURSE
