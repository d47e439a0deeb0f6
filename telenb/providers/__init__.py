"""Front doors to real networks and vendor formats."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError

PROVIDERS = ("twilio", "sip", "plivo", "vonage", "telnyx", "signalwire")


def connect(provider: str, **options: Any) -> Any:
    """A backend that runs telenb flows on a real network: ``connect("twilio", public_url=...)``.

    Every vendor takes ``public_url`` (the https address it reaches), ``allow`` (numbers or
    ``'+1555*'`` prefixes that may be called or texted), ``from_``, ``dry_run`` (print the
    request, the documents and the cost; send nothing), ``confirm`` (asked before the first
    real call), ``executor``, ``rates`` and ``region``; credentials come from the environment:

    - ``"twilio"``: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN; ``credentials=``, ``http_client=``
      (`telenb.providers.twilio.TwilioBackend`).
    - ``"vonage"``: VONAGE_APPLICATION_ID, VONAGE_PRIVATE_KEY, VONAGE_SIGNATURE_SECRET.
    - ``"plivo"``: PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN.
    - ``"telnyx"``: TELNYX_API_KEY, TELNYX_PUBLIC_KEY, TELNYX_APPLICATION_ID; ``clock=``.
    - ``"signalwire"``: SIGNALWIRE_PROJECT_ID, SIGNALWIRE_TOKEN, SIGNALWIRE_SPACE_URL,
      SIGNALWIRE_SIGNING_KEY.

    The four take ``env=`` (instead of ``os.environ``), ``credentials=`` and ``transport=``
    (an httpx transport in place of the network; see `telenb.providers.live.backend`).
    ``"sip"`` places real SIP calls (``connect("sip", listen="127.0.0.1:5070")``, see
    `telenb.providers.sip.backend.SipBackend`)."""
    name = str(provider).lower()
    if name == "twilio":
        from .twilio.backend.backend import TwilioBackend

        return TwilioBackend(**options)
    if name == "plivo":
        from .plivo.backend.backend import PlivoBackend

        return PlivoBackend(**options)
    if name == "vonage":
        from .vonage.backend.backend import VonageBackend

        return VonageBackend(**options)
    if name == "telnyx":
        from .telnyx.backend.backend import TelnyxBackend

        return TelnyxBackend(**options)
    if name == "signalwire":
        from .signalwire.backend.backend import SignalWireBackend

        return SignalWireBackend(**options)
    if name == "sip":
        from .sip.backend import SipBackend

        return SipBackend(**options)
    raise ConfigurationError(
        f"unknown provider {provider!r}; telenb connects to {', '.join(PROVIDERS)}"
    )
