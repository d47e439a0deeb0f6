"""Telnyx credentials from the environment, masked: ``TELNYX_API_KEY`` (REST, as a Bearer
token), ``TELNYX_PUBLIC_KEY`` (the account's Ed25519 public key, base64, that checks every
webhook) and ``TELNYX_APPLICATION_ID`` (the TeXML application calls are placed with)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...live.secrets import Secret, environ, mask, require


class TelnyxCredentials:
    """An API key (never shown), the webhook public key and the TeXML application."""

    __slots__ = ("_key", "application_id", "public_key")

    def __init__(self, api_key: str, public_key: str, application_id: str):
        self._key = Secret("TELNYX_API_KEY", api_key)
        self.public_key = public_key
        self.application_id = application_id

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TelnyxCredentials:
        """Read the credentials; the error names the variable to set."""
        env = environ(env)
        _, key = require(env, "TELNYX_API_KEY", why="to an API key (portal.telnyx.com)")
        _, public = require(
            env, "TELNYX_PUBLIC_KEY",
            why="to the account's public key: Telnyx signs webhooks with Ed25519 and telenb "
            "refuses unsigned ones",
        )  # fmt: skip
        _, app = require(
            env, "TELNYX_APPLICATION_ID", "TELNYX_CONNECTION_ID",
            why="to the TeXML application's ID: outbound calls are placed with it",
        )  # fmt: skip
        return cls(key, public, app)

    def bearer(self) -> str:
        return f"Bearer {self._key.reveal()}"

    def __repr__(self) -> str:
        return (
            f"TelnyxCredentials(api_key={mask(self._key.reveal())}, "
            f"application_id={self.application_id!r})"
        )

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("TelnyxCredentials cannot be pickled")
