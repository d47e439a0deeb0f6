"""`telenb sweep`: a grid of experiments from the shell, the same bytes wherever it runs."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SMALL = ["--replications", "3", "--calls", "500", "--no-progress"]


def telenb(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "telenb.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_erlang_sweep_prints_a_table_and_the_same_digest_on_local_processes():
    args = ["sweep", "erlang", "--trunks", "4,8", "--erlangs", "2,6", "--seed", "3", *SMALL]
    here = telenb(*args)
    assert here.returncode == 0, here.stderr
    lines = here.stdout.splitlines()
    assert lines[0].startswith("4 tasks, 0 failed, digest ")
    assert lines[1].split()[:4] == ["trunks", "erlangs", "load", "simulated"]
    assert [line.split()[:2] for line in lines[2:]] == [
        ["4", "2"], ["4", "6"], ["8", "2"], ["8", "6"],
    ]  # fmt: skip
    pooled = telenb(*args, "--workers", "2")
    assert pooled.returncode == 0, pooled.stderr
    assert pooled.stdout == here.stdout
    other_seed = telenb(*args[: -len(SMALL) - 2], "--seed", "4", *SMALL)
    assert other_seed.stdout.splitlines()[0] != lines[0]


def test_progress_goes_to_stderr():
    out = telenb("sweep", "erlang", "--trunks", "4", "--erlangs", "2", "--calls", "300",
                 "--replications", "2")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "erlang_point" in out.stderr and "1/1" in out.stderr
    assert "erlang_point" not in out.stdout


def test_engset_and_flow_sweeps(tmp_path):
    out = telenb("sweep", "engset", "--sources", "10,20", "--trunks", "4", "--per-idle", "0.2",
                 *SMALL)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Engset") == 2
    callers = tmp_path / "callers.txt"
    callers.write_text("say: purple; say: blue\n\npress: 9\n")
    out = telenb(
        "sweep", "flow", "--flow", "examples/dress_shop.py:dress_shop",
        "--caller", "say: red", "--callers", str(callers), "--no-progress",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert rows[0].startswith("3 tasks, 0 failed")
    assert [r.split("  ")[0] for r in rows[2:]] == [
        "say: red",
        "say: purple; say: blue",
        "press: 9",
    ]
    assert all("completed" in r for r in rows[2:])


def test_missing_axes_are_one_clear_line():
    out = telenb("sweep", "erlang", "--trunks", "4", "--no-progress")
    assert out.returncode == 2 and out.stderr.startswith("telenb: this experiment needs --erlangs")
    out = telenb("sweep", "erlang", "--trunks", "4,x", "--erlangs", "2")
    assert out.returncode == 2 and "numbers separated by commas" in out.stderr
    out = telenb("sweep", "flow", "--flow", "examples/dress_shop.py:dress_shop")
    assert out.returncode == 2 and "--caller" in out.stderr


@pytest.mark.slow
def test_a_local_dask_cluster_gives_the_same_bytes():
    pytest.importorskip("distributed", reason="the sweep extra is not installed")
    args = ["sweep", "erlang", "--trunks", "4,8", "--erlangs", "2,6", "--seed", "3", *SMALL]
    here = telenb(*args)
    dask = telenb(*args, "--dask", "local")
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout == here.stdout
