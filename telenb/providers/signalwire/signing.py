"""SignalWire's signed webhooks: ``X-SignalWire-Signature``, with ``X-Twilio-Signature``.

SignalWire's webhook-security guide (https://developer.signalwire.com/guides/webhook-security)
says every webhook carries an HMAC signature made with the project's Signing Key, checked by
the Compatibility SDK's ``validateRequest`` (the same computation as Twilio's
``RequestValidator``: HMAC-SHA1 over the URL and the sorted POST parameters, base64).  Its
Python SDK reference (signalwire.core.security) names ``X-SignalWire-Signature`` as the
header and accepts ``X-Twilio-Signature`` as its alias for Compatibility callbacks, so the
simulator sends both, with the same value.
"""

from __future__ import annotations

from ..twilio.signing import Params
from ..twilio.signing import is_valid as _twilio_is_valid
from ..twilio.signing import signature as _twilio_signature

HEADER = "X-SignalWire-Signature"
ALIAS = "X-Twilio-Signature"


def signature(signing_key: str, url: str, params: Params | None = None) -> str:
    """The X-SignalWire-Signature value for a request to `url` with POST `params`."""
    return _twilio_signature(signing_key, url, params)


def headers(signing_key: str, url: str, params: Params | None = None) -> dict[str, str]:
    """Both signature headers SignalWire's cXML requests carry."""
    value = signature(signing_key, url, params)
    return {HEADER: value, ALIAS: value}


def is_valid(signing_key: str, url: str, params: Params | None, given: str | None) -> bool:
    """Check a request's signature (constant time), as the Compatibility SDK does."""
    return _twilio_is_valid(signing_key, url, params, given)
