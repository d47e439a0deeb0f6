"""Plivo for telenb: X-Plivo-Signature-V3 signing and verification of webhooks, and the
`plivo` SDK offline.

    sign(auth_token, "POST", url, nonce, params)   # what Plivo puts in X-Plivo-Signature-V3
    verify(request.headers, auth_token, "POST", url, request.form)   # the app's check
    client = offline_client(carrier)               # a plivo.RestClient answered by carrier
    with offline(carrier): ...                     # the app's own RestClient() too

Laid out like `telenb.providers.vonage`; names load lazily.
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "sign": ".signing",
    "verify": ".signing",
    "is_valid": ".signing",
    "SignatureError": ".signing",
    "offline_client": ".rest.sdk",
    "offline": ".rest.sdk",
    "plivo_application": ".application",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
