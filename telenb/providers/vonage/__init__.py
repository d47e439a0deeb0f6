"""Vonage for telenb: Voice API NCCO apps on the simulated carrier, with Vonage's webhooks,
call events and signed (JWT) callbacks.

    carrier.app("+15550100", ncco=flask_app, url="/webhooks/answer",
                event_url="/webhooks/events")              # an NCCO app on the simulator
    vonage_application(carrier).signature_secret           # what the app verifies JWTs with
    verify(request.headers, secret, request.get_data())   # the app's side of the signature

Laid out like `telenb.providers.twilio`: `ncco` (documents: parse and check), `sim` (the
interpreter, its actions and event webhooks), `application` (Vonage's view of a simulated
carrier) and `signing`.  Names load lazily.
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "vonage_application": ".application",
    "VonageApplication": ".application",
    "ncco_flow": ".sim.app",
    "NccoApp": ".sim.interpreter",
    "parse_ncco": ".ncco.parse",
    "NccoError": ".ncco.parse",
    "sign": ".signing",
    "verify": ".signing",
    "is_valid": ".signing",
    "SignatureError": ".signing",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
