"""Run telenb flows on real phones through SignalWire's Compatibility API (cXML, once LaML).

    backend = telenb.connect("signalwire", public_url="https://abc123.ngrok.app",
                             allow=["+15551234567"], from_="+15557654321")
    backend.serve(port=8080)
    backend.answer("+15557654321", flow)     # set the number's voice URLs to these
    backend.call("+15551234567", flow)       # asks for confirmation, then places the call

Create a call (developer.signalwire.com, Compatibility API "Calls"): ``POST
https://{space}.signalwire.com/api/laml/2010-04-01/Accounts/{project}/Calls.json``, HTTP
Basic with project ID and API token, a form like Twilio's: ``To``, ``From``, ``Url``,
``Method``, ``StatusCallback`` with a ``StatusCallbackEvent`` per event and
``StatusCallbackMethod``; the answer names the call by ``sid``.  Webhooks carry
``X-SignalWire-Signature`` (and its alias ``X-Twilio-Signature``), Twilio's HMAC-SHA1 keyed
with the Signing Key, checked by the Twilio backend's server; 403 otherwise.  Texts from flows
go through ``Messages.json`` (``To``, ``From``, ``Body``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from ...live.backend import LiveBackend, Outgoing
from ...twilio.backend.server import WebhookServer
from ..export import flow_laml
from ..signing import ALIAS, HEADER
from .credentials import SignalWireCredentials

PREFIX = "/signalwire"
EVENTS = ("initiated", "ringing", "answered", "completed")
FORM = "application/x-www-form-urlencoded"
RATES = {  # assumed US list prices in USD; pass rates= for your own
    "outbound_minute": 0.0100,
    "inbound_minute": 0.0066,
    "sms_segment": 0.0042,
}


class SignalWireBackend(LiveBackend):
    """telenb flows on real SignalWire numbers (options: see `LiveBackend`; ``credentials=``
    takes `SignalWireCredentials` instead of the environment)."""

    vendor = "SignalWire"
    markup = "cXML"
    RATES = RATES
    canned_call = {"sid": "0" * 36, "status": "queued"}

    def __init__(self, *, credentials: SignalWireCredentials | None = None, **options: Any):
        self._given = credentials
        super().__init__(**options)

    def read_credentials(self, env: Mapping[str, str] | None) -> SignalWireCredentials:
        return self._given or SignalWireCredentials.from_env(env)

    def make_server(self, public_url: str, executor: Any) -> WebhookServer:
        return WebhookServer(
            self.credentials.signing_key, public_url, messenger=self._send_message,
            executor=executor, prefix=PREFIX, signature_headers=(HEADER, ALIAS),
        )  # fmt: skip

    def _account(self) -> str:
        creds = self.credentials
        return f"https://{creds.space}/api/laml/2010-04-01/Accounts/{creds.project_id}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.credentials.basic(), "Content-Type": FORM}

    def call_request(self, to: str, origin: str, token: str) -> Outgoing:
        url = self.server.url
        form = [
            ("To", to),
            ("From", origin),
            ("Url", url(f"{PREFIX}/voice?session={token}")),
            ("Method", "POST"),
            ("StatusCallback", url(f"{PREFIX}/status")),
            *(("StatusCallbackEvent", event) for event in EVENTS),
            ("StatusCallbackMethod", "POST"),
        ]
        content = urlencode(form).encode()
        return Outgoing("POST", f"{self._account()}/Calls.json", self._headers(), content)

    def message_request(self, to: str, origin: str, text: str) -> Outgoing:
        content = urlencode([("To", to), ("From", origin), ("Body", text)]).encode()
        return Outgoing("POST", f"{self._account()}/Messages.json", self._headers(), content)

    def call_id(self, answer: Any) -> str:
        return str(answer.get("sid", ""))

    def message_id(self, answer: Any) -> str:
        return str(answer.get("sid", ""))

    def our_number(self, params: dict[str, Any]) -> str | None:
        inbound = params.get("Direction", "inbound") == "inbound"
        return params.get("To") if inbound else params.get("From")

    def steps(self, flow: Callable, number: str, caller: str) -> Any:
        return flow_laml(flow, number, caller=caller)

    def webhook_urls(self) -> dict[str, str]:
        return {
            "voice_url": self.server.url(f"{PREFIX}/voice"),
            "voice_method": "POST",
            "status_callback": self.server.url(f"{PREFIX}/status"),
            "status_callback_method": "POST",
        }
