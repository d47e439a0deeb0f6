"""One REGISTER binding at a registrar (RFC 3261 section 10), as the kernel sees it.

The password is read from an environment variable the moment the REGISTER is sent, handed to
the worker over its private pipe, and never kept here: a `Registration` names the variable,
not its value, so its repr, the trace and every error message are safe to show.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping

from ...errors import ConfigurationError

_AOR = re.compile(r"^sips?:([^@\s;<>]+)@([^\s;<>]+)$")
FINAL = ("registered", "failed", "unregistered")


def parse_aor(aor: str) -> tuple[str, str]:
    """(user, host[:port]) of an address-of-record such as ``sip:1001@127.0.0.1:5090``."""
    m = _AOR.match(aor.strip())
    if not m:
        raise ConfigurationError(
            f"register() takes an address-of-record sip:USER@HOST[:PORT], such as "
            f"sip:1001@127.0.0.1:5090, not {aor!r}"
        )
    return m.group(1), m.group(2)


def read_password(name: str, registrar: str, env: Mapping[str, str] | None = None) -> str:
    """The password in environment variable `name`; the error names the variable only."""
    env = os.environ if env is None else env
    if not name or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ConfigurationError(
            f"password_env names an environment variable (such as SIP_PASSWORD), not {name!r}"
        )
    value = env.get(name, "")
    if not value:
        raise ConfigurationError(
            f"registering at {registrar} needs a password: set the environment variable {name} "
            f"(it is {'empty' if name in env else 'not set'}); nothing was sent"
        )
    return value


class RegistrationFailed(ConfigurationError):
    """The registrar refused the REGISTER (or never answered): `code` is its SIP status."""

    def __init__(self, registration: Registration):
        r = registration
        why = f"SIP {r.code} {r.reason}".strip() if r.code else (r.reason or "no answer")
        hint = ""
        if r.code in (401, 403, 407):
            hint = f" (check the user name {r.username!r} and the password in ${r.password_env})"
        super().__init__(f"registering {r.aor} at {r.registrar} failed: {why}{hint}")
        self.code = r.code
        self.registration = r


class Registration:
    """The state of one REGISTER binding: registering, registered, failed or unregistered."""

    def __init__(
        self, ref: str, aor: str, registrar: str, username: str, password_env: str, expires: int
    ):
        self.ref, self.aor, self.registrar = ref, aor, registrar
        self.username, self.password_env, self.expires = username, password_env, expires
        self.state = "registering"
        self.code: int | None = None
        self.reason = ""
        self.granted: int | None = None  # the expiry the registrar granted, in seconds
        self._changed = threading.Condition()

    @property
    def registered(self) -> bool:
        return self.state == "registered"

    def update(self, code: int, reason: str, active: bool, expires: int) -> str:
        """Take the worker's report of one REGISTER's outcome; returns the new state."""
        with self._changed:
            if active:
                self.state, self.granted = "registered", expires
            elif self.state == "unregistering":
                self.state, self.granted = "unregistered", 0
            elif self.state in ("failed", "unregistered"):
                self._changed.notify_all()  # the account was dropped: nothing new to say
                return self.state
            else:
                self.state = "failed"
            self.code, self.reason = (code or None), reason
            self._changed.notify_all()
            return self.state

    def unregistering(self) -> None:
        with self._changed:
            self.state = "unregistering"

    def wait(self, timeout: float, until: tuple[str, ...] = FINAL) -> bool:
        """Block until the state is one of `until`; False if `timeout` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: self.state in until, timeout)

    def __repr__(self) -> str:
        said = f" ({self.code} {self.reason})".rstrip() if self.code else ""
        granted = f", expires {self.granted} s" if self.state == "registered" else ""
        return (
            f"<Registration {self.aor} at {self.registrar}: {self.state}{said}{granted}; "
            f"user {self.username}, password from ${self.password_env}>"
        )
