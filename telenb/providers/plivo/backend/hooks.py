"""What Plivo's webhooks mean to the live continuation server.

Plivo posts a form to the answer_url when a call is answered, to each ``<GetInput>``,
``<Record>`` and ``<Dial>`` action, and to the hangup_url when the call ends; every request
carries ``X-Plivo-Signature-V3`` and its nonce, HMAC-SHA256 with the auth token over the URL
and the sorted form (`providers/plivo/signing.py`), refused with 403 otherwise.  Numbers come
as country code and digits without a ``+``; a call is known by its ``CallUUID``.  The flow's
documents are the Plivo XML exporter's (`providers/plivo/export.py`), with absolute URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from ....flow import verbs as V
from ...live.guard import Refused, parse_form
from ...live.server import Inbound, Request
from ..export import _Continuation
from ..signing import SignatureError, verify

if TYPE_CHECKING:
    from ...live.server import ContinuationServer

PREFIX = "/plivo"


class LivePlivo(_Continuation):
    """The Plivo XML continuation of one real call: the exporter's, with URLs on the
    backend's public address and texts sent through the Message API."""

    def __init__(self, flow: Callable[..., Any], server: ContinuationServer):
        super().__init__(flow, None)  # type: ignore[arg-type]  # texts go through the server
        self.server = server
        self.params: dict[str, Any] = {}

    def __call__(self, request: Any) -> str | None:
        if request.path == "/answer":
            self.params = dict(request)
        return super().__call__(request)

    def step(self) -> str:
        return self.server.url(f"{PREFIX}/step/{self.n}")

    def translate(self, verb: Any) -> tuple[list[str], bool]:
        if isinstance(verb, V.Message):
            self.server.send_message(verb, self.params)
            return [], False
        return super().translate(verb)


class PlivoHooks:
    """Plivo's side of `ContinuationServer` (see `providers/live/server.py`)."""

    vendor = "Plivo"
    prefix = PREFIX
    media_type = "application/xml"
    refusal = "403 Forbidden"
    routes = re.compile(r"/(answer|hangup|step/[0-9]{1,6})")

    def __init__(self, auth_token: str):
        self._token = auth_token

    def __repr__(self) -> str:
        return "<PlivoHooks>"

    def params(self, inbound: Inbound) -> dict[str, Any]:
        if inbound.method == "GET":
            return dict(parse_qsl(inbound.query, keep_blank_values=True))
        return parse_form(inbound.body)

    def verify(self, inbound: Inbound, url: str) -> str | None:
        try:
            form = {} if inbound.method == "GET" else parse_form(inbound.body)
            verify(inbound.headers, self._token, inbound.method, url, form)
        except (SignatureError, Refused) as exc:
            return str(exc)
        return None

    def call_key(self, params: dict[str, Any]) -> str:
        return str(params.get("CallUUID", ""))

    def to_number(self, params: dict[str, Any]) -> str:
        to = str(params.get("To", ""))
        return to if to.startswith(("+", "sip:")) else "+" + to

    def final(self, route: str, params: dict[str, Any]) -> bool:
        return route == "/hangup"

    def continuation(self, flow: Callable, server: ContinuationServer) -> LivePlivo:
        return LivePlivo(flow, server)

    def render(self, document: Any) -> str:
        return str(document)

    def goodbye(self, text: str) -> str:
        return f"<Response><Speak>{escape(text)}</Speak><Hangup/></Response>"


__all__ = ["PREFIX", "LivePlivo", "PlivoHooks", "Request"]
