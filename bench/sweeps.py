"""Sweep benchmark (issue 19): one sweep run in-process, on a process pool and on a local Dask
cluster on loopback, in one run; prints wall time, the speed-up against in-process, and
whether the digests agree (they must).  Nothing is asserted.

    python bench/sweeps.py                  # 2 workers, a 4 x 4 Erlang grid
    python bench/sweeps.py --workers 4 --calls 20000
    pip install -e ".[sweep]"               # Dask (the in-process and pool rows need nothing)
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's telenb
from telenb.sim.experiments import erlang_point
from telenb.sim.sweeps import grid, sweep


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--calls", type=int, default=5_000, help="calls per replication")
    ap.add_argument("--replications", type=int, default=6)
    args = ap.parse_args()
    fn = functools.partial(erlang_point, replications=args.replications, calls=args.calls)
    tasks = grid(trunks=[5, 10, 15, 20], erlangs=[4, 8, 12, 16])
    calls = len(tasks) * args.replications * args.calls
    print(f"{len(tasks)} tasks, {calls:,} simulated calls, {args.workers} workers")

    rows: list[tuple[str, float, str]] = []
    seconds, res = timed(lambda: sweep(fn, tasks, seed=1, progress=False))
    rows.append(("in-process", seconds, res.digest()))
    with ProcessPoolExecutor(args.workers) as pool:
        sweep(fn, tasks[:1], executor=pool, progress=False)  # start the workers first
        seconds, res = timed(lambda: sweep(fn, tasks, seed=1, executor=pool, progress=False))
    rows.append((f"ProcessPoolExecutor({args.workers})", seconds, res.digest()))
    try:
        import distributed
    except ImportError:
        print("(Dask is not installed: pip install -e '.[sweep]')")
    else:
        with (
            distributed.LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            ex = client.get_executor()
            seconds, res = timed(lambda: sweep(fn, tasks, seed=1, executor=ex, progress=False))
        rows.append((f"Dask LocalCluster({args.workers} processes)", seconds, res.digest()))

    base = rows[0][1]
    for name, seconds, dig in rows:
        print(f"{name:34s} {seconds:7.2f} s  {base / seconds:5.2f}x in-process  {dig[:16]}")
    print("digests agree:", len({dig for _, _, dig in rows}) == 1)


if __name__ == "__main__":
    main()
