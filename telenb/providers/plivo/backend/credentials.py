"""Plivo credentials from the environment (``PLIVO_AUTH_ID``, ``PLIVO_AUTH_TOKEN``), masked.

The auth token both authenticates REST requests (HTTP Basic, auth ID as the user) and keys
the V3 signature of every webhook Plivo sends, so telenb needs it even to answer calls.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from ...live.secrets import Secret, environ, mask, require


class PlivoCredentials:
    """An auth ID and its auth token (the token is never shown)."""

    __slots__ = ("_token", "auth_id")

    def __init__(self, auth_id: str, auth_token: str):
        self.auth_id = auth_id
        self._token = Secret("PLIVO_AUTH_TOKEN", auth_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> PlivoCredentials:
        """Read the credentials; the error names the variable to set."""
        env = environ(env)
        _, auth_id = require(env, "PLIVO_AUTH_ID", why="to your Plivo auth ID (console.plivo.com)")
        _, token = require(
            env, "PLIVO_AUTH_TOKEN",
            why="to its auth token: Plivo authenticates REST requests and signs webhooks with it",
        )  # fmt: skip
        return cls(auth_id, token)

    @property
    def auth_token(self) -> str:
        """For the signature check and Basic auth only."""
        return self._token.reveal()

    def basic(self) -> str:
        pair = f"{self.auth_id}:{self._token.reveal()}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def __repr__(self) -> str:
        return f"PlivoCredentials(auth_id={mask(self.auth_id)}, auth_token={mask(self.auth_token)})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("PlivoCredentials cannot be pickled")
