"""Twilio's webhook signature (X-Twilio-Signature), computed the way Twilio computes it.

The signature is HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio
requested followed by every POST parameter, sorted by name, as name then value with nothing
between; base64 encoded.  GET requests carry their parameters in the URL, so only the URL is
signed.  This module does not import twilio: the simulator signs requests without it, and the
tests check these signatures with the SDK's own `RequestValidator`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

HEADER = "X-Twilio-Signature"

Params = Mapping[str, str] | Iterable[tuple[str, str]]


def _pairs(params: Params | None) -> list[tuple[str, str]]:
    if params is None:
        return []
    items = params.items() if isinstance(params, Mapping) else params
    return [(str(k), str(v)) for k, v in items]


def signature(auth_token: str, url: str, params: Params | None = None) -> str:
    """The X-Twilio-Signature value for a request to `url` with POST `params`.

    Repeated parameters (StatusCallbackEvent=a&StatusCallbackEvent=b) contribute each
    distinct value, sorted, as Twilio does.
    """
    values: dict[str, set[str]] = {}
    for name, value in _pairs(params):
        values.setdefault(name, set()).add(value)
    payload = url + "".join(
        name + value for name in sorted(values) for value in sorted(values[name])
    )
    mac = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def is_valid(auth_token: str, url: str, params: Params | None, given: str | None) -> bool:
    """Check a request's signature (constant-time); the URL is tried with and without the
    default port, since proxies differ on whether they keep it."""
    if not given:
        return False

    candidates = {url}
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname or ""
    if parts.port is None:
        candidates.add(urlunsplit(parts._replace(netloc=f"{parts.netloc}:{default}")))
    elif parts.port == default:
        candidates.add(urlunsplit(parts._replace(netloc=host)))
    return any(
        hmac.compare_digest(signature(auth_token, u, params), given) for u in sorted(candidates)
    )
