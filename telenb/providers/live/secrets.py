"""Credentials from the environment, masked wherever they could be shown.

A secret never appears in a repr, a log line, an error or a dry run: `mask` shows a prefix
and a length at most, `Secret` holds one value and refuses to be printed or pickled, and
`require` names the environment variable to set, never a value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ...errors import ConfigurationError


def mask(secret: str | None) -> str:
    """'4f2a…' style: enough to tell two secrets apart, never enough to use one."""
    if not secret:
        return "<unset>"
    return f"{secret[:4]}…({len(secret)} chars)" if len(secret) > 8 else "****"


class Secret:
    """One secret value: `reveal()` is the only way to read it (for signing and auth)."""

    __slots__ = ("_value", "name")

    def __init__(self, name: str, value: str):
        self.name = name
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"<{self.name} {'****' if self._value else '<unset>'}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:  # never pickled into a notebook or a file
        raise TypeError(f"{self.name} cannot be pickled")


def environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def optional(env: Mapping[str, str], *names: str) -> tuple[str, str] | None:
    """(name, value) of the first of `names` that is set, or None."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return name, value
    return None


def require(env: Mapping[str, str], *names: str, why: str) -> tuple[str, str]:
    """(name, value) of the first of `names` that is set; otherwise a ConfigurationError
    naming the variable(s) to set and `why` (never a value)."""
    found = optional(env, *names)
    if found is None:
        alias = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
        raise ConfigurationError(f"set the environment variable {names[0]}{alias} {why}")
    return found
