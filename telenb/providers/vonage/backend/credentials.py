"""Vonage credentials from the environment, masked: ``VONAGE_APPLICATION_ID``,
``VONAGE_PRIVATE_KEY`` (a PEM, or the path of one; ``VONAGE_PRIVATE_KEY_PATH`` too) and
``VONAGE_SIGNATURE_SECRET``.

The Voice API authenticates with a JWT the application signs itself (RS256 with its private
key; claims ``application_id``, ``iat``, ``jti`` and ``exp``: developer.vonage.com, "JWT
authentication"), and Vonage signs each webhook with the account's signature secret (HS256),
so telenb needs all three.  The clock and the token IDs are injectable, so a test can compare
a request byte for byte.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ....errors import ConfigurationError
from ...live.secrets import Secret, environ, mask, require

TOKEN_LIFETIME = 900  # seconds, Vonage's default for a generated JWT


def _pem(name: str, value: str) -> str:
    if value.lstrip().startswith("-----BEGIN"):
        return value.replace("\\n", "\n")
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigurationError(f"{name} is neither a PEM private key nor the path of one")
    return path.read_text()


class VonageCredentials:
    """A Voice application's ID, private key and the account's signature secret."""

    __slots__ = ("_key", "_secret", "application_id", "clock", "new_id")

    def __init__(
        self,
        application_id: str,
        private_key: str,
        signature_secret: str,
        *,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ):
        self.application_id = application_id
        self._key = Secret("VONAGE_PRIVATE_KEY", private_key)
        self._secret = Secret("VONAGE_SIGNATURE_SECRET", signature_secret)
        self.clock, self.new_id = clock, new_id

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **options: Any) -> VonageCredentials:
        """Read the credentials; the error names the variable to set."""
        env = environ(env)
        _, app = require(env, "VONAGE_APPLICATION_ID", why="to your Voice application's ID")
        name, key = require(
            env, "VONAGE_PRIVATE_KEY", "VONAGE_PRIVATE_KEY_PATH",
            why="to the application's private key (PEM) or its path: the Voice API takes a "
            "JWT signed with it",
        )  # fmt: skip
        _, secret = require(
            env, "VONAGE_SIGNATURE_SECRET",
            why="to the account's signature secret: Vonage signs webhooks with it and telenb "
            "refuses unsigned ones",
        )  # fmt: skip
        return cls(app, _pem(name, key), secret, **options)

    @property
    def signature_secret(self) -> str:
        """For the webhook check only."""
        return self._secret.reveal()

    def bearer(self) -> str:
        """``Bearer <JWT>`` for one request (RS256, a fresh jti each time)."""
        import jwt

        now = int(self.clock())
        claims = {
            "application_id": self.application_id,
            "iat": now,
            "jti": self.new_id(),
            "exp": now + TOKEN_LIFETIME,
        }
        try:
            token = jwt.encode(claims, self._key.reveal(), algorithm="RS256")
        except (ValueError, TypeError):  # never the key itself in the message
            raise ConfigurationError(
                "VONAGE_PRIVATE_KEY is not a usable RSA private key (PEM)"
            ) from None
        return f"Bearer {token}"

    def __repr__(self) -> str:
        return (
            f"VonageCredentials(application_id={mask(self.application_id)}, "
            f"private_key=****, signature_secret={mask(self.signature_secret)})"
        )

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("VonageCredentials cannot be pickled")
