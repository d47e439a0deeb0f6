"""Conferences and their Participants, offline (twilio.com/docs/voice/api/conference-resource,
.../conference-participant-resource).

Conferences are the simulator's rooms (`<Dial><Conference>`): list (Status, FriendlyName
filters), fetch, and update `Status=completed` to end one (everyone's `<Dial>` ends and their
TwiML goes on). Participants: list, fetch, update `Muted` and `Hold` (a held participant
neither speaks to nor hears the room), delete to kick (the kicked call's TwiML goes on after
its `<Dial>`), and create, which calls `To` from `From` and joins the call to the room once
answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ...docverbs.conference import drop
from ..account import API_VERSION, SimAccount
from .calls import create_call
from .resources import RestError, base, not_found, page

if TYPE_CHECKING:
    from .offline import OfflineHttpClient


def _rooms(client: OfflineHttpClient) -> list[Any]:
    return list(client.carrier.conferences.values())


def conference_json(acct: SimAccount, room: Any) -> dict[str, Any]:
    uri = f"{base(acct.account_sid)}/Conferences/{room.sid}"
    updated = room.ended_at if room.ended_at is not None else room.created
    return {
        "account_sid": acct.account_sid,
        "api_version": API_VERSION,
        "call_sid_ending_conference": room.ended_by,
        "date_created": acct.rfc2822(room.created),
        "date_updated": acct.rfc2822(updated),
        "friendly_name": room.name,
        "reason_conference_ended": room.end_reason if room.status == "completed" else None,
        "region": "us1",
        "sid": room.sid,
        "status": room.status,
        "subresource_uris": {
            "participants": f"{uri}/Participants.json",
            "recordings": f"{uri}/Recordings.json",
        },
        "uri": f"{uri}.json",
    }


def participant_json(acct: SimAccount, room: Any, part: dict[str, Any]) -> dict[str, Any]:
    leg = part["leg"]
    return {
        "account_sid": acct.account_sid,
        "call_sid": leg.sid,
        "call_sid_to_coach": None,
        "coaching": False,
        "conference_sid": room.sid,
        "date_created": acct.rfc2822(part["joined"]),
        "date_updated": acct.rfc2822(part.get("updated", part["joined"])),
        "end_conference_on_exit": bool(getattr(part["op"], "owner", None)
                                       and part["op"].owner.end_on_exit),
        "hold": bool(part.get("hold")),
        "label": part.get("label"),
        "muted": bool(part["muted"]),
        "queue_time": None,
        "start_conference_on_enter": True,
        "status": "connected",
        "uri": f"{base(acct.account_sid)}/Conferences/{room.sid}/Participants/{leg.sid}.json",
    }  # fmt: skip


def _truth(value: Any) -> bool:
    return str(value).lower() == "true"


def conferences(
    client: OfflineHttpClient, method: str, rest: list[str], query: dict, form: dict, path: str
) -> tuple[int, Any]:
    acct = client.account
    if not rest:
        if method != "GET":
            raise not_found(path)
        rooms = [r for r in _rooms(client) if query.get("Status") in (None, r.status)]
        rooms = [r for r in rooms if query.get("FriendlyName") in (None, r.name)]
        items = [conference_json(acct, r) for r in reversed(rooms)]
        return 200, page("conferences", items, path, query)
    room = next((r for r in _rooms(client) if r.sid == rest[0]), None)
    if room is None:
        raise not_found(path)
    if len(rest) > 1:
        if rest[1] != "Participants" or len(rest) > 3:
            raise not_found(path)
        return _participants(client, room, method, rest[2:], query, form, path)
    if method == "GET":
        return 200, conference_json(acct, room)
    if method == "POST":
        if form.get("Status") == "completed" and room.status != "completed":
            room.end_reason = "conference-ended-via-api"
            for part in list(room.participants.values()):
                drop(room, part, "the conference ended", "conference-ended")
        return 200, conference_json(acct, room)
    raise not_found(path)


def _participants(
    client: OfflineHttpClient, room: Any, method: str, rest: list[str], query: dict, form: dict,
    path: str,
) -> tuple[int, Any]:  # fmt: skip
    acct, now = client.account, client.carrier.clock.now
    if not rest:
        if method == "POST":
            return 201, _add(client, room, form)
        parts = list(room.participants.values())
        if "Muted" in query:
            parts = [p for p in parts if bool(p["muted"]) == _truth(query["Muted"])]
        if "Hold" in query:
            parts = [p for p in parts if bool(p.get("hold")) == _truth(query["Hold"])]
        items = [participant_json(acct, room, p) for p in parts]
        return 200, page("participants", items, path, query)
    part = room.participants.get(rest[0]) or next(
        (p for p in room.participants.values() if p.get("label") == rest[0]), None
    )
    if part is None:
        raise not_found(path)
    if method == "GET":
        return 200, participant_json(acct, room, part)
    if method == "POST":
        changed = []
        for field, key, on, off in (
            ("Muted", "muted", "mute", "unmute"),
            ("Hold", "hold", "hold", "unhold"),
        ):
            if field in form and bool(part.get(key)) != _truth(form[field]):
                part[key] = _truth(form[field])
                changed.append(on if part[key] else off)
        part["updated"] = now
        part["leg"].trace("conference", action="update", room=room.name,
                          muted=bool(part["muted"]), hold=bool(part.get("hold")))  # fmt: skip
        for event in changed:  # the room's statusCallback hears participant-mute, -hold...
            room.notify(event, part["leg"])
        return 200, participant_json(acct, room, part)
    if method == "DELETE":  # kicked: the call's TwiML goes on after its <Dial>
        drop(room, part, "kicked", "kicked")
        return 204, None
    raise not_found(path)


def _add(client: OfflineHttpClient, room: Any, form: dict) -> dict[str, Any]:
    """Participants create: call `To` and put the answered call in the room."""
    if not form.get("From"):
        raise RestError(400, 21213)
    if not form.get("To"):
        raise RestError(400, 21201)
    muted = ' muted="true"' if _truth(form.get("Muted")) else ""
    end = ' endConferenceOnExit="true"' if _truth(form.get("EndConferenceOnExit")) else ""
    room_twiml = f"<Conference{muted}{end}>{escape(room.name)}</Conference>"
    twiml = f"<Response><Dial>{room_twiml}</Dial></Response>"
    call_form = {"To": form["To"], "From": form["From"], "Twiml": twiml}
    for key in ("Timeout", "StatusCallback", "StatusCallbackMethod", "StatusCallbackEvent"):
        if key in form:
            call_form[key] = form[key]
    call = create_call(client, call_form, False)
    leg = client.carrier.find_leg(call["sid"])
    label = form.get("Label")
    body = participant_json(
        client.account, room,
        {"leg": leg, "op": None, "muted": _truth(form.get("Muted")), "joined": leg.created,
         "label": label},
    )  # fmt: skip
    body["status"] = "queued"
    body["end_conference_on_exit"] = _truth(form.get("EndConferenceOnExit"))
    return body
