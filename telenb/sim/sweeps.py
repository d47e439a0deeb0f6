"""Many independent simulations on any `concurrent.futures.Executor`: a process pool, a Dask
cluster (`distributed.Client(...).get_executor()`), Ray, or none (in-process).

telenb does not bring its own pool: a user who outgrows one machine already has a cluster.
What telenb adds is what makes a sweep trustworthy there: every task gets a seed derived from
the sweep's seed and the task's key (never from the worker or the order tasks finish in), so
the results are the same bytes for any executor and any number of workers; results come back
in task order; a task that raises or whose worker dies leaves a `TaskFailure` in its place
while every other result is kept.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import html
import itertools
import math
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, overload

from ..errors import ConfigurationError


def grid(**axes: Any) -> list[dict[str, Any]]:
    """Every combination of the axes, the last axis varying fastest:
    `grid(trunks=[5, 10], erlangs=[3, 7])` gives four parameter dicts.  A scalar (or a
    string) is an axis of one value."""
    names = list(axes)
    values = [
        list(v) if isinstance(v, Iterable) and not isinstance(v, (str, bytes)) else [v]
        for v in axes.values()
    ]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def task_seed(seed: int | str, key: str) -> int:
    """The seed of one task: a hash of (sweep seed, task key), so it is the same wherever
    and whenever the task runs (Python's `hash` is salted per process; this is not)."""
    digest = hashlib.sha256(f"telenb-sweep\0{seed}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # 63 bits: fits numpy's int64 seeds


def _key_of(args: Any) -> str:
    if isinstance(args, Mapping):
        return ",".join(f"{k}={v!r}" for k, v in args.items())
    return repr(args)


@dataclass(frozen=True)
class Task:
    """One call of the sweep's function: `fn(**args, seed=seed)` for a dict of arguments,
    `fn(args, seed=seed)` for anything else."""

    key: str
    args: Any
    seed: int

    def run(self, fn: Callable[..., Any]) -> Any:
        if isinstance(self.args, Mapping):
            return fn(**self.args, seed=self.seed)
        return fn(self.args, seed=self.seed)


def make_tasks(grid_or_tasks: Iterable[Any] | Mapping[str, Any], seed: int | str) -> list[Task]:
    """Tasks from a grid (a list of parameter dicts), a list of arguments, or a mapping of
    key -> arguments (when the arguments' repr is not a good key, e.g. long scripts)."""
    if isinstance(grid_or_tasks, Mapping):
        items = [(str(k), v) for k, v in grid_or_tasks.items()]
    else:
        items = [(_key_of(a), a) for a in grid_or_tasks]
    seen: set[str] = set()
    for key, _ in items:
        if key in seen:
            raise ConfigurationError(
                f"two tasks have the key {key!r}: they would get the same seed; "
                "give the tasks as a mapping {key: arguments} with distinct keys"
            )
        seen.add(key)
    return [Task(key, args, task_seed(seed, key)) for key, args in items]


@dataclass(frozen=True)
class TaskFailure:
    """The place of a task that raised, or whose worker died, after its last attempt."""

    key: str
    error: str  # "ValueError: ...", or the executor's word for a dead worker
    attempts: int
    traceback: str = field(default="", compare=False, repr=False)

    @classmethod
    def of(cls, key: str, exc: BaseException, attempts: int) -> TaskFailure:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return cls(key, f"{type(exc).__name__}: {exc}", attempts, text)


def _run_task(fn: Callable[..., Any], task: Task, attempt: int) -> Any:
    """What a worker runs.  `attempt` is unused by the task but makes each retry a distinct
    call (Dask gives identical calls one key and would hand back the first, failed one)."""
    del attempt
    return task.run(fn)


class SweepResults(Sequence[Any]):
    """A sweep's results in task order: each a value, or a `TaskFailure`."""

    def __init__(self, tasks: list[Task], values: list[Any]):
        self.tasks = tasks
        self.values = values

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...
    def __getitem__(self, i: int | slice) -> Any:
        return self.values[i]

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values)

    def items(self) -> list[tuple[Any, Any]]:
        """(arguments, result) pairs in task order."""
        return [(t.args, v) for t, v in zip(self.tasks, self.values, strict=True)]

    def by_key(self, key: str) -> Any:
        for t, v in zip(self.tasks, self.values, strict=True):
            if t.key == key:
                return v
        raise KeyError(key)

    @property
    def failures(self) -> list[TaskFailure]:
        return [v for v in self.values if isinstance(v, TaskFailure)]

    @property
    def ok(self) -> bool:
        return not self.failures

    def digest(self) -> str:
        """SHA-256 of the results' canonical bytes: equal digests, identical results."""
        return digest(self)

    def rows(self) -> tuple[list[str], list[list[str]]]:
        """The results as a table (column names, rows of text), without pandas."""
        cols: list[str] = []
        rows: list[dict[str, str]] = []
        for t, v in zip(self.tasks, self.values, strict=True):
            row = {k: _cell(x) for k, x in _columns(t.args, "args")}
            if isinstance(v, TaskFailure):
                row["failed"] = v.error
            else:
                row.update((k, _cell(x)) for k, x in _columns(v, "result"))
            cols += [c for c in row if c not in cols]
            rows.append(row)
        return cols, [[r.get(c, "") for c in cols] for r in rows]

    def __repr__(self) -> str:
        cols, rows = self.rows()
        widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
        lines += ["  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)) for r in rows]
        head = f"{len(self)} tasks, {len(self.failures)} failed, digest {self.digest()[:16]}"
        return "\n".join([head] + [line.rstrip() for line in lines])

    def _repr_html_(self) -> str:
        cols, rows = self.rows()
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in cols)
        body = "".join("<tr>" + "".join(f"<td>{esc(x)}</td>" for x in r) + "</tr>" for r in rows)
        caption = f"{len(self)} tasks, {len(self.failures)} failed, digest {self.digest()[:16]}"
        return f"<table><caption>{esc(caption)}</caption><tr>{head}</tr>{body}</table>"


def _columns(obj: Any, name: str) -> list[tuple[str, Any]]:
    """A value's scalar parts as named columns (a dict's items, a dataclass's fields)."""
    if isinstance(obj, Mapping):
        pairs = list(obj.items())
    elif is_dataclass(obj) and not isinstance(obj, type):
        pairs = [(f.name, getattr(obj, f.name)) for f in fields(obj)]
    else:
        return [(name, obj)]
    return [(str(k), v) for k, v in pairs if isinstance(v, (int, float, str, bool, type(None)))]


def _cell(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.6g}"
    text = x if isinstance(x, str) else repr(x)
    return text if len(text) <= 40 else text[:39] + "…"


def _canonical(obj: Any, out: list[str], active: set[int]) -> None:
    """Append a canonical text form of `obj`: the same for equal values on every machine
    (floats exactly, dicts and sets in sorted order, dataclasses field by field)."""
    if obj is None or isinstance(obj, (bool, int, str)):
        out.append(repr(obj))
    elif isinstance(obj, float):
        out.append(obj.hex() if math.isfinite(obj) else repr(obj))
    elif isinstance(obj, (bytes, bytearray)):
        out.append(f"b:{bytes(obj).hex()}")
    elif isinstance(obj, TaskFailure):
        # a failure is a failure: the executor's wording (worker addresses) is not the result
        out.append(f"TaskFailure({obj.key!r})")
    elif hasattr(obj, "dtype") and hasattr(obj, "tobytes") and hasattr(obj, "shape"):
        out.append(f"array({obj.dtype},{tuple(obj.shape)},{obj.tobytes().hex()})")
    else:
        if id(obj) in active:
            raise ConfigurationError("a sweep result refers to itself; it has no digest")
        active.add(id(obj))
        if isinstance(obj, (list, tuple)):
            out.append(type(obj).__name__ + "[")
            for x in obj:
                _canonical(x, out, active)
                out.append(",")
            out.append("]")
        elif isinstance(obj, (set, frozenset)):
            parts = sorted(_text(x, active) for x in obj)
            out.append("set{" + ",".join(parts) + "}")
        elif isinstance(obj, Mapping):
            parts = sorted(_text(k, active) + ":" + _text(v, active) for k, v in obj.items())
            out.append("{" + ",".join(parts) + "}")
        elif is_dataclass(obj) and not isinstance(obj, type):
            out.append(type(obj).__qualname__ + "(")
            for f in fields(obj):
                out.append(f.name + "=")
                _canonical(getattr(obj, f.name), out, active)
                out.append(",")
            out.append(")")
        elif hasattr(obj, "__dict__") and not callable(obj):
            out.append(type(obj).__qualname__ + "(")
            _canonical(dict(vars(obj)), out, active)
            out.append(")")
        else:
            out.append(repr(obj))
        active.discard(id(obj))


def _text(obj: Any, active: set[int]) -> str:
    out: list[str] = []
    _canonical(obj, out, active)
    return "".join(out)


def digest(results: Iterable[Any]) -> str:
    """SHA-256 (hex) of a sweep's results, task by task, in their canonical form."""
    h = hashlib.sha256()
    tasks = results.tasks if isinstance(results, SweepResults) else None
    for i, value in enumerate(results):
        key = tasks[i].key if tasks is not None else str(i)
        h.update(f"{key}\0{_text(value, set())}\n".encode())
    return h.hexdigest()


def _progress_bar(total: int, desc: str, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm  # a widget in a notebook, text on a terminal
    except ImportError:  # the `sweep` extra is not installed: no bar, same results
        return None
    return tqdm(total=total, desc=desc, unit="task")


def sweep(
    fn: Callable[..., Any],
    grid_or_tasks: Iterable[Any] | Mapping[str, Any],
    *,
    executor: cf.Executor | Any = None,
    seed: int | str = 0,
    progress: bool = True,
    retries: int = 0,
) -> SweepResults:
    """Run `fn` once per task and return the results in task order.

    Each task calls `fn(**params, seed=task_seed)` (or `fn(args, seed=...)` for arguments
    that are not a dict), with a seed derived from `seed` and the task's key.  With
    `executor=None` tasks run here, one after another; otherwise they are submitted to the
    executor (a `ProcessPoolExecutor`, `distributed.Client(...).get_executor()` or the
    Client itself, Ray's), so `fn` and its arguments must pickle there.  A task that raises,
    or whose worker dies, is tried `retries` more times, then left as a `TaskFailure`; the
    other results are kept.
    """
    if int(retries) != retries or retries < 0:
        raise ConfigurationError(f"retries must be a whole number >= 0, not {retries!r}")
    if not isinstance(executor, cf.Executor) and hasattr(executor, "get_executor"):
        # a Dask Client: its executor runs the tasks
        executor = executor.get_executor()
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise ConfigurationError(
            f"executor must be a concurrent.futures.Executor, not {type(executor).__name__}"
        )
    tasks = make_tasks(grid_or_tasks, seed)
    values: list[Any] = [None] * len(tasks)
    name = getattr(fn, "__name__", None) or getattr(getattr(fn, "func", None), "__name__", None)
    bar = _progress_bar(len(tasks), name or "sweep", progress)
    try:
        if executor is None:
            for i, task in enumerate(tasks):
                values[i] = _in_process(fn, task, retries)
                if bar is not None:
                    bar.update()
        else:
            _on_executor(fn, tasks, values, executor, retries, bar)
    finally:
        if bar is not None:
            bar.close()
    return SweepResults(tasks, values)


def _in_process(fn: Callable[..., Any], task: Task, retries: int) -> Any:
    for attempt in range(1, retries + 2):
        try:
            return _run_task(fn, task, attempt)
        except Exception as exc:  # the task's own error becomes its record
            if attempt > retries:
                return TaskFailure.of(task.key, exc, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _on_executor(
    fn: Callable[..., Any],
    tasks: list[Task],
    values: list[Any],
    executor: cf.Executor,
    retries: int,
    bar: Any,
) -> None:
    pending: dict[cf.Future[Any], tuple[int, int]] = {}

    def submit(i: int, attempt: int) -> Exception | None:
        try:
            pending[executor.submit(_run_task, fn, tasks[i], attempt)] = (i, attempt)
        except Exception as exc:  # a broken or shut-down executor refuses new work
            return exc
        return None

    def record(i: int, value: Any) -> None:
        values[i] = value
        if bar is not None:
            bar.update()

    for i in range(len(tasks)):
        refused = submit(i, 1)
        if refused is not None:
            record(i, TaskFailure.of(tasks[i].key, refused, 0))
    try:
        while pending:
            done, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f]):
                i, attempt = pending.pop(future)
                try:
                    value = future.result()
                except BaseException as exc:  # the task's error, re-raised by the executor
                    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                        raise
                    if attempt <= retries and submit(i, attempt + 1) is None:
                        continue
                    value = TaskFailure.of(tasks[i].key, exc, attempt)
                record(i, value)
    finally:
        for future in pending:  # interrupted: do not leave work running on the cluster
            future.cancel()
