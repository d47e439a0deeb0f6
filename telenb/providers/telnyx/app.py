"""TeXML apps on the simulated carrier: `carrier.app(number, texml=...)` lands here.

    carrier.app("+15550100", texml=flask_app, url="/texml")         # a WSGI or ASGI app
    carrier.app("+15550100", texml="<Response><Say>Hi</Say></Response>")
    carrier.app("+15550100", texml="http://127.0.0.1:5000/texml")  # a server on this machine

The targets are those of `twiml=`, and the TwiML interpreter runs the documents, through the
TeXML dialect (`texml.py`) and a Telnyx account (`account.py`): Telnyx's parameters and IDs,
Ed25519-signed requests, and GET as the application's default method, as Telnyx's
instruction-fetching page documents.

``telnyx-timestamp`` is the simulated time (the carrier's clock from 2025-01-01 UTC), so runs
repeat; an app that refuses timestamps far from the real clock must compare them with the
simulated one (``verify(..., now=...)``) while it runs here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...errors import check_options
from ..twilio.sim.app import _twiml_flow
from .account import telnyx_account

DEFAULT_METHOD = "GET"  # "Configurable (GET or POST, default is GET)"
OPTIONS = (
    "url", "method", "fallback_url", "fallback_method", "status_callback",
    "status_callback_method", "base_url", "kind", "timeout", "max_documents",
)  # fmt: skip


def texml_flow(source: Any, *, carrier: Any, number: str, **options: Any) -> Callable[[Any], Any]:
    """A flow that answers `number` with TeXML from `source` (anything `twiml=` takes).

    Options are `twiml=`'s, less the Twilio-only ones: `url` (the path on the app),
    `method` (GET unless given, as on a new TeXML application), `fallback_url` (Telnyx's
    failover URL), `status_callback`, `base_url`, `kind`, `timeout`, `max_documents`.
    The account's Ed25519 public key, which apps verify with, is
    `telnyx_account(carrier).public_key`.
    """
    check_options("app", options, OPTIONS)
    options.setdefault("method", DEFAULT_METHOD)
    account = telnyx_account(carrier)
    return _twiml_flow(
        source, carrier=carrier, number=number, account=account, label="texml", **options
    )
