"""SignalWire for telenb: cXML (LaML) apps on the simulated carrier, as a dialect of TwiML.

    carrier.app("+15550100", laml=flask_app, url="/voice")
    signalwire_account(carrier).signing_key    # what the app checks X-SignalWire-Signature with

`laml` says what cXML does differently from TwiML, `account` is SignalWire's view of a
simulated carrier (UUIDs, parameters, the Signing Key), `signing` makes and checks the
signature, `app` is the `laml=` front door.  Names load lazily.
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "signalwire_account": ".account",
    "SignalWireAccount": ".account",
    "laml_flow": ".app",
    "LAML": ".laml",
    "signature": ".signing",
    "is_valid": ".signing",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
