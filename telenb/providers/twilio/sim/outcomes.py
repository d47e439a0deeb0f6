"""What a TwiML verb hands back to the interpreter's document loop, shared by the
interpreter and the verbs that live in their own modules (dialing, queues)."""

from __future__ import annotations

from typing import Any

NEXT = object()  # go on with the next verb of the document


class QueueExit(Exception):
    """Leaves the <Enqueue> wait loop: `result` is Twilio's QueueResult."""

    def __init__(self, result: str):
        self.result = result
        super().__init__(result)


class ConferenceExit(Exception):
    """Leaves a conference's wait music: the room started, or it ended or dropped the call."""


def after_dial(interp: Any, method: str, action: str | None, extra: list, why: str = "dial") -> Any:
    """After <Dial> or <Enqueue>: Twilio requests the action when there is one (ignoring the
    answer if the caller hung up); without one, the document goes on while the caller is
    still there."""
    if interp.over:
        interp.notify(method, action, extra, why)
        return None
    if action:
        return interp.fetch(method, action, extra, why)
    return NEXT
