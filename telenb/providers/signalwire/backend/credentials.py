"""SignalWire credentials from the environment, masked: ``SIGNALWIRE_PROJECT_ID``,
``SIGNALWIRE_TOKEN`` (or ``SIGNALWIRE_API_TOKEN``), ``SIGNALWIRE_SPACE_URL`` and
``SIGNALWIRE_SIGNING_KEY``.

The Compatibility API authenticates with HTTP Basic, project ID and API token, on the
Space's own host (``example.signalwire.com``); webhooks are signed with the project's
Signing Key (developer.signalwire.com, "Webhook Security"), a secret of its own.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ....errors import ConfigurationError
from ...live.secrets import Secret, environ, mask, require


def space_host(space_url: str) -> str:
    """``example.signalwire.com`` from it, or from ``https://example.signalwire.com/``."""
    raw = space_url.strip()
    host = urlsplit(raw if "//" in raw else f"https://{raw}").hostname or ""
    if not host or "." not in host:
        raise ConfigurationError(
            "SIGNALWIRE_SPACE_URL must be your Space's host, such as example.signalwire.com"
        )
    return host


class SignalWireCredentials:
    """A project, its API token and Signing Key (both never shown), and its Space."""

    __slots__ = ("_key", "_token", "project_id", "space")

    def __init__(self, project_id: str, token: str, space_url: str, signing_key: str):
        self.project_id = project_id
        self.space = space_host(space_url)
        self._token = Secret("SIGNALWIRE_TOKEN", token)
        self._key = Secret("SIGNALWIRE_SIGNING_KEY", signing_key)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SignalWireCredentials:
        """Read the credentials; the error names the variable to set."""
        env = environ(env)
        _, project = require(env, "SIGNALWIRE_PROJECT_ID", why="to your project's ID")
        _, token = require(env, "SIGNALWIRE_TOKEN", "SIGNALWIRE_API_TOKEN",
                           why="to the project's API token")  # fmt: skip
        _, space = require(env, "SIGNALWIRE_SPACE_URL",
                           why="to your Space's host, such as example.signalwire.com")  # fmt: skip
        _, key = require(
            env, "SIGNALWIRE_SIGNING_KEY",
            why="to the project's Signing Key: SignalWire signs webhooks with it and telenb "
            "refuses unsigned ones",
        )  # fmt: skip
        return cls(project, token, space, key)

    @property
    def signing_key(self) -> str:
        """For the webhook check only."""
        return self._key.reveal()

    def basic(self) -> str:
        pair = f"{self.project_id}:{self._token.reveal()}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def __repr__(self) -> str:
        return (
            f"SignalWireCredentials(project_id={mask(self.project_id)}, space={self.space!r}, "
            f"token={mask(self._token.reveal())}, signing_key={mask(self.signing_key)})"
        )

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("SignalWireCredentials cannot be pickled")
