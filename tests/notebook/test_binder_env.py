"""The course runs, with the outputs it shows, in the environment Binder builds.

Binder (repo2docker) clones the repository, installs Python from binder/runtime.txt and runs
`pip install -r binder/requirements.txt` from the repository's root. This test does the same
on this machine: it copies the files git would commit into a temporary directory (Binder sees
only committed files, never a developer's leftovers), creates a virtual environment there
*without* the system site-packages, installs the requirements into it, and runs every
notebook under nbval in a kernel of that environment, comparing every output (sanitised
only by notebooks/nbval-sanitize.cfg). This is where the suite checks the notebooks: they run
once, in the environment a student gets, rather than once here and again there.

It skips only when it cannot do that here: no interpreter of Binder's Python version, no
`venv` module, or no route to the package index (then the notebooks can still be checked in
this environment with `pytest --nbval notebooks`). Any other failure - a missing requirement,
an install that does not resolve, a notebook that raises or whose output changed - fails it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

_TIMEOUT = [pytest.mark.timeout(3600)] if importlib.util.find_spec("pytest_timeout") else []
pytestmark = [pytest.mark.slow, *_TIMEOUT]

# pip's words for "the index could not be reached" (as opposed to "no such package")
_NETWORK_TROUBLE = re.compile(
    r"NewConnectionError|Max retries exceeded|Temporary failure in name resolution|"
    r"Name or service not known|Network is unreachable|Connection refused|ConnectTimeout|"
    r"ReadTimeoutError|ProxyError|No route to host|Could not fetch URL"
)


def _clean_env() -> dict[str, str]:
    """This process's environment without what would let host packages leak into the venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "VIRTUAL_ENV")
        and not k.startswith(("PYTEST_", "JUPYTER_"))
    }
    env["PYTHONNOUSERSITE"] = "1"
    env["PY_COLORS"] = "0"
    return env


def _copy_committable_files(dest: Path) -> None:
    """The files git would commit (tracked, plus new ones not ignored), or the tree minus
    caches when this is not a git checkout."""
    try:
        listed = (
            subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=REPO,
                capture_output=True,
                check=True,
                timeout=60,
            )
            .stdout.decode()
            .split("\0")
        )
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        shutil.copytree(
            REPO,
            dest,
            ignore=shutil.ignore_patterns(
                ".git",
                "__pycache__",
                "*.egg-info",
                ".pytest_cache",
                ".ruff_cache",
                "build",
                "dist",
                ".venv",
                ".ipynb_checkpoints",
            ),
        )
        return
    for name in filter(None, listed):
        src = REPO / name
        if src.is_file():  # (a tracked file deleted in the work tree is skipped)
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def _binder_python() -> str:
    text = (REPO / "binder" / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert m, f"binder/runtime.txt should read like 'python-3.11', not {text!r}"
    return m.group(1)


def _interpreter(version: str) -> str:
    """This Python when it is Binder's version, else a `pythonX.Y` on PATH."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found is None:
        pytest.skip(
            f"Binder runs Python {version} (binder/runtime.txt) and no python{version} is on "
            "PATH; check the notebooks in this environment with `pytest --nbval notebooks`"
        )
    return found


def test_binder_environment_runs_the_course_with_its_outputs(tmp_path):
    started = time.monotonic()
    interpreter = _interpreter(_binder_python())
    notebooks = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks in notebooks/"

    repo = tmp_path / "repo"
    _copy_committable_files(repo)
    assert (repo / "binder" / "requirements.txt").is_file()
    env = _clean_env()
    env["TELENB_CACHE_DIR"] = str(tmp_path / "cache")  # outputs from this code, not a cache

    venv = tmp_path / "venv"
    made = subprocess.run(
        [interpreter, "-m", "venv", str(venv)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    python = venv / "bin" / "python"
    if made.returncode != 0 or not python.exists():
        pytest.skip(f"cannot create a virtual environment here: {made.stderr.strip()[-500:]}")

    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-compile",  # bytecode is written on first import; compiling all costs a minute
            "-r",
            "binder/requirements.txt",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=2400,
    )
    log = install.stdout + install.stderr
    if install.returncode != 0:
        if _NETWORK_TROUBLE.search(log):
            pytest.skip(f"the package index cannot be reached: {log.strip()[-500:]}")
        pytest.fail(f"pip install -r binder/requirements.txt failed:\n{log[-4000:]}")
    installed = time.monotonic()

    # the environment is isolated: telenb from the copy, numpy from the venv, no host paths
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, numpy, telenb; print(telenb.__file__); print(numpy.__file__); "
            "print(sys.prefix != sys.base_prefix)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout.split()
    assert Path(probe[0]).resolve().is_relative_to(repo.resolve()), probe
    assert Path(probe[1]).resolve().is_relative_to(venv.resolve()), probe
    assert probe[2] == "True"

    # run the course: every cell of every notebook, in the venv's own kernel, outputs compared
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run(
        [
            str(python),
            "-m",
            "pytest",
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(repo),
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "notebooks/nbval-sanitize.cfg",
            "--nbval-cell-timeout",
            "600",
            "-v",
            "notebooks",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=3000,
    )
    if run.returncode != 0:
        out = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout + run.stderr)  # nbval colours its report
        failed = re.findall(r"^FAILED (\S+)", out, re.M)
        pytest.fail(
            f"the course failed in the Binder environment ({len(failed)} cells: "
            f"{', '.join(failed[:10])}):\n{out[-8000:]}"
        )
    passed_in = {
        nb
        for nb in notebooks
        if re.search(rf"{re.escape(nb[:-6])}\S*::Cell \d+ PASSED", run.stdout)
    }
    assert passed_in == set(notebooks), f"not run: {sorted(set(notebooks) - passed_in)}"
    print(
        f"binder env: {len(notebooks)} notebooks; install {installed - started:.0f} s, "
        f"notebooks {time.monotonic() - installed:.0f} s"
    )
