"""Results of verbs, shaped as Tropo's events: `name`, `value`, `attempt`, `choice.*`.

Events are always truthy, because Tropo scripts chain handlers with `and`
(``event.onChoice("sales", f) and event.onBadChoice(g)``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ChoiceInfo:
    concept: str | None = None
    interpretation: str | None = None
    utterance: str | None = None
    confidence: float | None = None
    mode: str | None = None  # speech, dtmf, text

    @property
    def xml(self) -> None:  # Tropo exposed NLSML here; nothing to show offline
        return None


class Event:
    """The result of a verb.  Python names and Tropo's camelCase both work."""

    __slots__ = ("attempt", "call", "choice", "data", "name", "recording", "value")

    def __init__(
        self,
        name: str,
        value: Any = None,
        attempt: int = 1,
        choice: ChoiceInfo | None = None,
        recording: Any = None,
        call: Any = None,
        **data: Any,
    ):
        self.name = name
        self.value = value
        self.attempt = attempt
        self.choice = choice if choice is not None else ChoiceInfo()
        self.recording = recording
        self.call = call
        self.data = data

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        bits = [f"name={self.name!r}"]
        if self.value is not None:
            bits.append(f"value={self.value!r}")
        bits.append(f"attempt={self.attempt}")
        if self.choice.confidence is not None:
            bits.append(f"confidence={self.choice.confidence:.2f}")
        return f"Event({', '.join(bits)})"

    def __getattr__(self, key: str) -> Any:
        try:
            return self.data[key]
        except KeyError:
            raise AttributeError(f"Event has no attribute {key!r}") from None

    # -- Tropo names --------------------------------------------------------------------------
    @property
    def recordURI(self) -> str | None:
        return getattr(self.recording, "url", None)

    @property
    def record_uri(self) -> str | None:
        return self.recordURI

    def onChoice(self, value: str, fn: Callable[..., Any]) -> bool:
        if self.name == "choice" and self.value == value:
            call_handler(fn, self)
        return True

    def onBadChoice(self, fn: Callable[..., Any]) -> bool:
        return self._on("badChoice", fn)

    def onTimeout(self, fn: Callable[..., Any]) -> bool:
        return self._on("timeout", fn)

    def onHangup(self, fn: Callable[..., Any]) -> bool:
        return self._on("hangup", fn)

    def onError(self, fn: Callable[..., Any]) -> bool:
        return self._on("error", fn)

    def _on(self, name: str, fn: Callable[..., Any]) -> bool:
        if self.name == name:
            call_handler(fn, self)
        return True


def call_handler(fn: Callable[..., Any] | None, event: Event) -> Any:
    """Call a handler with the event, or with nothing if it takes no argument (Tropo allowed
    both `lambda: say(...)` and `lambda event: ...`)."""
    if fn is None:
        return None
    if _wants_event(fn):
        return fn(event)
    return fn()


def _wants_event(fn: Callable[..., Any]) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return True
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL,):
            return True
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            return True
    return False
