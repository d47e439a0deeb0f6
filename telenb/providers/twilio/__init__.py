"""Twilio for telenb: TwiML apps on the simulated carrier, Twilio's REST API offline, a
backend that runs telenb flows on real Twilio numbers, and TwiML export of flows.

    carrier.app("+15550100", twiml=flask_app, url="/voice")   # TwiML on the simulator
    client = offline_client(carrier)                          # twilio.rest.Client, offline
    with offline(carrier): myapp.run()                        # the app's own Client, offline
    backend = telenb.connect("twilio", public_url="https://...")  # real phones
    flow_twiml(carrier, "+15550100")                          # the TwiML a flow produces

Names load lazily (the twilio SDK is imported only by the parts that need it).
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "twilio_account": ".account",
    "SimAccount": ".account",
    "twiml_flow": ".sim",
    "TwimlApp": ".interpreter",
    "parse_twiml": ".twiml_parse",
    "TwiMLParseError": ".twiml_parse",
    "signature": ".signing",
    "is_valid": ".signing",
    "WebhookRequest": ".web",
    "OfflineHttpClient": ".rest_offline",
    "offline_client": ".rest_offline",
    "offline": ".offline_sdk",
    "TwilioBackend": ".backend",
    "Credentials": ".credentials",
    "RecordingHttpClient": ".rest_recorder",
    "flow_twiml": ".export",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
