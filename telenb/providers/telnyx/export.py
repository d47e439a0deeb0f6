"""A flow as TeXML, step by step: `flow_texml(source, number, caller=...)`.

TeXML is a dialect of TwiML, so the export is the Twilio backend's (`flow_twiml`): the flow
runs behind its webhook server and the TwiML it renders is sent as TeXML, which Telnyx runs
the same way.  What changes is the door: Telnyx signs with Ed25519, not X-Twilio-Signature,
so the backend sits behind a check of ``telnyx-signature-ed25519`` with the account's public
key; the application is set to POST (a new TeXML application's default is GET); and since
Telnyx's <Gather> reference does not list actionOnEmptyResult, a <Redirect> to the same step
follows each <Gather>, as one follows each <Record>.
`telenb.providers.export.tables` says what TeXML cannot express of a flow,
and what the export does instead.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from ..twilio.backend.export import Door, TwimlSteps, flow_dialect
from .account import TelnyxAccount, telnyx_account
from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify


def ed25519_guard(account: TelnyxAccount, app: Callable[..., Any]) -> Callable[..., Any]:
    """`app` (WSGI) behind Telnyx's signature check: a request whose
    telnyx-signature-ed25519 does not match its body and timestamp gets 403."""
    header = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
    stamp = "HTTP_" + TIMESTAMP_HEADER.upper().replace("-", "_")

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size) if size else b""
        try:
            verify(account.public_key, body, environ.get(header), environ.get(stamp))
        except SignatureError as exc:
            data = f"refused: {exc}".encode()
            start_response("403 Forbidden", [("Content-Type", "text/plain"),
                                             ("Content-Length", str(len(data)))])  # fmt: skip
            return [data]
        environ["wsgi.input"] = io.BytesIO(body)
        return app(environ, start_response)

    return guarded


DOOR = Door(
    keyword="texml",
    markup="TeXML",
    vendor="Telnyx",
    account=telnyx_account,
    key=None,
    guard=ed25519_guard,
    options=(("method", "POST"),),
    redirect_after_gather=True,
)


def flow_texml(
    source: Any, number: str | None = None, *, caller: str = "", seed: int = 0
) -> TwimlSteps:
    """Show a flow (or the flow answering `number` on a Carrier) as the TeXML of one call by
    `caller` (a caller script; default silent), run by the simulated Telnyx."""
    return flow_dialect(DOOR, source, number, caller=caller, seed=seed)
