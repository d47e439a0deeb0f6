"""Plivo's signed webhooks: ``X-Plivo-Signature-V3`` with its ``X-Plivo-Signature-V3-Nonce``.

Plivo's documented V3 scheme (https://www.plivo.com/docs/voice/concepts/signature-validation):
the base string is the full callback URL with its query parameters sorted; for POST the
sorted form parameters follow as key1value1key2value2... after ``.`` (or after ``?``
when the URL has no query, as Plivo's SDK validators build it); for GET they are merged
into the query.  The signature is base64(HMAC-SHA256(auth_token, base + "." + nonce)).  The
header may hold several comma-separated signatures (one per token during a rotation).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from ...errors import TelenbError

HEADER = "X-Plivo-Signature-V3"
NONCE_HEADER = "X-Plivo-Signature-V3-Nonce"


class SignatureError(TelenbError, ValueError):
    """A webhook whose V3 signature is missing or not made with the auth token."""


def _query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def base_string(method: str, url: str, params: Mapping[str, str] | None = None) -> str:
    """What Plivo signs for a request to `url` carrying `params` (form for POST)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(params or {})
    if method.upper() == "GET":
        query = query + [(str(k), str(v)) for k, v in params.items()]
        params = {}
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, _query(query), ""))
    if params:
        base += ("." if query else "?") + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base


def sign(
    auth_token: str, method: str, url: str, nonce: str, params: Mapping[str, str] | None = None
) -> str:
    """The ``X-Plivo-Signature-V3`` value Plivo would send."""
    message = f"{base_string(method, url, params)}.{nonce}".encode()
    digest = hmac.new(auth_token.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), "")


def verify(
    headers: Mapping[str, str],
    auth_token: str,
    method: str,
    url: str,
    params: Mapping[str, str] | None = None,
) -> None:
    """Raise `SignatureError` unless the request's V3 signature matches `auth_token`."""
    signature, nonce = _header(headers, HEADER), _header(headers, NONCE_HEADER)
    if not signature or not nonce:
        raise SignatureError(f"no {HEADER} / {NONCE_HEADER} headers: the request is unsigned")
    expected = sign(auth_token, method, url, nonce, params)
    if not any(hmac.compare_digest(expected, s.strip()) for s in signature.split(",")):
        raise SignatureError(f"the {HEADER} is not made with this auth token (tampered?)")


def is_valid(
    headers: Mapping[str, str],
    auth_token: str,
    method: str,
    url: str,
    params: Mapping[str, str] | None = None,
) -> bool:
    """True when `verify` accepts the request."""
    try:
        verify(headers, auth_token, method, url, params)
    except SignatureError:
        return False
    return True
