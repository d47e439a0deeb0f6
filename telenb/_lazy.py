"""Lazy package exports (PEP 562): a public name imports its module on first use, so
``import telenb`` and ``%load_ext telenb`` stay fast."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from typing import Any


def lazy_exports(
    package: str, exports: dict[str, str], extra: Iterable[str] = ()
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """`__all__`, `__getattr__` and `__dir__` for `package`; `exports` maps each public name
    to its module (absolute, or relative to the package with a leading dot)."""
    names = sorted([*exports, *extra])

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)  # later lookups skip this hook
        return value

    def __dir__() -> list[str]:
        return names

    return names, __getattr__, __dir__
