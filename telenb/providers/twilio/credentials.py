"""Twilio credentials from the environment, masked wherever they could be shown.

Credentials are read from ``TWILIO_ACCOUNT_SID`` plus either ``TWILIO_AUTH_TOKEN`` or
``TWILIO_API_KEY`` / ``TWILIO_API_SECRET``.  Their repr shows a short prefix and a length,
never the secret; they are never written to a trace, a log or a notebook.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ...errors import ConfigurationError
from ..live.secrets import mask

__all__ = ["Credentials", "mask"]


class Credentials:
    """An Account SID with an auth token or an API key and secret (secrets masked)."""

    __slots__ = ("_api_secret", "_auth_token", "account_sid", "api_key")

    def __init__(
        self,
        account_sid: str,
        auth_token: str | None = None,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
    ):
        if not account_sid or not account_sid.startswith("AC"):
            raise ConfigurationError(
                "a Twilio Account SID starts with 'AC': set TWILIO_ACCOUNT_SID to the one on "
                "console.twilio.com"
            )
        if not auth_token and not (api_key and api_secret):
            raise ConfigurationError(
                "Twilio needs a secret: set TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
                "TWILIO_API_SECRET)"
            )
        self.account_sid, self.api_key = account_sid, api_key
        self._auth_token, self._api_secret = auth_token, api_secret

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Credentials:
        """Read the credentials; the error names the variable to set."""
        env = os.environ if env is None else env
        sid = env.get("TWILIO_ACCOUNT_SID", "").strip()
        if not sid:
            raise ConfigurationError(
                "set the environment variable TWILIO_ACCOUNT_SID to your Account SID (AC…, on "
                "console.twilio.com) and TWILIO_AUTH_TOKEN to its auth token"
            )
        token = env.get("TWILIO_AUTH_TOKEN", "").strip() or None
        key = env.get("TWILIO_API_KEY", "").strip() or None
        secret = env.get("TWILIO_API_SECRET", "").strip() or None
        if not token and key and not secret:
            raise ConfigurationError("TWILIO_API_KEY is set: set TWILIO_API_SECRET as well")
        if not token and not key:
            raise ConfigurationError(
                "set the environment variable TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
                "TWILIO_API_SECRET) to authenticate with Twilio"
            )
        return cls(sid, token, api_key=key, api_secret=secret)

    @property
    def auth_token(self) -> str | None:
        """The auth token (Twilio signs webhooks with it), for validators only."""
        return self._auth_token

    def client_args(self) -> tuple[str, str, str]:
        """(username, password, account_sid) for `twilio.rest.Client`."""
        if self.api_key and self._api_secret:
            return self.api_key, self._api_secret, self.account_sid
        assert self._auth_token is not None
        return self.account_sid, self._auth_token, self.account_sid

    def __repr__(self) -> str:
        key = (
            f", api_key={self.api_key!r}, api_secret={mask(self._api_secret)}"
            if self.api_key
            else ""
        )
        return (
            f"Credentials(account_sid={self.account_sid[:6]}…{self.account_sid[-4:]}, "
            f"auth_token={mask(self._auth_token)}{key})"
        )

    __str__ = __repr__

    def __reduce__(self) -> Any:  # never pickled into a notebook or a file
        raise TypeError("Credentials cannot be pickled")
