"""Run telenb flows on real phones through Telnyx's TeXML.

    backend = telenb.connect("telnyx", public_url="https://abc123.ngrok.app",
                             allow=["+15551234567"], from_="+15557654321")
    backend.serve(port=8080)
    backend.answer("+15557654321", flow)     # set the TeXML application's URLs to these
    backend.call("+15551234567", flow)       # asks for confirmation, then places the call

Initiate a TeXML call (developers.telnyx.com, TeXML REST "Initiate an outbound call", the
``texml.calls.initiate`` of Telnyx's SDK): ``POST
https://api.telnyx.com/v2/texml/calls/{application_id}`` with ``Authorization: Bearer <API
key>`` and a JSON body: ``From`` and ``To`` as ``+`` and country code, ``Url``/``UrlMethod``
for the first TeXML, ``StatusCallback`` with its space-separated ``StatusCallbackEvent``
and ``StatusCallbackMethod``.  The flow's TeXML is the Twilio backend's TwiML with Telnyx's
door (`providers/telnyx/export.py`: a ``<Redirect>`` after each ``<Gather>``).  Texts from
flows go through ``POST https://api.telnyx.com/v2/messages`` (``from``, ``to``, ``text``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from ...live.backend import LiveBackend, Outgoing
from ...twilio.backend.server import WebhookServer
from ..export import DOOR, flow_texml
from .credentials import TelnyxCredentials
from .guard import Ed25519Guard

PREFIX = "/telnyx"
API = "https://api.telnyx.com/v2"
EVENTS = "initiated ringing answered completed"
RATES = {  # assumed US list prices in USD; pass rates= for your own
    "outbound_minute": 0.0070,
    "inbound_minute": 0.0035,
    "sms_segment": 0.0040,
}


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


class TelnyxBackend(LiveBackend):
    """telenb flows on real Telnyx numbers (options: see `LiveBackend`; ``credentials=``
    takes `TelnyxCredentials` instead of the environment, ``clock=`` the time the webhook
    timestamps are checked against)."""

    vendor = "Telnyx"
    markup = "TeXML"
    RATES = RATES
    canned_call = {"data": {"call_sid": "v3:" + "0" * 40, "status": "queued"}}

    def __init__(self, *, credentials: TelnyxCredentials | None = None,
                 clock: Callable[[], float] = time.time, **options: Any):  # fmt: skip
        self._given, self._clock = credentials, clock
        super().__init__(**options)

    def read_credentials(self, env: Mapping[str, str] | None) -> TelnyxCredentials:
        return self._given or TelnyxCredentials.from_env(env)

    def make_server(self, public_url: str, executor: Any) -> WebhookServer:
        # no token: the Ed25519 guard in front of it checks every request
        server = WebhookServer("", public_url, messenger=self._send_message, executor=executor,
                               check_signatures=False, prefix=PREFIX)  # fmt: skip
        server.redirect_after_gather = DOOR.redirect_after_gather
        return server

    def wsgi_app(self) -> Callable[..., Any]:
        public_key = self.credentials.public_key
        return Ed25519Guard(self.server, public_key, self.server.refused, clock=self._clock)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.credentials.bearer(), "Content-Type": "application/json"}

    def call_request(self, to: str, origin: str, token: str) -> Outgoing:
        url = self.server.url
        body = {
            "From": origin,
            "To": to,
            "Url": url(f"{PREFIX}/voice?session={token}"),
            "UrlMethod": "POST",
            "StatusCallback": url(f"{PREFIX}/status"),
            "StatusCallbackEvent": EVENTS,
            "StatusCallbackMethod": "POST",
        }
        where = f"{API}/texml/calls/{self.credentials.application_id}"
        return Outgoing("POST", where, self._headers(), _json(body))

    def message_request(self, to: str, origin: str, text: str) -> Outgoing:
        body = {"from": origin, "to": to, "text": text}
        return Outgoing("POST", f"{API}/messages", self._headers(), _json(body))

    def call_id(self, answer: Any) -> str:
        data = answer.get("data", answer)
        return str(data.get("call_sid") or data.get("sid") or "")

    def message_id(self, answer: Any) -> str:
        return str(answer.get("data", {}).get("id", ""))

    def our_number(self, params: dict[str, Any]) -> str | None:
        """TeXML requests say no Direction: ours is whichever number is ours."""
        mine = {self.from_, *self.server.numbers}
        return params.get("From") if params.get("From") in mine else params.get("To")

    def steps(self, flow: Callable, number: str, caller: str) -> Any:
        return flow_texml(flow, number, caller=caller)

    def webhook_urls(self) -> dict[str, str]:
        return {
            "voice_url": self.server.url(f"{PREFIX}/voice"),
            "voice_method": "POST",
            "status_callback": self.server.url(f"{PREFIX}/status"),
            "status_callback_method": "POST",
        }
