"""Twilio's REST API, answered by the simulated carrier: give the real SDK this HTTP client.

    from twilio.rest import Client
    client = Client(acct.account_sid, acct.auth_token, http_client=OfflineHttpClient(carrier))
    call = client.calls.create(to="+15550123", from_="+15550100", url="https://app.test/voice")
    carrier.run()                                    # virtual time moves only when asked
    client.calls(call.sid).fetch().status            # 'completed'

Nothing goes on the network.  Calls (create, fetch, list, update with Url/Twiml/Status,
delete), Messages (create, fetch, list, delete), IncomingPhoneNumbers (list, create, fetch,
update, delete: buying a number registers it on the carrier with its voice URL), Recordings
(fetch, list, delete; a live call's Recordings started, paused, resumed and stopped, see
`call_recordings`) and the Account are served; anything else answers 404 (20404).  Credentials
are checked: the account's auth token or API keys (live), or the test pair, with which
Twilio's magic numbers (+15005550006 ...) give their documented errors and nothing is
placed or sent.  Each request is added to the carrier's trace as a ``rest`` event.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from twilio.http import HttpClient
from twilio.http.request import Request as TwilioRequest
from twilio.http.response import Response

from ...webhooks.deadline import on_caller_thread
from ..account import API_VERSION, SimAccount, twilio_account
from . import media
from .accounts import account_instance, accounts_list, authenticate_sub, subaccounts
from .applications import applications, keys
from .available import available
from .call_recordings import call_recordings, in_progress
from .calls import buy_number, configure_number, create_call, create_message, update_call
from .conferences import conferences
from .lookups import lookups
from .messaging_services import messaging
from .queues import queues
from .resources import (
    RestError,
    call_json,
    message_json,
    not_found,
    number_json,
    page,
    recording_json,
)
from .transcriptions import transcriptions
from .usage import usage
from .verify import verify

if TYPE_CHECKING:
    from ....sim.carrier import Carrier
    from ....sim.leg import Leg

_logger = logging.getLogger("telenb.twilio.rest")
TEST_RESOURCES = ("Calls", "Messages", "IncomingPhoneNumbers")


class OfflineHttpClient(HttpClient):
    """A `twilio.http.HttpClient` that answers from a simulated carrier.

    `advance`: seconds of virtual time to run before each request (so polling loops such as
    ``while call.status != 'completed'`` end); None leaves the clock to you.
    """

    def __init__(self, carrier: Carrier, *, advance: float | None = None):
        super().__init__(_logger, False, None)
        self.carrier = carrier
        self.account = twilio_account(carrier)
        self.advance = advance
        self.requests: list[TwilioRequest] = []
        self._served_as: str | None = None  # the subaccount a request is answered for

    def __repr__(self) -> str:
        return f"<OfflineHttpClient for {self.account.account_sid}, {len(self.requests)} requests>"

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        # a webhook app calling the API runs on a worker thread; the carrier is the caller's
        return on_caller_thread(lambda: self._request(method, url, params, data, headers, auth))

    def _request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None,
        data: dict[str, object] | None,
        headers: dict[str, str] | None,
        auth: tuple[str, str] | None,
    ) -> Response:
        method = method.upper()
        record = TwilioRequest(method, url, params=params, data=data, headers=headers)
        self.requests.append(record)
        self._test_only_last_request = record
        if self.advance and not _in_flow():
            self.carrier.run(until=self.carrier.clock.now + self.advance)
        parts = urlsplit(url)
        query = {**dict(parse_qsl(parts.query)), **{k: str(v) for k, v in (params or {}).items()}}
        self._served_as = None
        try:
            status, body = self._route(method, parts, query, _form(data), auth)
        except RestError as exc:
            status, body = exc.status, exc.payload()
        if self._served_as and body is not None:  # a subaccount's view of the one network
            body = json.loads(json.dumps(body).replace(self.account.account_sid, self._served_as))
        text = "" if body is None else json.dumps(body)
        self.carrier.trace.add(
            self.carrier.clock.now, (body or {}).get("sid", "-") if status < 300 else "-",
            "rest", method=method, path=parts.path, status=status,
            code=(body or {}).get("code") if status >= 400 else None,
        )  # fmt: skip
        headers = {"Content-Type": "application/json"}
        if status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        response = Response(status, text, headers)
        self._test_only_last_response = response
        return response

    # -- routing --------------------------------------------------------------------------------
    def _route(
        self, method: str, parts: Any, query: dict, form: dict, auth: tuple[str, str] | None
    ) -> tuple[int, Any]:
        path = parts.path
        if parts.hostname in ("lookups.twilio.com", "verify.twilio.com", "messaging.twilio.com"):
            if self._authenticate(auth, self.account.account_sid):
                raise RestError(403, 20008)
            if parts.hostname == "messaging.twilio.com":
                return messaging(self, method, path, form)
            if parts.hostname == "lookups.twilio.com":
                return lookups(method, path, query)
            return verify(self, method, path, query, form)
        if parts.hostname != "api.twilio.com":
            raise not_found(path, f"telenb serves api.twilio.com only, not {parts.hostname}")
        segments = path.split("/")[1:]
        if segments[:2] == [API_VERSION, "Accounts.json"] and len(segments) == 2:
            if self._authenticate(auth, self.account.account_sid):
                raise RestError(403, 20008)
            return accounts_list(self, method, query, form, path)
        if len(segments) < 3 or segments[0] != API_VERSION or segments[1] != "Accounts":
            raise not_found(path)
        account_sid = segments[2].removesuffix(".json")
        test = self._authenticate(auth, account_sid)
        rest = [s.removesuffix(".json") for s in segments[3:]]
        if test and (method != "POST" or len(rest) != 1 or rest[0] not in TEST_RESOURCES):
            raise RestError(403, 20008)
        if not rest:
            if method not in ("GET", "POST"):
                raise not_found(path)
            if account_sid in subaccounts(self.account):
                return account_instance(self, method, account_sid, form)
            if method != "GET":
                raise not_found(path)
            return 200, self._account_json()
        if account_sid in subaccounts(self.account):
            self._served_as = account_sid
            path = path.replace(account_sid, self.account.account_sid, 1)
        handler = getattr(self, f"_{rest[0].lower()}", None)
        if handler is None:
            raise not_found(path, f"telenb does not simulate the {rest[0]} resource")
        return handler(method, rest[1:], query, form, path, test)

    def _authenticate(self, auth: tuple[str, str] | None, account_sid: str) -> bool:
        """True for test credentials; RestError 20003 for wrong ones."""
        acct = self.account
        user, secret = auth or ("", "")
        if authenticate_sub(acct, user, secret, account_sid):
            return False
        if account_sid in subaccounts(acct) and (
            (user, secret) == (acct.account_sid, acct.auth_token)
            or (user in acct.api_keys and acct.api_keys[user] == secret)
        ):
            return False  # the parent reaches its subaccounts
        if (user, secret) == (acct.test_account_sid, acct.test_auth_token):
            owner, test = acct.test_account_sid, True
        elif (user, secret) == (acct.account_sid, acct.auth_token) or (
            user in acct.api_keys and acct.api_keys[user] == secret
        ):
            owner, test = acct.account_sid, False
        else:
            raise RestError(401, 20003)
        if account_sid != owner:
            raise RestError(404, 20404, path=f"/{API_VERSION}/Accounts/{account_sid}")
        return test

    def _account_json(self) -> dict[str, Any]:
        acct = self.account
        sid = acct.account_sid
        return {
            "auth_token": "[not shown]",
            "date_created": acct.rfc2822(0),
            "date_updated": acct.rfc2822(0),
            "friendly_name": f"telenb simulated account (seed {acct.carrier.seed})",
            "owner_account_sid": sid,
            "sid": sid,
            "status": "active",
            "subresource_uris": {},
            "type": "Full",
            "uri": f"/{API_VERSION}/Accounts/{sid}.json",
        }

    # -- Calls ----------------------------------------------------------------------------------
    def _calls(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        acct = self.account
        if not rest:
            if method == "POST":
                return 201, create_call(self, form, test)
            legs = [leg for leg in acct.carrier.legs if _matches_call(leg, query)]
            legs = [leg for leg in legs if leg.sid not in acct.deleted and leg.trace_on]
            items = [call_json(acct, leg) for leg in reversed(legs)]
            return 200, page("calls", items, path, query)
        leg = self._find_call(rest[0], path)
        if len(rest) > 1 and rest[1] == "Recordings":
            return call_recordings(self, method, leg, rest[2:], query, form, path)
        if len(rest) > 1:
            raise not_found(path)
        if method == "GET":
            return 200, call_json(acct, leg)
        if method == "POST":
            return 200, update_call(self, leg, form)
        if method == "DELETE":
            if not leg.ended:
                raise RestError(400, 21220)
            acct.deleted.add(leg.sid)
            return 204, None
        raise not_found(path)

    def _find_call(self, sid: str, path: str) -> Any:
        for leg in self.account.carrier.legs:
            if leg.sid == sid and sid not in self.account.deleted:
                return leg
        raise not_found(path)

    # -- Messages -------------------------------------------------------------------------------
    def _messages(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        acct = self.account
        if not rest:
            if method == "POST":
                return 201, create_message(self, form, test)
            msgs = [m for m in acct.carrier.messages if m.sid not in acct.deleted]
            msgs = [m for m in msgs if _matches_message(m, query)]
            return 200, page("messages", [message_json(acct, m) for m in msgs[::-1]], path, query)
        sid = rest[0].removesuffix(".json")
        msg = next((m for m in acct.carrier.messages if m.sid == sid), None)
        if msg is None or msg.sid in acct.deleted:
            raise not_found(path)
        if len(rest) > 1:
            if rest[1].removesuffix(".json") != "Media":
                raise not_found(path)
            return media.media(self, method, msg, rest[1:], query, path)
        if method == "GET":
            return 200, message_json(acct, msg)
        if method == "POST":
            media.update(self, msg, form)
            return 200, message_json(acct, msg)
        if method == "DELETE":
            acct.deleted.add(msg.sid)
            return 204, None
        raise not_found(path)

    # -- IncomingPhoneNumbers -------------------------------------------------------------------
    def _incomingphonenumbers(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        acct = self.account
        if not rest:
            if method == "POST":
                return 201, buy_number(self, form, test)
            wanted = query.get("PhoneNumber")
            entries = [e for e in acct.numbers.values() if not e.test]
            if wanted:
                entries = [e for e in entries if e.phone_number == wanted]
            items = [number_json(acct, e) for e in entries]
            return 200, page("incoming_phone_numbers", items, path, query)
        entry = next((e for e in acct.numbers.values() if e.sid == rest[0] and not e.test), None)
        if entry is None or len(rest) > 1:
            raise not_found(path)
        if method == "GET":
            return 200, number_json(acct, entry)
        if method == "POST":
            configure_number(self, entry, form)
            return 200, number_json(acct, entry)
        if method == "DELETE":
            del acct.numbers[entry.phone_number]
            acct.carrier.apps.pop(entry.phone_number, None)
            return 204, None
        raise not_found(path)

    def _availablephonenumbers(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        return available(self, method, rest, query, path)

    def _queues(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        return queues(self, method, rest, query, form, path)

    def _conferences(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        return conferences(self, method, rest, query, form, path)

    def _usage(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        return usage(self, method, rest, query, path)

    # -- Applications and Keys ------------------------------------------------------------------
    def _applications(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        return applications(self, method, rest, query, form, path)

    def _keys(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        return keys(self, method, rest, query, form, path)

    def _transcriptions(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        return transcriptions(self, method, rest, query, path)

    # -- Recordings -----------------------------------------------------------------------------
    def _recordings(self, method, rest, query, form, path, test) -> tuple[int, Any]:
        acct = self.account
        recs = [r for r in acct.carrier.recordings if r.sid not in acct.deleted]
        if len(rest) > 1 and rest[1] == "Transcriptions":
            if not any(r.sid == rest[0] for r in recs):
                raise not_found(path)
            return transcriptions(self, method, rest[2:], query, path, recording_sid=rest[0])
        if method not in ("GET", "DELETE") or len(rest) > 1 or (method == "DELETE" and not rest):
            raise not_found(path)
        if not rest:
            call = query.get("CallSid")
            items = in_progress(self)[::-1] + [recording_json(acct, r) for r in recs[::-1]]
            items = [i for i in items if not call or i["call_sid"] == call]
            return 200, page("recordings", items, path, query)
        rec = next((r for r in recs if r.sid == rest[0]), None)
        live = [i for i in in_progress(self) if i["sid"] == rest[0]]
        if rec is None and live and method == "GET":
            return 200, live[0]
        if rec is None:
            raise not_found(path)
        if method == "DELETE":
            acct.deleted.add(rec.sid)
            return 204, None
        return 200, recording_json(acct, rec)


def offline_client(carrier: Carrier, *, test: bool = False, advance: float | None = None) -> Any:
    """A real `twilio.rest.Client` wired to the carrier (test credentials with `test=True`)."""
    from twilio.rest import Client

    acct: SimAccount = twilio_account(carrier)
    sid, token = (
        (acct.test_account_sid, acct.test_auth_token)
        if test
        else (acct.account_sid, acct.auth_token)
    )
    return Client(sid, token, http_client=OfflineHttpClient(carrier, advance=advance))


def _form(data: dict[str, object] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (data or {}).items():
        out[key] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return out


def _in_flow() -> bool:
    from greenlet import getcurrent

    return getcurrent().parent is not None


def _matches_call(leg: Leg, query: dict[str, str]) -> bool:
    checks = {"To": leg.to, "From": leg.from_, "Status": leg.status,
              "ParentCallSid": leg.parent.sid if leg.parent else None}  # fmt: skip
    return all(query[k] == v for k, v in checks.items() if k in query)


def _matches_message(msg: Any, query: dict[str, str]) -> bool:
    checks = {"To": msg.to, "From": msg.from_}
    return all(query[k] == v for k, v in checks.items() if k in query)
