"""Telling CPython's cyclic collector not to scan records that cannot be in a cycle.

The collector already does this for tuples and dicts holding only atoms; a finished call
record (`Leg`) or a trace event holding only strings, numbers and such dicts is as safe, and a
run of a million calls would otherwise spend half its time rescanning them.  Where ctypes
cannot reach the C API (another interpreter) both functions do nothing.
"""

from __future__ import annotations

from collections.abc import Callable


def _api() -> tuple[Callable[[object], None], Callable[[object], None]]:
    try:
        import ctypes

        untrack, track = ctypes.pythonapi.PyObject_GC_UnTrack, ctypes.pythonapi.PyObject_GC_Track
    except (ImportError, AttributeError):
        return (lambda obj: None), (lambda obj: None)
    for fn in (untrack, track):
        fn.argtypes, fn.restype = [ctypes.py_object], None
    return untrack, track


# untrack(obj): harmless on an untracked object; track(obj): only on an untracked one
untrack, track = _api()
