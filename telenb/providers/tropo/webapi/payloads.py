"""What Tropo POSTed to a WebAPI app: the session JSON that starts it and the result JSON
sent to each ``on`` event's `next` URL.

Shapes follow Tropo's reference (https://www.tropo.com/docs/webapi/session and
.../result): ids are 32 hex digits, ``to``/``from`` carry ``id`` (the number as Tropo showed
it, North American numbers without +1), ``name``, ``channel`` (VOICE or TEXT) and
``network``; a token-launched session has ``userType`` NONE, no call and the launch
``parameters`` (``token``, ``action: create`` and the caller's own).  A result carries one
action as an object and several as a list, and leaves ``actions`` out when there are none.
Everything is derived from the carrier's seed and virtual clock: same seed, same JSON.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from ....flow.tropo import national

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)  # virtual time 0, as a date


def tropo_id(*parts: Any) -> str:
    """A 32-hex-digit id, the same for the same parts (Tropo's session and call ids)."""
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]


def timestamp(seconds: float) -> str:
    """Virtual time as Tropo's ISO 8601 UTC timestamp with milliseconds."""
    when = EPOCH + timedelta(seconds=round(seconds, 3))
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def party(number: str | None, channel: str, network: str, name: str | None = None) -> dict:
    return {
        "id": national(number) or "",
        "name": name or number or "unknown",
        "channel": channel,
        "network": network,
    }


def session_json(
    *,
    session_id: str,
    account_id: str,
    now: float,
    call_id: str | None,
    to: dict | None = None,
    from_: dict | None = None,
    headers: dict[str, str] | None = None,
    initial_text: str | None = None,
    parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ``{"session": ...}`` object for a new session (a call, a text or a token launch)."""
    session: dict[str, Any] = {
        "id": session_id,
        "accountId": account_id,
        "timestamp": timestamp(now),
        "userType": "NONE" if parameters is not None else "HUMAN",
        "initialText": initial_text,
        "callId": call_id,
    }
    if to is not None:
        session["to"] = to
    if from_ is not None:
        session["from"] = from_
    if headers is not None:
        session["headers"] = dict(headers)
    if parameters is not None:
        session["parameters"] = dict(parameters)
    return {"session": session}


def result_json(
    *,
    session_id: str,
    call_id: str | None,
    state: str,
    duration: float,
    sequence: int,
    actions: list[dict[str, Any]],
    error: str | None = None,
    called_id: str | None = None,
) -> dict[str, Any]:
    """The ``{"result": ...}`` object posted to an event's `next` URL."""
    result: dict[str, Any] = {
        "sessionId": session_id,
        "callId": call_id,
        "state": state,
        "sessionDuration": int(duration),
        "sequence": sequence,
        "complete": True,
        "error": error,
    }
    if called_id:
        result["calledid"] = national(called_id)
    if actions:
        result["actions"] = actions[0] if len(actions) == 1 else list(actions)
    return {"result": result}


def ask_action(name: str | None, event: Any) -> dict[str, Any]:
    """An ask's entry in ``actions``, from the flow's event (choice, badChoice, timeout...)."""
    disposition = {
        "choice": "SUCCESS",
        "badChoice": "NOMATCH",
        "timeout": "TIMEOUT",
        "hangup": "HANGUP",
    }.get(event.name, "FAILED")
    info = event.choice
    action: dict[str, Any] = {
        "name": name,
        "attempts": event.attempt,
        "disposition": disposition,
    }
    if event.name in ("choice", "badChoice"):
        confidence = 1.0 if info.mode == "dtmf" else float(info.confidence or 0.0)
        action.update(
            confidence=round(confidence * 100),
            interpretation=info.interpretation,
            utterance=info.utterance,
        )
    if event.name == "choice":
        action.update(value=event.value, concept=info.concept or event.value)
    return action
