"""What the offline REST API keeps beyond the simulator's own records, per account: one
bottom module that every resource module may import (none of them imports another's state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RestState:
    """What the REST API keeps beyond the simulator's own records."""

    applications: dict[str, Any] = field(default_factory=dict)  # SID -> Application
    keys: dict[str, Any] = field(default_factory=dict)  # SID -> ApiKey
    subaccounts: dict[str, Any] = field(default_factory=dict)  # SID -> accounts.SubAccount
    queue_created: dict[str, float] = field(default_factory=dict)
    verify: dict[str, Any] = field(default_factory=dict)  # Verify v2: services, verifications
    messaging: dict[str, Any] = field(default_factory=dict)  # services; message -> service
    call_recordings: dict[str, Any] = field(default_factory=dict)  # SID -> CallRecording


def rest_state(acct: Any) -> RestState:
    state = getattr(acct, "_rest_state", None)
    if state is None:
        state = RestState()
        setattr(acct, "_rest_state", state)  # noqa: B010 - lives and dies with the account
    return state


def service_of(acct: Any, message_sid: str) -> str | None:
    """The Messaging Service a message was sent through, if any."""
    state = getattr(acct, "_rest_state", None)
    return state.messaging.get("sent", {}).get(message_sid) if state else None
