"""Verify v2, offline: a code sent as a simulated SMS, then checked
(twilio.com/docs/verify/api).

`POST /v2/Services` (FriendlyName, CodeLength 4..10, default 6), `GET /v2/Services/{sid}`;
`POST .../Verifications` (To, Channel=sms) texts "Your {FriendlyName} verification code is:
{code}" to `To` on the carrier (the person's phone sees it in `carrier.messages`) and
answers `pending`; `POST .../VerificationCheck` (To or VerificationSid, Code) answers
`approved` for the right code, `pending` for a wrong one, 60202 after 5 wrong checks, and
20404 when nothing is pending (approved, expired after 10 minutes, or never sent). Codes come
from the carrier's seed, so a run is repeatable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ....errors import NumberError
from .resources import MESSAGES, RestError, not_found
from .state import rest_state

if TYPE_CHECKING:
    from .offline import OfflineHttpClient

MESSAGES.setdefault(60200, "Invalid parameter")
MESSAGES.setdefault(60202, "Max check attempts reached")
SENDER = "+15005550006"  # Twilio sends Verify texts from its own senders, not the account's
EXPIRY, MAX_CHECKS = 600.0, 5
ROOT = "https://verify.twilio.com/v2/Services"


@dataclass
class Service:
    sid: str
    friendly_name: str
    code_length: int
    created: float


@dataclass
class Verification:
    sid: str
    service: Service
    to: str
    channel: str
    code: str
    created: float
    status: str = "pending"
    checks: int = 0
    updated: float = 0.0
    attempts: list[float] = field(default_factory=list)


def _state(client: OfflineHttpClient) -> dict[str, Any]:
    return rest_state(client.account).verify


def _service_json(client: OfflineHttpClient, s: Service) -> dict[str, Any]:
    acct = client.account
    return {
        "account_sid": acct.account_sid,
        "code_length": s.code_length,
        "date_created": acct.datetime(s.created).isoformat().replace("+00:00", "Z"),
        "date_updated": acct.datetime(s.created).isoformat().replace("+00:00", "Z"),
        "friendly_name": s.friendly_name,
        "sid": s.sid,
        "url": f"{ROOT}/{s.sid}",
    }


def _verification_json(client: OfflineHttpClient, v: Verification) -> dict[str, Any]:
    acct = client.account

    def iso(t: float) -> str:
        return acct.datetime(t).isoformat().replace("+00:00", "Z")

    return {
        "account_sid": acct.account_sid,
        "amount": None,
        "channel": v.channel,
        "date_created": iso(v.created),
        "date_updated": iso(v.updated or v.created),
        "lookup": {},
        "payee": None,
        "send_code_attempts": [
            {"attempt_sid": f"VL{v.sid[2:]}", "channel": v.channel, "time": iso(t)}
            for t in v.attempts
        ],
        "service_sid": v.service.sid,
        "sid": v.sid,
        "status": v.status,
        "to": v.to,
        "url": f"{ROOT}/{v.service.sid}/Verifications/{v.sid}",
        "valid": v.status == "approved",
    }


def verify(
    client: OfflineHttpClient, method: str, path: str, query: dict, form: dict
) -> tuple[int, Any]:
    state, carrier, now = _state(client), client.carrier, client.carrier.clock.now
    seg = path.split("/")[1:]
    if seg[:2] != ["v2", "Services"]:
        raise not_found(path)
    services: dict[str, Service] = state.setdefault("services", {})
    pending: dict[str, Verification] = state.setdefault("verifications", {})
    if len(seg) == 2 and method == "POST":
        if not form.get("FriendlyName"):
            raise RestError(400, 60200)
        length = str(form.get("CodeLength", "6"))
        if not length.isdigit() or not 4 <= int(length) <= 10:
            raise RestError(400, 60200)
        sid = "VA" + carrier.sids.new("key")[2:]
        services[sid] = Service(sid, form["FriendlyName"], int(length), now)
        return 201, _service_json(client, services[sid])
    if len(seg) < 3 or seg[2] not in services:
        raise not_found(path)
    service = services[seg[2]]
    if len(seg) == 3 and method == "GET":
        return 200, _service_json(client, service)
    for v in pending.values():  # codes live ten minutes
        if v.status == "pending" and now - v.created > EXPIRY:
            v.status = "expired"
    if seg[3:] == ["Verifications"] and method == "POST":
        return 201, _send(client, service, form, pending)
    if seg[3:] == ["VerificationCheck"] and method == "POST":
        return 200, _check(client, service, form, pending, path)
    if len(seg) == 5 and seg[3] == "Verifications" and seg[4] in pending and method == "GET":
        return 200, _verification_json(client, pending[seg[4]])
    raise not_found(path)


def _send(
    client: OfflineHttpClient, service: Service, form: dict, pending: dict[str, Verification]
) -> dict[str, Any]:
    carrier, now = client.carrier, client.carrier.clock.now
    if form.get("Channel") != "sms" or not form.get("To"):
        raise RestError(400, 60200)
    try:
        to = carrier.normalize(form["To"])
    except NumberError:
        raise RestError(400, 60200) from None
    live = next((v for v in pending.values() if v.service is service and v.to == to
                 and v.status == "pending"), None)  # fmt: skip
    if live is None:  # a new code; sending again resends the same one, as Twilio does
        sid = "VE" + carrier.sids.new("key")[2:]
        rnd = random.Random(f"verify:{carrier.seed}:{sid}")
        code = "".join(str(rnd.randrange(10)) for _ in range(service.code_length))
        live = pending[sid] = Verification(sid, service, to, "sms", code, now)
    live.attempts.append(now)
    live.updated = now
    body = f"Your {service.friendly_name} verification code is: {live.code}"
    carrier.send_message(body, to=to, from_=SENDER)
    return _verification_json(client, live)


def _check(
    client: OfflineHttpClient, service: Service, form: dict, pending: dict[str, Verification],
    path: str,
) -> dict[str, Any]:  # fmt: skip
    if not form.get("Code") or not (form.get("To") or form.get("VerificationSid")):
        raise RestError(400, 60200)
    to = form.get("To")
    if to:
        try:
            to = client.carrier.normalize(to)
        except NumberError:
            raise RestError(400, 60200) from None
    live = next((v for v in pending.values() if v.service is service and v.status == "pending"
                 and (v.to == to or v.sid == form.get("VerificationSid"))), None)  # fmt: skip
    if live is None:
        raise RestError(404, 20404, path=path)
    if live.checks >= MAX_CHECKS:
        raise RestError(429, 60202)
    live.checks += 1
    live.updated = client.carrier.clock.now
    if form["Code"] == live.code:
        live.status = "approved"
    return _verification_json(client, live)
