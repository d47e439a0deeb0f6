"""Run telenb flows on real phones through Vonage's Voice API.

    backend = telenb.connect("vonage", public_url="https://abc123.ngrok.app",
                             allow=["+15551234567"], from_="+15557654321")
    backend.serve(port=8080)
    backend.answer("+15557654321", flow)     # set the application's answer/event URLs
    backend.call("+15551234567", flow)       # asks for confirmation, then places the call

Create a call (developer.vonage.com, Voice API reference "Create an outbound call"):
``POST https://api.nexmo.com/v1/calls`` with ``Authorization: Bearer <JWT>`` and a JSON
body: ``to`` a list of endpoints ``{"type": "phone", "number": "<E.164 digits>"}``, ``from``
one such endpoint, ``answer_url`` and ``event_url`` lists with their methods; the answer
names the call by ``uuid``.  Texts from flows go through the Messages API (``POST
https://api.nexmo.com/v1/messages``, ``message_type`` text on the sms channel).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ...live.backend import LiveBackend, Outgoing
from ..export import flow_ncco
from .credentials import VonageCredentials
from .hooks import PREFIX, VonageHooks

CALLS = "https://api.nexmo.com/v1/calls"
MESSAGES = "https://api.nexmo.com/v1/messages"
RATES = {  # assumed US list prices in USD; pass rates= for your own
    "outbound_minute": 0.0139,
    "inbound_minute": 0.0062,
    "sms_segment": 0.0081,
}


def _digits(number: str) -> str:
    return number[1:] if number.startswith("+") else number


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


class VonageBackend(LiveBackend):
    """telenb flows on real Vonage numbers (options: see `LiveBackend`; ``credentials=``
    takes `VonageCredentials` instead of the environment)."""

    vendor = "Vonage"
    markup = "NCCO"
    RATES = RATES
    methods = ("GET", "POST")  # the answer webhook is a GET unless answer_method says POST
    canned_call = {"uuid": "0" * 36, "status": "started", "direction": "outbound",
                   "conversation_uuid": "CON-" + "0" * 36}  # fmt: skip

    def __init__(self, *, credentials: VonageCredentials | None = None, **options: Any):
        self._given = credentials
        super().__init__(**options)

    def read_credentials(self, env: Mapping[str, str] | None) -> VonageCredentials:
        return self._given or VonageCredentials.from_env(env)

    def make_hooks(self) -> VonageHooks:
        return VonageHooks(self.credentials.signature_secret)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.credentials.bearer(), "Content-Type": "application/json"}

    def call_request(self, to: str, origin: str, token: str) -> Outgoing:
        url = self.server.url
        body = {
            "to": [{"type": "phone", "number": _digits(to)}],
            "from": {"type": "phone", "number": _digits(origin)},
            "answer_url": [url(f"{PREFIX}/answer?session={token}")],
            "answer_method": "POST",
            "event_url": [url(f"{PREFIX}/event")],
            "event_method": "POST",
        }
        return Outgoing("POST", CALLS, self._headers(), _json(body))

    def message_request(self, to: str, origin: str, text: str) -> Outgoing:
        body = {"message_type": "text", "channel": "sms", "to": _digits(to),
                "from": _digits(origin), "text": text}  # fmt: skip
        return Outgoing("POST", MESSAGES, self._headers(), _json(body))

    def call_id(self, answer: Any) -> str:
        return str(answer.get("uuid", ""))

    def our_number(self, params: dict[str, Any]) -> str | None:
        """The answer webhook says no direction: ours is whichever number is ours."""
        mine = {self.from_, *self.server.numbers}
        frm, to = ("+" + str(params.get(k, "")).lstrip("+") for k in ("from", "to"))
        return frm if frm in mine else to

    def steps(self, flow: Callable, number: str, caller: str) -> Any:
        return flow_ncco(flow, number, caller=caller)

    def webhook_urls(self) -> dict[str, str]:
        return {
            "answer_url": self.server.url(f"{PREFIX}/answer"),
            "answer_method": "POST",
            "event_url": self.server.url(f"{PREFIX}/event"),
            "event_method": "POST",
        }
