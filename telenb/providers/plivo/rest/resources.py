"""Plivo's REST resources as JSON: the Call object (a CDR), a live call, the Message object,
list pages and errors, shaped as Plivo's API reference writes them.

Times are the carrier's virtual clock on its fixed epoch (``yyyy-MM-dd HH:mm:ss+00:00``),
numbers are digits without the plus, and every answer carries an ``api_id``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ....sim.clock import EPOCH
from ..application import NAMESPACE, PlivoApplication, plivo_number
from ..messaging import error_code, kind, message_uuid, state

if TYPE_CHECKING:
    from ....sim.leg import Leg
    from ....sim.messaging import Message

PAGE_LIMIT = 20  # Plivo's default and largest page

# (leg.end_reason, status) -> Plivo's hangup cause code, name and source (Hangup Causes page)
_BY_SOURCE = {"caller": "Caller", "callee": "Call recipient", "api": "API Request",
              "flow": "Plivo", "network": "Carrier"}  # fmt: skip


class RestError(Exception):
    """A request Plivo answers with an error: its HTTP status and ``error`` text."""

    def __init__(self, status: int, error: str):
        super().__init__(error)
        self.status, self.error = status, error


def when(t: float | None) -> str | None:
    if t is None:
        return None
    return (EPOCH + timedelta(seconds=round(t))).strftime("%Y-%m-%d %H:%M:%S+00:00")


def request_uuid(leg: Leg) -> str:
    return str(uuid.uuid5(NAMESPACE, f"request:{leg.sid}"))


def hangup_cause(leg: Leg) -> tuple[int, str, str]:
    """(code, name, source) for an ended leg, from Plivo's list of hangup causes."""
    by = leg.end_reason or ""
    if by == "api":
        return (4000, "Normal Hangup", "API Request") if leg.answered else (
            1000, "Canceled", "API Request")  # fmt: skip
    if leg.answered and by in ("caller", "callee"):
        return 4000, "Normal Hangup", _BY_SOURCE[by]
    if leg.answered and by == "flow":
        return 4010, "End Of XML Instructions", "Plivo"
    return 0, "Unknown", _BY_SOURCE.get(by, "Unknown")


def call_json(papp: PlivoApplication, leg: Leg) -> dict[str, Any]:
    """The Call object of an ended call (its call detail record)."""
    call_uuid = papp.uuid(leg)
    code, name, source = hangup_cause(leg)
    seconds = round(leg.duration or 0)
    return {
        "answer_time": when(leg.answered_at),
        "api_id": papp.api_id(),
        "bill_duration": seconds,
        "billed_duration": 60 * -(-seconds // 60) if seconds else 0,  # per-minute billing
        "call_direction": "inbound" if leg.direction == "inbound" else "outbound",
        "call_duration": seconds,
        "call_state": "ANSWER" if leg.answered else "NO ANSWER",
        "call_uuid": call_uuid,
        "end_time": when(leg.ended_at),
        "from_number": plivo_number(leg.from_),
        "hangup_cause_code": code,
        "hangup_cause_name": name,
        "hangup_source": source,
        "initiation_time": when(leg.created),
        "parent_call_uuid": papp.uuid(leg.parent) if leg.parent is not None else None,
        "resource_uri": f"/v1/Account/{papp.auth_id}/Call/{call_uuid}/",
        "to_number": plivo_number(leg.to),
        "total_amount": "0.00000",
        "total_rate": "0.00000",
    }


def live_json(papp: PlivoApplication, leg: Leg) -> dict[str, Any]:
    """A call in progress, as the live-call API describes it."""
    return {
        "api_id": papp.api_id(),
        "call_status": "in-progress" if leg.answered else "ringing",
        "call_uuid": papp.uuid(leg),
        "caller_name": plivo_number(leg.from_),
        "direction": "inbound" if leg.direction == "inbound" else "outbound",
        "from": plivo_number(leg.from_),
        "request_uuid": request_uuid(leg),
        "session_start": when(leg.answered_at or leg.created),
        "to": plivo_number(leg.to),
    }


def message_json(papp: PlivoApplication, msg: Message) -> dict[str, Any]:
    """The Message object (message detail record)."""
    mid = message_uuid(msg)
    price = msg.price or 0
    return {
        "api_id": papp.api_id(),
        "error_code": error_code(msg),
        "from_number": plivo_number(msg.from_),
        "message_direction": "inbound" if msg.direction == "inbound" else "outbound",
        "message_state": state(msg),
        "message_time": when(msg.created),
        "message_type": kind(msg),
        "message_uuid": mid,
        "resource_uri": f"/v1/Account/{papp.auth_id}/Message/{mid}/",
        "to_number": plivo_number(msg.to),
        "total_amount": f"{price:.5f}",
        "total_rate": f"{price / max(msg.num_segments, 1):.5f}",
        "units": msg.num_segments,
    }


def page(papp: PlivoApplication, path: str, objects: list[dict[str, Any]], query: dict[str, str]
         ) -> dict[str, Any]:  # fmt: skip
    """One page of a list, with Plivo's meta (limit, offset, next, previous, total_count)."""
    try:
        limit = int(query.get("limit") or PAGE_LIMIT)
        offset = int(query.get("offset") or 0)
    except ValueError:
        raise RestError(400, "limit and offset must be integers") from None
    if not 0 < limit <= PAGE_LIMIT or offset < 0:
        raise RestError(400, "limit must be 1 to 20 and offset 0 or more")
    total = len(objects)
    base = f"/v1/Account/{papp.auth_id}/{path}/"
    nxt = f"{base}?limit={limit}&offset={offset + limit}" if offset + limit < total else None
    prev = f"{base}?limit={limit}&offset={max(offset - limit, 0)}" if offset > 0 else None
    for obj in objects:
        obj.pop("api_id", None)
    return {
        "api_id": papp.api_id(),
        "meta": {
            "limit": limit,
            "next": nxt,
            "offset": offset,
            "previous": prev,
            "total_count": total,
        },
        "objects": objects[offset : offset + limit],
    }
