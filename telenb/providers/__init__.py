"""Front doors to real networks and vendor formats (Twilio first)."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError

PROVIDERS = ("twilio", "sip", "plivo", "vonage", "telnyx", "signalwire")


def connect(provider: str, **options: Any) -> Any:
    """A backend that runs telenb flows on a real network: ``connect("twilio", public_url=...)``.

    See `telenb.providers.twilio.TwilioBackend` for the options (allow-list, dry run,
    confirmation, credentials from the environment), and `telenb.providers.sip.backend.SipBackend`
    for real SIP calls (``connect("sip", listen="127.0.0.1:5070")``)."""
    if str(provider).lower() == "twilio":
        from .twilio.backend.backend import TwilioBackend

        return TwilioBackend(**options)
    if str(provider).lower() == "plivo":
        from .plivo.backend.backend import PlivoBackend

        return PlivoBackend(**options)
    if str(provider).lower() == "vonage":
        from .vonage.backend.backend import VonageBackend

        return VonageBackend(**options)
    if str(provider).lower() == "telnyx":
        from .telnyx.backend.backend import TelnyxBackend

        return TelnyxBackend(**options)
    if str(provider).lower() == "signalwire":
        from .signalwire.backend.backend import SignalWireBackend

        return SignalWireBackend(**options)
    if str(provider).lower() == "sip":
        from .sip.backend import SipBackend

        return SipBackend(**options)
    raise ConfigurationError(
        f"unknown provider {provider!r}; telenb connects to {', '.join(PROVIDERS)}"
    )
