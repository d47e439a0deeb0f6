"""What Vonage's webhooks mean to the live continuation server.

Vonage requests the answer_url when a call is answered (GET by default, POST when the call
or application says so), posts JSON events to the event_url (``started`` ... ``completed``)
and to each action's ``eventUrl`` (an ``input``'s result, whose answer is the next NCCO; a
``record``'s recording; a ``notify``'s payload).  Each request carries ``Authorization:
Bearer <JWT>``, HS256 with the signature secret, whose ``payload_hash`` is the SHA-256 of
the body (developer.vonage.com, "Decoding signed webhooks"); a missing, mis-signed or
tampered one gets 401.  A call is known by its ``conversation_uuid``, which every one of
them carries.  The NCCOs are the exporter's (`providers/vonage/export.py`), absolute URLs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ....flow import verbs as V
from ...live.server import Inbound, json_params
from ..export import _Continuation
from ..signing import SignatureError, verify

if TYPE_CHECKING:
    from ...live.server import ContinuationServer

PREFIX = "/vonage"
ENDED = ("completed", "busy", "timeout", "failed", "rejected", "unanswered", "cancelled")


class LiveVonage(_Continuation):
    """The NCCO continuation of one real call: the exporter's, on the public address, with
    texts sent through the Messages API."""

    def __init__(self, flow: Callable[..., Any], server: ContinuationServer):
        super().__init__(flow, server.url(PREFIX), None)  # type: ignore[arg-type]
        self.server = server
        self.params: dict[str, Any] = {}

    def __call__(self, request: Any) -> Any:
        if request.path == "/answer":
            self.params = dict(request)
        return super().__call__(request)

    def translate(self, verb: Any) -> tuple[list[dict[str, Any]], bool]:
        if isinstance(verb, V.Message):
            self.server.send_message(verb, self.params)
            return [], False
        return super().translate(verb)


class VonageHooks:
    """Vonage's side of `ContinuationServer` (see `providers/live/server.py`)."""

    vendor = "Vonage"
    prefix = PREFIX
    media_type = "application/json"
    refusal = "401 Unauthorized"
    routes = re.compile(r"/(answer|event|(step|record|connect)/[0-9]{1,6})")

    def __init__(self, signature_secret: str):
        self._secret = signature_secret

    def __repr__(self) -> str:
        return "<VonageHooks>"

    def params(self, inbound: Inbound) -> dict[str, Any]:
        return json_params(inbound)

    def verify(self, inbound: Inbound, url: str) -> str | None:
        try:
            verify(inbound.headers, self._secret, inbound.body)
        except SignatureError as exc:
            return str(exc)
        return None

    def call_key(self, params: dict[str, Any]) -> str:
        return str(params.get("conversation_uuid") or params.get("uuid") or "")

    def to_number(self, params: dict[str, Any]) -> str:
        to = str(params.get("to", ""))
        return to if to.startswith(("+", "sip:")) else "+" + to

    def final(self, route: str, params: dict[str, Any]) -> bool:
        return route == "/event" and params.get("status") in ENDED

    def continuation(self, flow: Callable, server: ContinuationServer) -> LiveVonage:
        return LiveVonage(flow, server)

    def render(self, document: Any) -> str:
        return json.dumps(document, separators=(",", ":"))

    def goodbye(self, text: str) -> list[dict[str, Any]]:
        return [{"action": "talk", "text": text}]
