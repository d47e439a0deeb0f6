"""What a TwiML verb hands back to the interpreter's document loop, shared by the
interpreter and the verbs that live in their own modules (dialing, queues)."""

from __future__ import annotations

NEXT = object()  # go on with the next verb of the document


class QueueExit(Exception):
    """Leaves the <Enqueue> wait loop: `result` is Twilio's QueueResult."""

    def __init__(self, result: str):
        self.result = result
        super().__init__(result)
