"""The `vonage` SDK offline: a `requests` transport adapter that answers api.nexmo.com and
api.vonage.com from a simulated carrier (issue 17).

    client = vonage.Vonage(vonage.Auth(application_id=..., private_key=...))
    adapter = offline(client, carrier, public_key=pem)   # mounts on the SDK's session

Every request is kept in `adapter.requests`; its ``Authorization: Bearer`` JWT (RS256,
signed by the SDK with the application's private key) is verified with `public_key`, and
a request without a valid one gets Vonage's 401.  The Messages API also takes ``Basic``
auth, the account's api_key and api_secret (what the SDK sends when its `Auth` has no
application); the Voice API does not.  Covered so far: ``POST /v1/calls`` (an NCCO call
placed on the carrier), ``PUT /v1/calls/{uuid}`` (hangup) and ``POST /v1/messages`` (an
SMS sent from the carrier, `telenb.providers.vonage.messages`).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter

from ..application import NAMESPACE, vonage_application
from ..messages import send_message
from ..ncco.parse import NccoError, parse_ncco
from ..sim.interpreter import NccoApp

if TYPE_CHECKING:
    from ....sim.carrier import Carrier


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    claims: dict[str, Any] = field(default_factory=dict)


class OfflineAdapter(BaseAdapter):
    """Vonage's API hosts as a transport: requests never leave the process."""

    def __init__(self, carrier: Carrier, public_key: str | bytes | None):
        super().__init__()
        self.carrier, self.public_key = carrier, public_key
        self.requests: list[Seen] = []
        self.calls: dict[str, Any] = {}

    def send(self, request: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        import jwt

        path = urlsplit(request.url).path
        body = json.loads(request.body) if request.body else None
        seen = Seen(request.method, path, dict(request.headers), body)
        self.requests.append(seen)
        auth = request.headers.get("Authorization", "")
        auth = auth.decode() if isinstance(auth, bytes) else str(auth)  # the SDK sends bytes
        scheme, _, token = auth.partition(" ")
        messages = request.method == "POST" and path == "/v1/messages"
        if scheme == "Basic" and messages:
            if not self._basic_ok(token):
                return _reply(request, 401, {"title": "Unauthorized", "detail": "bad api key"})
        elif scheme != "Bearer" or self.public_key is None:
            return _reply(request, 401, {"title": "Unauthorized"})
        else:
            try:
                seen.claims = jwt.decode(token, self.public_key, algorithms=["RS256"])
            except jwt.PyJWTError as exc:
                return _reply(request, 401, {"title": "Unauthorized", "detail": str(exc)})
        if request.method == "POST" and path == "/v1/calls":
            return self.create_call(request, body or {})
        if request.method == "PUT" and path.startswith("/v1/calls/"):
            return self.update_call(request, path.rsplit("/", 1)[-1], body or {})
        if request.method == "POST" and path == "/v1/messages":
            return self.message(request, body or {})
        return _reply(request, 404, {"title": "Not found", "detail": path})

    def create_call(self, request: Any, body: dict[str, Any]) -> requests.Response:

        try:
            actions = parse_ncco(body.get("ncco"))
        except NccoError as exc:
            return _reply(request, 400, {"title": "Bad Request", "detail": str(exc)})
        to = "+" + str(body["to"][0]["number"]).lstrip("+")
        from_ = "+" + str(body["from"]["number"]).lstrip("+")
        app = NccoApp(vonage_application(self.carrier), ncco=actions)
        result = self.carrier.call(to, flow=app, from_=from_)
        self.carrier.run()
        call_uuid = str(uuid.uuid5(NAMESPACE, f"leg:{result.sid}"))
        self.calls[call_uuid] = result
        assert result.root is not None, "a placed call has its first leg"
        conv = vonage_application(self.carrier).conversation_uuid(result.root)
        answer = {"uuid": call_uuid, "status": "started", "direction": "outbound"}
        return _reply(request, 201, answer | {"conversation_uuid": conv})

    def update_call(self, request: Any, call_uuid: str, body: dict[str, Any]) -> requests.Response:
        result = self.calls.get(call_uuid)
        if result is None:
            return _reply(request, 404, {"title": "Not Found", "detail": call_uuid})
        if body.get("action") == "hangup":
            if result.root is not None and not result.root.ended:
                result.root.hangup("api", "hung up by the REST API")
            return _reply(request, 204, None)
        return _reply(request, 400, {"title": "Bad Request", "detail": "unsupported action"})

    def _basic_ok(self, token: str) -> bool:
        vapp = vonage_application(self.carrier)
        try:
            given = base64.b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        expected = f"{vapp.api_key}:{vapp.api_secret}".encode()
        return hmac.compare_digest(given, expected)

    def message(self, request: Any, body: dict[str, Any]) -> requests.Response:
        status, payload = send_message(vonage_application(self.carrier), body)
        return _reply(request, status, payload)

    def close(self) -> None:
        pass


def _reply(request: Any, status: int, payload: Any) -> requests.Response:
    response = requests.Response()
    response.status_code, response.request, response.url = status, request, request.url
    response._content = b"" if payload is None else json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    return response


def offline(
    client: Any, carrier: Carrier, *, public_key: str | bytes | None = None
) -> OfflineAdapter:
    """Mount the offline transport on a `vonage.Vonage` client's HTTP session
    (`public_key` checks the SDK's JWTs; without it only Basic auth is accepted)."""
    adapter = OfflineAdapter(carrier, public_key)
    client.http_client._session.mount("https://", adapter)
    return adapter
