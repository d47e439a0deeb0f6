"""The host a flow runs on while it is exported: each verb suspends the flow until the
vendor's next webhook says how the verb ended (the continuation behind every export)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ...flow import verbs as V
from ...flow.api import Call
from ...flow.runtime import FlowSession

if TYPE_CHECKING:
    from ...sim.carrier import Carrier


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


def flow_of(source: Any, number: str | None, fmt: str) -> tuple[Any, str]:
    """The flow to export and its number: `source` is a flow, or a Carrier whose `number`
    is answered by a Python flow or a Tropo script."""
    from ...errors import ConfigurationError
    from ...sim.carrier import Carrier

    if isinstance(source, Carrier):
        if not number:
            raise ConfigurationError(f"give the number to export to {fmt}")
        num = source.normalize(number)
        app = source.apps.get(num)
        if app is None or app.kind not in ("python", "tropo"):
            raise ConfigurationError(f"{num} is not answered by a Python flow or a Tropo script")
        return app.target, num
    if callable(source):
        return source, number or "+15550100"
    raise ConfigurationError(f"export to {fmt} needs a Carrier or a flow, not {type(source)}")


@contextmanager
def keep_current() -> Iterator[None]:
    """Carriers made inside never become the session's current carrier (the one the
    magics act on): an export's scratch carrier is not the user's."""
    from ...sim.carrier import current, make_current

    previous = current()
    try:
        yield
    finally:
        if previous is not None:
            make_current(previous)


@contextmanager
def scratch_carrier(seed: int) -> Iterator[Carrier]:
    """A carrier of its own for one export's call (see `keep_current`)."""
    from ...sim.carrier import Carrier

    with keep_current():
        yield Carrier(seed=seed)


class Continuation:
    """A flow suspended between a vendor's webhooks: verbs that need no answer gather into
    one document, and the first that does (an input, a record, a dial) ends it; the next
    webhook resumes the flow with the outcome that verb would have had.  Subclasses say how
    a verb is written (`translate`) and what a webhook means (`outcome`)."""

    def __init__(self, flow: Callable[[Call], Any]):
        self.host = ContinuationHost()
        self.call = Call(self.host)
        self.session = FlowSession(lambda: flow(self.call), name="export")
        self.host.session = self.session
        self.pending: Any = None  # the verb whose outcome the next webhook brings
        self.notes: list[str] = []
        self.n = 0  # documents so far

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def translate(self, verb: Any) -> tuple[list[Any], bool]:
        """The vendor's verbs for `verb`, and whether the flow waits for their answer."""
        raise NotImplementedError

    def document(self, verb: Any) -> list[Any]:
        """Everything up to the next verb that waits (or the flow's end)."""
        self.n += 1
        parts: list[Any] = []
        while verb is not None:
            more, waits = self.translate(verb)
            parts += more
            if waits:
                self.pending = verb
                return parts
            if isinstance(verb, V.Hangup | V.Reject | V.Redirect):
                break
            verb = self.session.send(V.Done())
        self.pending = None
        return parts

    def hung_up(self) -> None:
        if not self.session.finished:
            self.host.details["state"] = "DISCONNECTED"
            self.session.stop("caller hung up")
