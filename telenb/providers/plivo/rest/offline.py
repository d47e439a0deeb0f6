"""The `plivo` SDK offline: a `requests` transport adapter that answers api.plivo.com from a
simulated carrier (issue 17).

    client = offline_client(carrier)                  # a real plivo.RestClient
    client.calls.create(from_="+15550100", to_="+15550123", answer_url=url)
    carrier.run()                                     # virtual time moves only when asked
    client.messages.create(src="+15550100", dst="+15550123", text="Hi")

The SDK sends every request through its `requests` Sessions (`client.session`, and
`client.multipart_session` for uploads); the adapter is mounted on both, so nothing leaves
the process.  Requests are authenticated as Plivo does, with HTTP Basic auth of the
account's auth ID and token (the auth ID also in the path); anything else gets Plivo's 401.
Served: ``Call`` (make a call, retrieve a CDR or a live call, list CDRs or live calls, hang
up or cancel), ``Call/{uuid}/DTMF`` (send digits), ``Message`` (send, retrieve, list).  Any
other resource answers 404.  Each request is traced as a ``rest`` event.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter

from ...webhooks.deadline import on_caller_thread
from ..application import PlivoApplication, plivo_application
from .calls import create_call, find_leg, hangup, list_calls, send_digits, transfer
from .messages import create_message, get_message, list_messages
from .resources import RestError, call_json, live_json

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

HOSTS = ("api.plivo.com",)
UNAUTHORIZED = (
    "Could not verify your access level for that URL.\nYou have to login with proper credentials"
)


class OfflineAdapter(BaseAdapter):
    """Plivo's API host as a transport: requests are answered by the carrier."""

    def __init__(self, carrier: Carrier):
        super().__init__()
        self.carrier = carrier
        self.papp: PlivoApplication = plivo_application(carrier)
        self.requests: list[tuple[str, str, Any]] = []  # (method, path, body)

    def __repr__(self) -> str:
        return f"<plivo OfflineAdapter for {self.papp.auth_id}, {len(self.requests)} requests>"

    def send(self, request: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        # a webhook app calling the API runs on a worker thread; the carrier is the caller's
        return on_caller_thread(lambda: self._send(request))

    def _send(self, request: Any) -> requests.Response:
        parts = urlsplit(request.url)
        raw = request.body or b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        self.requests.append((request.method, parts.path, body))
        try:
            if parts.hostname not in HOSTS:
                raise RestError(404, f"{parts.hostname} is not a Plivo API host")
            self._authenticate(request.headers.get("Authorization"), parts.path)
            if body is None or not isinstance(body, dict):
                raise RestError(400, "the request body must be a JSON object")
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            status, payload = self._route(request.method, parts.path, query, body)
        except RestError as exc:
            status, payload = exc.status, {"api_id": self.papp.api_id(), "error": exc.error}
            if exc.status == 401:  # Plivo's 401 is the plain-text login challenge, not JSON
                payload = UNAUTHORIZED
        self.carrier.trace.add(
            self.carrier.clock.now, "-", "rest", method=request.method, path=parts.path,
            status=status, vendor="plivo",
        )  # fmt: skip
        return _reply(request, status, payload)

    def _authenticate(self, header: Any, path: str) -> None:
        header = header.decode() if isinstance(header, bytes) else str(header or "")
        scheme, _, token = header.partition(" ")
        try:
            user, _, secret = base64.b64decode(token).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user = secret = ""
        papp = self.papp
        if scheme != "Basic" or (user, secret) != (papp.auth_id, papp.auth_token):
            raise RestError(401, "Authentication failed: check your auth ID and auth token")
        if not path.startswith(f"/v1/Account/{user}/"):
            raise RestError(404, "not found: the path names another account")

    def _route(self, method: str, path: str, query: dict[str, str], body: dict[str, Any]
               ) -> tuple[int, Any]:  # fmt: skip
        rest = [p for p in path.split("/")[4:] if p]  # after /v1/Account/{auth_id}/
        papp = self.papp
        if rest[:1] == ["Call"]:
            if len(rest) == 1 and method == "POST":
                return 201, create_call(papp, body)
            if len(rest) == 1 and method == "GET":
                return 200, list_calls(papp, query)
            if len(rest) == 2 and method == "GET":
                leg = find_leg(papp, rest[1])
                if query.get("status") == "live":
                    if leg.ended:
                        raise RestError(404, "call not found: it is not live")
                    return 200, live_json(papp, leg)
                if not leg.ended:
                    raise RestError(404, "call not found: its record exists once it has ended")
                return 200, call_json(papp, leg)
            if len(rest) == 2 and method == "POST":
                return 202, transfer(papp, find_leg(papp, rest[1]), body)
            if len(rest) == 2 and method == "DELETE":
                hangup(papp, find_leg(papp, rest[1]))
                return 204, None
            if len(rest) == 3 and rest[2] == "DTMF" and method == "POST":
                return 202, send_digits(papp, find_leg(papp, rest[1]), body)
        if rest[:1] == ["Message"]:
            if len(rest) == 1 and method == "POST":
                return 202, create_message(papp, body)
            if len(rest) == 1 and method == "GET":
                return 200, list_messages(papp, query)
            if len(rest) == 2 and method == "GET":
                return 200, get_message(papp, rest[1])
        if rest and rest[0] in ("Call", "Message"):
            raise RestError(405, f"{method} is not allowed on {path}")
        raise RestError(404, f"{path} is not served offline")

    def close(self) -> None:
        pass


def _reply(request: Any, status: int, payload: Any) -> requests.Response:
    response = requests.Response()
    response.status_code, response.request, response.url = status, request, request.url
    response.encoding = "utf-8"
    if isinstance(payload, str):
        response._content = payload.encode()
        response.headers["Content-Type"] = "text/plain"
        response.headers["WWW-Authenticate"] = 'Basic realm="Authentication Required"'
        return response
    response._content = b"" if payload is None else json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    return response


def mount(client: Any, carrier: Carrier) -> OfflineAdapter:
    """Mount the offline transport on a `plivo.RestClient`'s sessions."""
    adapter = OfflineAdapter(carrier)
    for session in (client.session, getattr(client, "multipart_session", None)):
        if session is not None:
            session.mount("https://", adapter)
            session.mount("http://", adapter)
    client.offline = adapter
    return adapter
