"""jambonz's signed webhooks: the ``Jambonz-Signature`` header.

jambonz signs every webhook with the account's webhook secret: the header reads
``t=<unix seconds>,v1=<hex>``, where the hex is HMAC-SHA256 over ``"<t>.<raw body>"``
("Securing HTTP endpoints"; `@jambonz/node-client`'s ``verifyJambonzSignature`` checks it,
accepting any of several ``v1`` values and refusing a timestamp more than 300 s old).  The signed
text is the payload's JSON, the body of a POST; a GET webhook carries the payload in its
query string but is signed over the same JSON, as the feature server computes it.
`sign` makes the header; `verify` checks one as an app should: the signature first, then its age.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping

from ...errors import TelenbError

HEADER = "Jambonz-Signature"
SCHEME = "v1"
TOLERANCE = 300  # seconds: how old a signature node-client still accepts


class SignatureError(TelenbError, ValueError):
    """A webhook whose Jambonz-Signature is missing, malformed, not made with the secret,
    or too old."""


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def signature(secret: str, body: bytes | str, timestamp: int) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed with `secret`."""
    message = str(int(timestamp)).encode("ascii") + b"." + _bytes(body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes | str, timestamp: int) -> str:
    """The ``Jambonz-Signature`` value jambonz sends with `body` at `timestamp`."""
    return f"t={int(timestamp)},{SCHEME}={signature(secret, body, timestamp)}"


def parse(header: str) -> tuple[int, list[str]]:
    """(timestamp, [v1 signatures]) of a header value; `SignatureError` if it has neither."""
    timestamp: int | None = None
    found: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError(f"the timestamp {value!r} is not a number") from None
        elif key == SCHEME and value:
            found.append(value)
    if timestamp is None:
        raise SignatureError("unable to extract timestamp and signatures from header")
    if not found:
        raise SignatureError("no signatures found")
    return timestamp, found


def header_from(headers: Mapping[str, str] | str) -> str:
    if isinstance(headers, str):
        return headers
    value = next((v for k, v in headers.items() if k.lower() == HEADER.lower()), None)
    if not value:
        raise SignatureError(f"no {HEADER} header: the request is unsigned")
    return value


def verify(
    headers: Mapping[str, str] | str,
    secret: str | Iterable[str],
    body: bytes | str,
    *,
    now: float | None = None,
    tolerance: float = TOLERANCE,
) -> int:
    """The signature's timestamp, or `SignatureError` saying what is wrong.

    `headers` is the request's headers (or the header's value); `body` the raw body as
    received; `secret` one secret or several (while rotating).  `now` defaults to the wall
    clock: give the simulator's time when checking a simulated webhook."""
    timestamp, found = parse(header_from(headers))
    secrets = [secret] if isinstance(secret, str) else list(secret)
    expected = [signature(s, body, timestamp) for s in secrets]
    if not any(hmac.compare_digest(e, f) for e in expected for f in found):
        raise SignatureError("No matching signatures found (wrong webhook secret, or tampered)")
    age = (time.time() if now is None else now) - timestamp
    if age > tolerance:
        raise SignatureError(f"timestamp outside of tolerance ({age:.0f} s old > {tolerance} s)")
    return timestamp


def is_valid(
    headers: Mapping[str, str] | str,
    secret: str | Iterable[str],
    body: bytes | str,
    *,
    now: float | None = None,
    tolerance: float = TOLERANCE,
) -> bool:
    """True when `verify` accepts the request."""
    try:
        verify(headers, secret, body, now=now, tolerance=tolerance)
    except SignatureError:
        return False
    return True
