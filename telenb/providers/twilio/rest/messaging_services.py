"""Messaging Services with a number pool, offline (messaging.twilio.com/v1/Services).

Services: create (FriendlyName), fetch, list, delete; PhoneNumbers: add a number the
account owns by its PN SID (21421 for another), list, remove. Messages create with
`MessagingServiceSid` and no `From` sends from the pool: the number that last texted the
same person (sticky sender), else the first number of the recipient's country calling
code, else the first; 21701 for a service that does not exist, 21705 for a SID that is not
one, 21704 for an empty pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .resources import MESSAGES, RestError, not_found
from .state import rest_state

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

MESSAGES.setdefault(21701, "The Messaging Service does not exist")
MESSAGES.setdefault(21704, "The Messaging Service contains no phone numbers")
MESSAGES.setdefault(21705, "The Messaging Service is invalid")
ROOT = "https://messaging.twilio.com/v1/Services"


@dataclass
class MessagingService:
    sid: str
    friendly_name: str
    created: float
    numbers: list[str] = field(default_factory=list)  # E.164, in the order added
    sticky: dict[str, str] = field(default_factory=dict)  # recipient -> sender


def _services(client: OfflineHttpClient) -> dict[str, MessagingService]:
    return rest_state(client.account).messaging.setdefault("services", {})


def _iso(client: OfflineHttpClient, t: float) -> str:
    return client.account.datetime(t).isoformat().replace("+00:00", "Z")


def _page(key: str, items: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """Twilio's v1 list shape: the items under `key` and paging under `meta`."""
    return {
        key: items,
        "meta": {
            "first_page_url": f"{url}?PageSize=50&Page=0",
            "key": key,
            "next_page_url": None,
            "page": 0,
            "page_size": 50,
            "previous_page_url": None,
            "url": f"{url}?PageSize=50&Page=0",
        },
    }


def service_json(client: OfflineHttpClient, s: MessagingService) -> dict[str, Any]:
    url = f"{ROOT}/{s.sid}"
    return {
        "account_sid": client.account.account_sid,
        "date_created": _iso(client, s.created),
        "date_updated": _iso(client, s.created),
        "friendly_name": s.friendly_name,
        "links": {"phone_numbers": f"{url}/PhoneNumbers"},
        "sid": s.sid,
        "sticky_sender": True,
        "url": url,
    }


def _number_json(client: OfflineHttpClient, s: MessagingService, number: str) -> dict[str, Any]:
    entry = client.account.numbers[number]
    return {
        "account_sid": client.account.account_sid,
        "capabilities": ["SMS", "MMS", "Voice"],
        "country_code": "US" if number.startswith("+1") else None,
        "date_created": _iso(client, entry.created),
        "date_updated": _iso(client, entry.created),
        "phone_number": number,
        "service_sid": s.sid,
        "sid": entry.sid,
        "url": f"{ROOT}/{s.sid}/PhoneNumbers/{entry.sid}",
    }


def messaging(client: OfflineHttpClient, method: str, path: str, form: dict) -> tuple[int, Any]:
    seg = path.split("/")[1:]
    services = _services(client)
    if seg[:2] != ["v1", "Services"]:
        raise not_found(path)
    if len(seg) == 2:
        if method == "POST":
            if not form.get("FriendlyName"):
                raise RestError(400, 21705)
            sid = "MG" + client.carrier.sids.new("key")[2:]
            services[sid] = MessagingService(sid, form["FriendlyName"], client.carrier.clock.now)
            return 201, service_json(client, services[sid])
        items = [service_json(client, s) for s in services.values()]
        return 200, _page("services", items, ROOT)
    s = services.get(seg[2])
    if s is None:
        raise not_found(path)
    if len(seg) == 3:
        if method == "GET":
            return 200, service_json(client, s)
        if method == "DELETE":
            del services[s.sid]
            return 204, None
        raise not_found(path)
    if seg[3] != "PhoneNumbers" or len(seg) > 5:
        raise not_found(path)
    acct = client.account
    if len(seg) == 4:
        if method == "POST":
            wanted = form.get("PhoneNumberSid")
            entry = next((e for e in acct.numbers.values() if e.sid == wanted), None)
            if entry is None:
                raise RestError(400, 21421)
            if entry.phone_number not in s.numbers:
                s.numbers.append(entry.phone_number)
            return 201, _number_json(client, s, entry.phone_number)
        items = [_number_json(client, s, n) for n in s.numbers]
        return 200, _page("phone_numbers", items, f"{ROOT}/{s.sid}/PhoneNumbers")
    number = next((n for n in s.numbers if acct.numbers[n].sid == seg[4]), None)
    if number is None:
        raise not_found(path)
    if method == "GET":
        return 200, _number_json(client, s, number)
    if method == "DELETE":
        s.numbers.remove(number)
        return 204, None
    raise not_found(path)


def sender_for(client: OfflineHttpClient, service_sid: str, to: str) -> str:
    """The pool number a message from `service_sid` to `to` goes out from."""
    if not (service_sid.startswith("MG") and len(service_sid) == 34):
        raise RestError(400, 21705)
    s = _services(client).get(service_sid)
    if s is None:
        raise RestError(400, 21701)
    if not s.numbers:
        raise RestError(400, 21704)
    sender = s.sticky.get(to)
    if sender not in s.numbers:
        code = "+1" if to.startswith("+1") else to[:3]
        sender = next((n for n in s.numbers if n.startswith(code)), s.numbers[0])
    s.sticky[to] = sender
    return sender


def service_of(acct: Any, message_sid: str) -> str | None:
    state = getattr(acct, "_rest_state", None)
    return state.messaging.get("sent", {}).get(message_sid) if state else None


def remember(client: OfflineHttpClient, message_sid: str, service_sid: str) -> None:
    rest_state(client.account).messaging.setdefault("sent", {})[message_sid] = service_sid
