"""Work a call leaves behind for later: a transcription that arrives minutes after the
recording, say.  It runs on the carrier's clock like everything else, and a call's result
waits for it (`CallResult.settled`), so `carrier.call()` returns once it is done too."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .carrier import Carrier


class AfterWork:
    """Delayed work per call SID, scheduled on the carrier's current clock."""

    def __init__(self, carrier: Carrier) -> None:
        self._carrier = carrier
        self._pending: dict[str, int] = {}  # call SID -> pieces of work still to come

    def schedule(self, sid: str, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` `delay` seconds from now, on behalf of call `sid`."""

        def run() -> None:
            left = self._pending.get(sid, 1) - 1
            if left > 0:
                self._pending[sid] = left
            else:
                self._pending.pop(sid, None)
            fn(*args)

        self._pending[sid] = self._pending.get(sid, 0) + 1
        self._carrier.clock.schedule(delay, run)

    def pending(self, sids: list[str]) -> bool:
        """True while any of these calls still has work to come."""
        return any(sid in self._pending for sid in sids)
