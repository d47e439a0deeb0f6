"""The host a flow runs on while it is exported: each verb suspends the flow until the
vendor's next webhook says how the verb ended (the continuation behind every export)."""

from __future__ import annotations

from typing import Any

from ...flow.runtime import FlowSession


class ContinuationHost:
    """The flow's host behind the continuation app: a verb suspends the flow's greenlet."""

    def __init__(self) -> None:
        self.session: FlowSession | None = None
        self.details: dict[str, Any] = {"state": "ANSWERED", "channel": "VOICE"}

    def perform(self, verb: Any) -> Any:
        assert self.session is not None
        return self.session.perform(verb)

    def trace(self, kind: str, /, **data: Any) -> None:
        pass  # the simulator's trace records what the exported document did

    def info(self) -> dict[str, Any]:
        return dict(self.details)
