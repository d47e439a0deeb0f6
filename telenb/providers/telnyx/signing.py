"""Telnyx's signed webhooks: ``telnyx-signature-ed25519`` with ``telnyx-timestamp``.

Telnyx's documented scheme (its TeXML callback references, e.g.
https://developers.telnyx.com/api-reference/callbacks/texml-gather): the sender signs
``<timestamp>|<raw body>`` with the account's Ed25519 private key; ``telnyx-timestamp`` holds
the Unix seconds and ``telnyx-signature-ed25519`` the base64 signature.  The app checks it with
the account's public key (base64, shown in the portal) and refuses stale timestamps.  Ed25519
signatures are deterministic, so the same seed gives the same headers.  Needs the
`cryptography` package (``pip install "telenb[telnyx]"``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from ...errors import ConfigurationError, TelenbError

SIGNATURE_HEADER = "telnyx-signature-ed25519"
TIMESTAMP_HEADER = "telnyx-timestamp"
TOLERANCE = 300  # seconds: a timestamp further from now than this is a replay


class SignatureError(TelenbError, ValueError):
    """A webhook whose Ed25519 signature is missing, stale, or not made with the key."""


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:  # pragma: no cover - the extra is installed wherever tests run
        raise ConfigurationError(
            "Telnyx signs webhooks with Ed25519, which needs the cryptography package: "
            'pip install "telenb[telnyx]"'
        ) from None
    return ed25519


def private_key(seed: str) -> Any:
    """The Ed25519 private key derived from `seed` (the carrier's, so runs repeat)."""
    raw = hashlib.sha256(f"telnyx-ed25519:{seed}".encode()).digest()
    return _ed25519().Ed25519PrivateKey.from_private_bytes(raw)


def public_key_b64(key: Any) -> str:
    """The public half of `key` as Telnyx shows it: 32 raw bytes, base64."""
    from cryptography.hazmat.primitives import serialization

    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def payload(timestamp: int | str, body: bytes) -> bytes:
    """What is signed: the timestamp, a ``|``, then the body exactly as sent."""
    return str(timestamp).encode("ascii") + b"|" + body


def sign(key: Any, timestamp: int, body: bytes) -> dict[str, str]:
    """The two headers Telnyx sends with a request whose body is `body`."""
    sig = key.sign(payload(timestamp, body))
    return {
        SIGNATURE_HEADER: base64.b64encode(sig).decode("ascii"),
        TIMESTAMP_HEADER: str(timestamp),
    }


def verify(
    public_key: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    now: float | None = None,
    tolerance: float = TOLERANCE,
) -> None:
    """Check a webhook as an app does; raises `SignatureError` saying what is wrong.

    `now` (Unix seconds) enables the replay check: the timestamp must be within `tolerance`.
    """
    if not signature or not timestamp:
        raise SignatureError(f"no {SIGNATURE_HEADER} or {TIMESTAMP_HEADER} header")
    if not timestamp.isdigit():
        raise SignatureError(f"{TIMESTAMP_HEADER} {timestamp!r} is not Unix seconds")
    if now is not None and abs(now - int(timestamp)) > tolerance:
        raise SignatureError(f"{TIMESTAMP_HEADER} {timestamp} is more than {tolerance} s off")
    ed25519 = _ed25519()
    from cryptography.exceptions import InvalidSignature

    try:
        key = ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(signature, validate=True), payload(timestamp, body))
    except (InvalidSignature, ValueError, binascii.Error):
        raise SignatureError("the Ed25519 signature does not match this body") from None


def is_valid(public_key: str, body: bytes, signature: str | None, timestamp: str | None) -> bool:
    """`verify` as a yes or no (no replay check)."""
    try:
        verify(public_key, body, signature, timestamp)
    except SignatureError:
        return False
    return True
