"""SIP final responses as Twilio's call statuses (the shape of the simulator's trace).

Twilio documents a call's status as queued, initiated, ringing, in-progress, completed,
busy, no-answer, canceled or failed; RFC 3261 ends a dialog or an attempt with a status
code.  The mapping follows what each code means for the person calling.
"""

from __future__ import annotations

from typing import Any

BUSY = frozenset({486, 600, 603})  # Busy Here, Busy Everywhere, Decline
NO_ANSWER = frozenset({408, 480})  # Request Timeout, Temporarily Unavailable
CANCELED = 487  # Request Terminated: the INVITE was CANCELled
REJECT_CODE = {"busy": 486, "rejected": 603}  # a flow's reject(reason) on the wire


def final_status(call: Any, code: int, reason: str = "") -> tuple[str, str | None]:
    """(status, cause) for a call that ended with SIP `code` (0: no final response)."""
    if call.answered:
        return "completed", None
    if call.rejected == "not-found":
        return "failed", "no flow answers this user (SIP 404)"
    if call.rejected is not None:  # as the simulator: busy for busy, no-answer for rejected
        status = "busy" if call.rejected == "busy" else "no-answer"
        return status, f"rejected ({call.rejected})"
    cause = f"SIP {code} {reason}".strip() if code else (reason or None)
    if code == CANCELED or (call.direction == "inbound" and code in (0, 200)):
        return "canceled", cause
    if code in BUSY:
        return "busy", cause
    if code in NO_ANSWER:
        return "no-answer", cause
    return "failed", cause
