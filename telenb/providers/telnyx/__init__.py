"""Telnyx for telenb: TeXML apps on the simulated carrier, as a dialect of TwiML.

    carrier.app("+15550100", texml=flask_app, url="/texml")
    telnyx_account(carrier).public_key       # what the app verifies Ed25519 signatures with
    verify(public_key, body, headers["telnyx-signature-ed25519"], headers["telnyx-timestamp"])

`texml` says what TeXML does differently from TwiML, `account` is Telnyx's view of a
simulated carrier (IDs, parameters, the signing key), `signing` makes and checks
``telnyx-signature-ed25519``, `app` is the `texml=` front door.  Names load lazily.
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "telnyx_account": ".account",
    "TelnyxAccount": ".account",
    "texml_flow": ".app",
    "TEXML": ".texml",
    "sign": ".signing",
    "verify": ".signing",
    "is_valid": ".signing",
    "SignatureError": ".signing",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
