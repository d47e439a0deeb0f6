"""AvailablePhoneNumbers, offline: numbers the simulated account can buy.

`/AvailablePhoneNumbers/{Country}/{Local|TollFree|Mobile}` with Twilio's filters
(`AreaCode`, `Contains` with digits, letters and `*`, `InRegion`, `InLocality`). The stock
is fictional and deterministic: in North America the 555-0100..0199 numbers of each area
code (reserved for fiction, never a real person's), with locality and region from
phonenumbers' geocoder; Mobile in GB is Ofcom's 07700 900xxx drama range. Numbers the
account or the carrier already has are not offered. Buying one is IncomingPhoneNumbers
create with its PhoneNumber.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..account import _friendly
from .resources import RestError, base, not_found, page

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

KINDS = {"Local": "local", "TollFree": "toll_free", "Mobile": "mobile"}
LOCAL_AREAS = ("212", "213", "312", "415", "510", "617", "646", "702", "718", "805")
TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")
KEYPAD = {c: d for d, letters in {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO",
          "7": "PQRS", "8": "TUV", "9": "WXYZ"}.items() for c in letters}  # fmt: skip
STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
    "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
    "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS",
    "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH",
    "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY", "Washington D.C.": "DC",
}  # fmt: skip


def _place(number: str) -> tuple[str | None, str | None]:
    """(locality, region) as the geocoder knows them: 'San Francisco, CA' -> both."""
    import phonenumbers
    from phonenumbers import geocoder

    text = geocoder.description_for_number(phonenumbers.parse(number), "en")
    if ", " in text:
        city, region = text.rsplit(", ", 1)
        return city, region
    return None, STATES.get(text)


def _area_exists(area: str) -> bool:
    import phonenumbers

    return phonenumbers.is_valid_number(phonenumbers.parse(f"+1{area}5550100"))


def _stock(country: str, kind: str, area: str | None) -> list[str]:
    if area is not None and not _area_exists(area):
        return []
    if country in ("US", "CA") and kind == "Local":
        areas: tuple[str, ...] = (area,) if area else LOCAL_AREAS
        return [f"+1{a}555{n:04d}" for a in areas for n in range(100, 200)]
    if country == "US" and kind == "TollFree":
        areas = (area,) if area else TOLL_FREE
        return [f"+1{a}555{n:04d}" for a in areas if a in TOLL_FREE for n in range(100, 200)]
    if country == "GB" and kind == "Mobile":
        return [f"+447700900{n:03d}" for n in range(100, 1000)]
    return []


def _pattern(contains: str) -> str:
    """Contains as a regular expression: letters are keypad digits, '*' any digit."""
    import re

    if not re.fullmatch(r"[0-9A-Za-z*+]{2,}", contains):
        raise RestError(400, 21421)
    out = ""
    for ch in contains.lstrip("+").upper():
        out += "[0-9]" if ch == "*" else KEYPAD.get(ch, ch)
    return out


def number_json(country: str, number: str) -> dict[str, Any]:
    locality, region = _place(number) if number.startswith("+1") else (None, None)
    return {
        "address_requirements": "none",
        "beta": False,
        "capabilities": {"MMS": True, "SMS": True, "voice": True, "fax": False},
        "friendly_name": _friendly(number),
        "iso_country": country,
        "lata": None,
        "latitude": None,
        "locality": locality,
        "longitude": None,
        "phone_number": number,
        "postal_code": None,
        "rate_center": locality.upper() if locality else None,
        "region": region,
    }


def available(
    client: OfflineHttpClient, method: str, rest: list[str], query: dict, path: str
) -> tuple[int, Any]:
    import re

    if method != "GET" or not rest or len(rest) > 2:
        raise not_found(path)
    country = rest[0].upper()
    acct = client.account
    if len(rest) == 1:  # the country resource
        uri = f"{base(acct.account_sid)}/AvailablePhoneNumbers/{country}"
        return 200, {
            "beta": False,
            "country": country,
            "country_code": country,
            "subresource_uris": {k: f"{uri}/{k}.json" for k in KINDS},
            "uri": f"{uri}.json",
        }
    kind = rest[1]
    if kind not in KINDS:
        raise not_found(path)
    area = query.get("AreaCode")
    if area is not None and not (area.isdigit() and len(area) == 3):
        raise RestError(400, 21451)
    taken = set(acct.numbers) | set(client.carrier.apps)
    numbers = [n for n in _stock(country, kind, area) if n not in taken]
    if "Contains" in query:
        rx = re.compile(_pattern(query["Contains"]))
        numbers = [n for n in numbers if rx.search(n.lstrip("+"))]
    items = [number_json(country, n) for n in numbers]
    if query.get("InRegion"):
        items = [i for i in items if i["region"] == query["InRegion"].upper()]
    if query.get("InLocality"):
        items = [i for i in items if (i["locality"] or "").lower() == query["InLocality"].lower()]
    if not _stock(country, kind, None):
        raise not_found(path)
    return 200, page("available_phone_numbers", items, path, query)
