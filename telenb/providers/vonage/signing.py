"""Vonage's signed webhooks: a JWT in the ``Authorization: Bearer`` header.

Vonage signs each Voice API callback with HS256 and the account's signature secret; the
claims are ``iat`` (seconds), ``jti`` (a unique ID), ``iss`` ("Vonage"), ``api_key``,
``application_id`` and ``payload_hash``, the SHA-256 hex digest of the request body
(https://developer.vonage.com/en/getting-started/concepts/webhooks#decoding-signed-webhooks,
Messages "Signed webhooks").  `sign` makes such a token; `verify` checks one as an app
should: signature first, then (when given the body) the payload hash.  PyJWT does the JWT
work (it comes with the twilio SDK, a telenb dependency).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from ...errors import TelenbError

HEADER = "Authorization"
ISSUER = "Vonage"


class SignatureError(TelenbError, ValueError):
    """A webhook whose JWT is missing, malformed, not signed with the secret, or whose
    payload does not match its ``payload_hash``."""


def payload_hash(body: bytes | str) -> str:
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    return hashlib.sha256(data).hexdigest()


def sign(
    secret: str,
    body: bytes | str = b"",
    *,
    api_key: str,
    application_id: str | None = None,
    iat: int,
    jti: str,
) -> str:
    """The JWT Vonage would put in the Authorization header of a request with `body`."""
    import jwt

    claims: dict[str, Any] = {
        "iat": int(iat),
        "jti": jti,
        "iss": ISSUER,
        "payload_hash": payload_hash(body),
        "api_key": api_key,
    }
    if application_id:
        claims["application_id"] = application_id
    return jwt.encode(claims, secret, algorithm="HS256")


def token_from(headers: Mapping[str, str] | str) -> str:
    """The token of an ``Authorization: Bearer <jwt>`` header (or the header's value)."""
    if isinstance(headers, str):
        value = headers
    else:
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignatureError("no 'Authorization: Bearer <JWT>' header: the request is unsigned")
    return token.strip()


def verify(
    headers: Mapping[str, str] | str, secret: str, body: bytes | str | None = None
) -> dict[str, Any]:
    """The claims of a signed webhook, or `SignatureError` saying what is wrong.

    `headers` is the request's headers (or the Authorization value, or the bare token);
    with `body`, its SHA-256 must equal the ``payload_hash`` claim."""
    import jwt

    if isinstance(headers, str) and headers.count(".") == 2 and " " not in headers.strip():
        token = headers.strip()
    else:
        token = token_from(headers)
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.InvalidSignatureError:
        raise SignatureError("the JWT is not signed with this signature secret") from None
    except jwt.PyJWTError as exc:
        raise SignatureError(f"the JWT cannot be read: {exc}") from None
    if body is not None:
        expected = claims.get("payload_hash")
        if not isinstance(expected, str) or not hmac.compare_digest(expected, payload_hash(body)):
            raise SignatureError("the body does not match the JWT's payload_hash (tampered?)")
    return claims


def is_valid(
    headers: Mapping[str, str] | str, secret: str, body: bytes | str | None = None
) -> bool:
    """True when `verify` accepts the request."""
    try:
        verify(headers, secret, body)
    except SignatureError:
        return False
    return True
