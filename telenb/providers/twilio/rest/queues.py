"""Queues and their Members, offline (twilio.com/docs/voice/api/queue-resource).

The queues are the ones `<Enqueue>` fills on the simulator (made by name on first use) and
those created here (`MaxSize` 1000 by default, 5000 at most). Members list the waiting
callers in order; fetching `Front` gives the first; updating a member with `Url` dequeues
it and runs that TwiML on its call, as Twilio does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..account import SimAccount
from ..sim.interpreter import TwimlApp
from .calls import http_method
from .resources import RestError, base, not_found, page
from .state import rest_state

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

DEFAULT_SIZE, MAX_SIZE = 1000, 5000


def _created(acct: SimAccount, sid: str) -> float:
    """When a queue was first seen by the API (<Enqueue> queues: when first listed)."""
    times = rest_state(acct).queue_created
    return times.setdefault(sid, acct.carrier.clock.now)


def queue_json(acct: SimAccount, q: Any) -> dict[str, Any]:
    now = acct.carrier.clock.now
    waits = [now - m.enqueued_at for m in q.members]
    created = acct.rfc2822(_created(acct, q.sid))
    return {
        "account_sid": acct.account_sid,
        "average_wait_time": round(sum(waits) / len(waits)) if waits else 0,
        "current_size": len(q.members),
        "date_created": created,
        "date_updated": created,
        "friendly_name": q.name,
        "max_size": q.max_size,
        "sid": q.sid,
        "uri": f"{base(acct.account_sid)}/Queues/{q.sid}.json",
    }


def member_json(acct: SimAccount, q: Any, m: Any) -> dict[str, Any]:
    return {
        "call_sid": m.leg.sid,
        "date_enqueued": acct.rfc2822(m.enqueued_at),
        "position": q.position(m),
        "queue_sid": q.sid,
        "uri": f"{base(acct.account_sid)}/Queues/{q.sid}/Members/{m.leg.sid}.json",
        "wait_time": round(acct.carrier.clock.now - m.enqueued_at),
    }


def _size(form: dict) -> int | None:
    if "MaxSize" not in form:
        return None
    value = str(form["MaxSize"])
    return min(max(int(value), 1), MAX_SIZE) if value.isdigit() else None


def queues(
    client: OfflineHttpClient, method: str, rest: list[str], query: dict, form: dict, path: str
) -> tuple[int, Any]:
    acct = client.account
    if not rest:
        if method == "POST":
            name = form.get("FriendlyName") or ""
            q = acct.queue(name, _size(form) or DEFAULT_SIZE)
            _created(acct, q.sid)
            return 201, queue_json(acct, q)
        items = [queue_json(acct, q) for q in acct.queues.values()]
        return 200, page("queues", items, path, query)
    q = next((q for q in acct.queues.values() if q.sid == rest[0]), None)
    if q is None:
        raise not_found(path)
    if len(rest) > 1:
        if rest[1] != "Members" or len(rest) > 3:
            raise not_found(path)
        return _members(client, q, method, rest[2:], query, form, path)
    if method == "GET":
        return 200, queue_json(acct, q)
    if method == "POST":
        size = _size(form)
        if size is not None:
            q.max_size = size
        if form.get("FriendlyName"):
            acct.queues[form["FriendlyName"]] = acct.queues.pop(q.name)
            q.name = form["FriendlyName"]
        return 200, queue_json(acct, q)
    if method == "DELETE":
        del acct.queues[q.name]
        return 204, None
    raise not_found(path)


def _members(
    client: OfflineHttpClient, q: Any, method: str, rest: list[str], query: dict, form: dict,
    path: str,
) -> tuple[int, Any]:  # fmt: skip
    acct = client.account
    if not rest:
        if method != "GET":
            raise not_found(path)
        return 200, page("queue_members", [member_json(acct, q, m) for m in q.members], path, query)
    wanted = rest[0]
    member = q.take() if wanted == "Front" else next(
        (m for m in q.members if m.leg.sid == wanted), None
    )  # fmt: skip
    if member is None:
        raise not_found(path)
    if method == "GET":
        return 200, member_json(acct, q, member)
    if method == "POST":
        url = form.get("Url")
        if not url:
            raise RestError(400, 21205)
        body = member_json(acct, q, member)
        q.leave(member, "dequeued")
        app = TwimlApp(acct, url, method=http_method(form, "Method"))
        client.carrier.redirect_call(member.leg, app, name="twiml")
        body["position"] = 0  # no longer waiting, as Twilio's answer says of a dequeued member
        return 200, body
    raise not_found(path)
