"""Run telenb flows on real phones through Plivo.

    backend = telenb.connect("plivo", public_url="https://abc123.ngrok.app",
                             allow=["+15551234567"], from_="+15557654321")
    backend.serve(port=8080)                 # the webhook server your tunnel points at
    backend.answer("+15557654321", flow)     # calls to this number run `flow`
    backend.call("+15551234567", flow)       # asks for confirmation, then places the call

The Call API (https://www.plivo.com/docs/voice/api/call/make-a-call/): ``POST
https://api.plivo.com/v1/Account/{auth_id}/Call/`` with HTTP Basic auth (auth ID, auth
token) and a JSON body naming ``from`` and ``to`` as country code and digits, the
``answer_url`` Plivo requests once the call is answered and the ``hangup_url`` it notifies
when the call ends; the answer names the call by ``request_uuid``.  Texts from flows go
through the Message API (``POST .../Message/`` with ``src``, ``dst``, ``text``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ...live.backend import LiveBackend, Outgoing
from ..export import flow_plivo
from .credentials import PlivoCredentials
from .hooks import PREFIX, PlivoHooks

API = "https://api.plivo.com/v1/Account"
RATES = {  # assumed US list prices in USD; pass rates= for your own
    "outbound_minute": 0.0100,
    "inbound_minute": 0.0085,
    "sms_segment": 0.0055,
}


def _digits(number: str) -> str:
    return number[1:] if number.startswith("+") else number


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


class PlivoBackend(LiveBackend):
    """telenb flows on real Plivo numbers (options: see `LiveBackend`; ``credentials=``
    takes `PlivoCredentials` instead of the environment)."""

    vendor = "Plivo"
    markup = "Plivo XML"
    RATES = RATES
    canned_call = {"api_id": "0" * 36, "message": "call fired", "request_uuid": "0" * 36}

    def __init__(self, *, credentials: PlivoCredentials | None = None, **options: Any):
        self._given = credentials
        super().__init__(**options)

    def read_credentials(self, env: Mapping[str, str] | None) -> PlivoCredentials:
        return self._given or PlivoCredentials.from_env(env)

    def make_hooks(self) -> PlivoHooks:
        return PlivoHooks(self.credentials.auth_token)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.credentials.basic(), "Content-Type": "application/json"}

    def call_request(self, to: str, origin: str, token: str) -> Outgoing:
        url = self.server.url
        body = {
            "from": _digits(origin),
            "to": _digits(to),
            "answer_url": url(f"{PREFIX}/answer?session={token}"),
            "answer_method": "POST",
            "hangup_url": url(f"{PREFIX}/hangup"),
            "hangup_method": "POST",
        }
        where = f"{API}/{self.credentials.auth_id}/Call/"
        return Outgoing("POST", where, self._headers(), _json(body))

    def message_request(self, to: str, origin: str, text: str) -> Outgoing:
        body = {"src": _digits(origin), "dst": _digits(to), "text": text}
        where = f"{API}/{self.credentials.auth_id}/Message/"
        return Outgoing("POST", where, self._headers(), _json(body))

    def call_id(self, answer: Any) -> str:
        uuid = answer.get("request_uuid", "")
        return str(uuid[0] if isinstance(uuid, list) else uuid)

    def message_id(self, answer: Any) -> str:
        uuids = answer.get("message_uuid") or [""]
        return str(uuids[0] if isinstance(uuids, list) else uuids)

    def our_number(self, params: dict[str, Any]) -> str | None:
        ours = params.get("From") if params.get("Direction") == "outbound" else params.get("To")
        return "+" + str(ours) if ours and not str(ours).startswith("+") else ours

    def steps(self, flow: Callable, number: str, caller: str) -> Any:
        return flow_plivo(flow, number, caller=caller)

    def webhook_urls(self) -> dict[str, str]:
        return {
            "answer_url": self.server.url(f"{PREFIX}/answer"),
            "answer_method": "POST",
            "hangup_url": self.server.url(f"{PREFIX}/hangup"),
            "hangup_method": "POST",
        }
