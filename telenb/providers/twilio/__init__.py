"""Twilio for telenb: TwiML apps on the simulated carrier, Twilio's REST API offline, a
backend that runs telenb flows on real Twilio numbers, and TwiML export of flows.

    carrier.app("+15550100", twiml=flask_app, url="/voice")   # TwiML on the simulator
    client = offline_client(carrier)                          # twilio.rest.Client, offline
    with offline(carrier): myapp.run()                        # the app's own Client, offline
    backend = telenb.connect("twilio", public_url="https://...")  # real phones
    flow_twiml(carrier, "+15550100")                          # the TwiML a flow produces

One sub-package per concern: `twiml` (documents: parse, attributes, render), `sim` (TwiML
apps on the simulated carrier), `rest` (Twilio's REST API offline, for the SDK) and `backend`
(real Twilio: the webhook server, credentials, dry runs). `account` is Twilio's view of a
simulated carrier, shared by `sim` and `rest`; `signing` is shared by all. Names load lazily
(the twilio SDK is imported only by the parts that need it).
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "twilio_account": ".account",
    "SimAccount": ".account",
    "twiml_flow": ".sim.app",
    "TwimlApp": ".sim.interpreter",
    "parse_twiml": ".twiml.parse",
    "TwiMLParseError": ".twiml.parse",
    "signature": ".signing",
    "is_valid": ".signing",
    "WebhookRequest": "..webhooks.web",
    "OfflineHttpClient": ".rest.offline",
    "offline_client": ".rest.offline",
    "offline": ".rest.sdk",
    "client_call": ".rest.voice_sdk",
    "TwilioBackend": ".backend.backend",
    "Credentials": ".credentials",
    "RecordingHttpClient": ".backend.recorder",
    "flow_twiml": ".backend.export",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
