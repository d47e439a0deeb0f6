"""Checks shared by the verbs: clear errors for wrong option names and values."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from ..errors import ConfigurationError, MessageError, UnknownOptionError
from ..sms.encoding import check_body
from .grammar import DTMF_KEYS


@cache
def valid_options(fn: Callable[..., Any]) -> tuple[str, ...]:
    params = inspect.signature(fn).parameters.values()
    return tuple(p.name for p in params if p.kind is p.KEYWORD_ONLY)


def reject_unknown(verb: str, method: Callable[..., Any], unknown: dict[str, Any]) -> None:
    if unknown:
        raise UnknownOptionError(
            verb, next(iter(unknown)), valid_options(getattr(method, "__func__", method))
        )


def text_arg(verb: str, text: Any, allow_empty: bool = True) -> str:
    if not isinstance(text, str):
        raise ConfigurationError(f"{verb}() needs text, got {type(text).__name__}: {text!r}")
    if not allow_empty and not text.strip():
        raise ConfigurationError(f"{verb}() needs some text; it was empty")
    return text


def sms_body(text: Any) -> str:
    """The SMS rules (telenb.sms): not empty or blank, no lone surrogates or control
    characters, at most 1,600 UTF-16 units; MessageError with Twilio's code otherwise."""

    if check_body(text).strip() == "":
        raise MessageError("message() needs some text; the body was only white space", code=21602)
    return text


def duration_arg(name: str, value: Any, allow_zero: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"{name} must be a number of seconds, not {value!r}") from None
    if v < 0 or (v == 0 and not allow_zero) or v != v:
        raise ConfigurationError(f"{name} must be a positive number of seconds, not {value!r}")
    return v


def pos_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or int(value) != value or int(value) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def keypad_key(name: str, value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) != 1 or value not in DTMF_KEYS:
        raise ConfigurationError(f"{name} must be one keypad key such as '#', not {value!r}")
    return value


def destinations(to: str | Sequence[str]) -> tuple[str, ...]:
    items = [to] if isinstance(to, str) else list(to)
    if not items or not all(isinstance(t, str) and t.strip() for t in items):
        raise ConfigurationError(f"give a destination number such as '+15550123', not {to!r}")
    return tuple(items)
