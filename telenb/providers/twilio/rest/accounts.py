"""Subaccounts, offline: `/2010-04-01/Accounts` create, list, fetch and update.

A subaccount has its own SID and auth token (shown at creation, as Twilio's response shows
it); its credentials authenticate requests under its own SID only (the parent's SID with
them is Twilio's 20003), and the parent's credentials reach the subaccount too. The
simulator has one network: a subaccount's requests are answered by the same carrier, with
the subaccount's SID in every `account_sid` and `uri`. A suspended or closed subaccount
fails authentication (20003), as Twilio documents for accounts that are not active.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..account import API_VERSION, SimAccount
from .resources import RestError, page
from .state import rest_state

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

STATUSES = ("active", "suspended", "closed")


@dataclass
class SubAccount:
    sid: str
    auth_token: str
    friendly_name: str
    created: float
    updated: float
    status: str = "active"


def subaccounts(acct: SimAccount) -> dict[str, SubAccount]:
    return rest_state(acct).subaccounts


def account_json(acct: SimAccount, sub: SubAccount | None, token: bool = False) -> dict[str, Any]:
    sid = sub.sid if sub else acct.account_sid
    return {
        "auth_token": sub.auth_token if sub and token else "[not shown]",
        "date_created": acct.rfc2822(sub.created if sub else 0),
        "date_updated": acct.rfc2822(sub.updated if sub else 0),
        "friendly_name": sub.friendly_name
        if sub
        else f"telenb simulated account (seed {acct.carrier.seed})",
        "owner_account_sid": acct.account_sid,
        "sid": sid,
        "status": sub.status if sub else "active",
        "subresource_uris": {},
        "type": "Full",
        "uri": f"/{API_VERSION}/Accounts/{sid}.json",
    }


def authenticate_sub(acct: SimAccount, user: str, secret: str, account_sid: str) -> bool:
    """True when a subaccount's own credentials are used for its own SID; 20003 for them
    elsewhere or for an account that is not active; False when they are not a subaccount's."""
    sub = subaccounts(acct).get(user)
    if sub is None or sub.auth_token != secret:
        return False
    if account_sid != sub.sid or sub.status != "active":
        raise RestError(401, 20003)
    return True


def accounts_list(
    client: OfflineHttpClient, method: str, query: dict, form: dict, path: str
) -> tuple[int, Any]:
    """`/Accounts.json`: POST creates a subaccount, GET lists the account and its subs."""
    acct, now = client.account, client.carrier.clock.now
    subs = subaccounts(acct)
    if method == "POST":
        sid = client.carrier.sids.new("account")
        token = f"{random.Random(f'subaccount:{client.carrier.seed}:{sid}').getrandbits(128):032x}"
        name = form.get("FriendlyName") or f"SubAccount Created at {acct.rfc2822(now)}"
        sub = subs[sid] = SubAccount(sid, token, name, now, now)
        return 201, account_json(acct, sub, token=True)
    items = [account_json(acct, None), *(account_json(acct, s) for s in subs.values())]
    if query.get("FriendlyName"):
        items = [i for i in items if i["friendly_name"] == query["FriendlyName"]]
    if query.get("Status"):
        items = [i for i in items if i["status"] == query["Status"]]
    return 200, page("accounts", items, path, query)


def account_instance(
    client: OfflineHttpClient, method: str, sid: str, form: dict
) -> tuple[int, Any]:
    acct = client.account
    sub = subaccounts(acct).get(sid)
    if method == "POST":
        if sub is None:  # the main account's own status is not the API's to change here
            raise RestError(400, 20404, path=f"/{API_VERSION}/Accounts/{sid}.json")
        status = form.get("Status")
        if status is not None:
            if status not in STATUSES or sub.status == "closed":
                raise RestError(400, 20404, path=f"/{API_VERSION}/Accounts/{sid}.json")
            sub.status = status
        if "FriendlyName" in form:
            sub.friendly_name = form["FriendlyName"]
        sub.updated = client.carrier.clock.now
    return 200, account_json(acct, sub)
