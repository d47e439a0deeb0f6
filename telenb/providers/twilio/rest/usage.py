"""Usage Records, offline: `/Usage/Records.json` from the carrier's own records.

Categories `calls`, `calls-inbound`, `calls-outbound` (count of call legs that were answered
and minutes, each leg rounded up to the minute as Twilio bills), and `sms`, `sms-inbound`,
`sms-outbound` (count of segments, priced with the carrier's message prices). The carrier
has no call prices, so calls' `price` is null. `Category`, `StartDate` and `EndDate`
(YYYY-MM-DD, on the account's clock) filter, as on Twilio.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..account import API_VERSION, SimAccount
from .resources import base, not_found, page

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

CATEGORIES = {
    "calls": ("Voice Minutes", "calls", "minutes"),
    "calls-inbound": ("Inbound Voice Minutes", "calls", "minutes"),
    "calls-outbound": ("Outbound Voice Minutes", "calls", "minutes"),
    "sms": ("SMS Messages", "messages", "messages"),
    "sms-inbound": ("Inbound SMS Messages", "messages", "messages"),
    "sms-outbound": ("Outbound SMS Messages", "messages", "messages"),
}


def _day(acct: SimAccount, t: float) -> date:
    return acct.datetime(t).date()


def _parse(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None  # an unreadable date does not narrow the records


def usage(
    client: OfflineHttpClient, method: str, rest: list[str], query: dict, path: str
) -> tuple[int, Any]:
    if method != "GET" or rest != ["Records"]:
        raise not_found(path)
    acct = client.account
    start, end = _parse(query.get("StartDate")), _parse(query.get("EndDate"))

    def within(t: float) -> bool:
        d = _day(acct, t)
        return (start is None or d >= start) and (end is None or d <= end)

    legs = [leg for leg in client.carrier.legs if leg.answered_at is not None and leg.ended
            and within(leg.created)]  # fmt: skip
    msgs = [m for m in client.carrier.messages if within(m.created)]
    rows = []
    for category, (description, count_unit, usage_unit) in CATEGORIES.items():
        if category.startswith("calls"):
            chosen = [leg for leg in legs if _direction_ok(category, leg.direction)]
            count = len(chosen)
            amount = sum(math.ceil(max(leg.duration, 0.0) / 60) for leg in chosen)
            price: Decimal | None = None
        else:
            texts = [m for m in msgs if _direction_ok(category, m.direction)]
            count = sum(m.num_segments for m in texts)
            amount = count
            price = sum((m.price or Decimal(0) for m in texts), Decimal(0))
        rows.append(_row(acct, category, description, count, count_unit, amount, usage_unit,
                         price, start, end))  # fmt: skip
    if query.get("Category"):
        rows = [r for r in rows if r["category"] == query["Category"]]
    return 200, page("usage_records", rows, path, query)


def _direction_ok(category: str, direction: str) -> bool:
    if category.endswith("-inbound"):
        return direction == "inbound"
    if category.endswith("-outbound"):
        return direction.startswith("outbound")
    return True


def _row(acct: SimAccount, category: str, description: str, count: int, count_unit: str,
         amount: int, usage_unit: str, price: Decimal | None, start: date | None,
         end: date | None) -> dict[str, Any]:  # fmt: skip
    today = _day(acct, acct.carrier.clock.now)
    first = start or _day(acct, 0)
    last = end or today
    query = f"Category={category}&StartDate={first.isoformat()}&EndDate={last.isoformat()}"
    return {
        "account_sid": acct.account_sid,
        "api_version": API_VERSION,
        "as_of": acct.datetime().isoformat(),
        "category": category,
        "count": str(count),
        "count_unit": count_unit,
        "description": description,
        "end_date": last.isoformat(),
        "price": None if price is None else f"{price:.5f}",
        "price_unit": "usd",
        "start_date": first.isoformat(),
        "subresource_uris": {},
        "uri": f"{base(acct.account_sid)}/Usage/Records.json?{query}",
        "usage": str(amount),
        "usage_unit": usage_unit,
    }
