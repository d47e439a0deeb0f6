"""Run an app's own `twilio.rest.Client` against the simulated carrier, unmodified.

Real apps build their client themselves, usually from the environment
(``Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])``), often at
import time. Inside ``with offline(carrier):`` every such client, whenever it was created,
sends its requests to the carrier instead of the network:

    with offline(carrier):
        import myapp                      # its module-level Client is offline too
        myapp.notify_customers()          # Messages.create -> the carrier's message log

The environment's TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are set to the carrier's simulated
account for the duration (and restored after), so credentials an app reads from it are valid.
Credentials the app brings itself (a .env file, a settings module) are mapped onto the carrier's
account with ``credentials={"AC...": "token"}``; API keys with ``api_keys={"SK...": "secret"}``.
Any other credentials get Twilio's 20003 (authentication failed), as on the real network.
Nothing here ever reaches the network: a request that cannot be served is answered 404.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

from ....errors import ConfigurationError
from ..account import API_VERSION, twilio_account
from .offline import OfflineHttpClient

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

F = TypeVar("F", bound=Callable[..., Any])
_ENV_NAMES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")


class _Mapped(OfflineHttpClient):
    """The carrier's REST API, with the app's own credentials standing for the account."""

    def __init__(self, carrier: Carrier, aliases: Mapping[str, str], **options: Any):
        super().__init__(carrier, **options)
        self.aliases = dict(aliases)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        auth = kwargs.get("auth")
        if auth is None and len(args) >= 4:
            auth = args[3]
        user, secret = auth or ("", "")
        if user in self.aliases and self.aliases[user] == secret:
            acct = self.account
            if user.startswith("SK"):
                acct.api_keys.setdefault(user, secret)
            else:
                url = _with_account(url, user, acct.account_sid)
                auth = (acct.account_sid, acct.auth_token)
            if len(args) >= 4:
                args = (*args[:3], auth, *args[4:])
            else:
                kwargs["auth"] = auth
        return super().request(method, url, *args, **kwargs)


def _with_account(url: str, alias: str, sid: str) -> str:
    parts = urlsplit(url)
    prefix = f"/{API_VERSION}/Accounts/{alias}"
    if not parts.path.startswith(prefix):
        return url
    rest = parts.path[len(prefix) :]
    return urlunsplit(parts._replace(path=f"/{API_VERSION}/Accounts/{sid}{rest}"))


class offline(contextlib.ContextDecorator):  # a class used like a function, as contextlib's
    """Every `twilio.rest.Client` talks to `carrier` while this is active (a context manager
    or a decorator). `advance` runs that many seconds of virtual time before each request.

    Nested uses stack: the innermost active carrier answers. A client made inside keeps its
    own HTTP client for after the exit, so it reaches the network again once nothing is
    active, as a client made outside does."""

    def __init__(
        self,
        carrier: Carrier,
        *,
        credentials: Mapping[str, str] | None = None,
        api_keys: Mapping[str, str] | None = None,
        environ: bool = True,
        advance: float | None = None,
    ):
        for sid in credentials or {}:
            if not str(sid).startswith("AC"):
                raise ConfigurationError(f"credentials maps Account SIDs (AC...), not {sid!r}")
        for sid in api_keys or {}:
            if not str(sid).startswith("SK"):
                raise ConfigurationError(f"api_keys maps API key SIDs (SK...), not {sid!r}")
        self.carrier = carrier
        self.account = twilio_account(carrier)
        self.aliases = {**(credentials or {}), **(api_keys or {})}
        self.environ = environ
        self.advance = advance
        self.client = _Mapped(carrier, self.aliases, advance=advance)
        self._stack: list[contextlib.ExitStack] = []

    def __repr__(self) -> str:
        return f"<offline twilio for {self.account.account_sid}, {len(self.aliases)} mapped>"

    def __enter__(self) -> offline:
        stack = contextlib.ExitStack()
        stack.enter_context(_active(self))
        if self.environ:
            values = {"TWILIO_ACCOUNT_SID": self.account.account_sid,
                      "TWILIO_AUTH_TOKEN": self.account.auth_token}  # fmt: skip
            stack.enter_context(_environ(values))
        self._stack.append(stack)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.pop().close()


_ACTIVE: list[offline] = []  # innermost last
_ORIGINALS: dict[str, Any] = {}


class _Routed(HttpClient):
    """The HTTP client of a Client made while offline: the active carrier while there is
    one, the client's own (or a new TwilioHttpClient) after."""

    def __init__(self, own: HttpClient | None):
        super().__init__(None, False, None)
        self.own = own

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if _ACTIVE:
            return _ACTIVE[-1].client.request(method, url, *args, **kwargs)
        if self.own is None:
            self.own = TwilioHttpClient()
        response = self.own.request(method, url, *args, **kwargs)
        self.last_request, self.last_response = self.own.last_request, self.own.last_response
        return response


@contextlib.contextmanager
def _active(entry: offline) -> Iterator[None]:
    if not _ACTIVE:
        _install()
    _ACTIVE.append(entry)
    try:
        yield
    finally:
        for i in range(len(_ACTIVE) - 1, -1, -1):  # the latest entry of this one
            if _ACTIVE[i] is entry:
                del _ACTIVE[i]
                break
        if not _ACTIVE:
            _uninstall()


def _install() -> None:
    """Patch the SDK's two seams: the default HTTP client's request (clients made before)
    and ClientBase.__init__ (clients made inside, whatever HTTP client they bring)."""
    from twilio.base.client_base import ClientBase

    request = _ORIGINALS["request"] = TwilioHttpClient.__dict__["request"]
    init = _ORIGINALS["init"] = ClientBase.__dict__["__init__"]

    @functools.wraps(request)
    def routed_request(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if _ACTIVE:
            return _ACTIVE[-1].client.request(method, url, *args, **kwargs)
        return request(self, method, url, *args, **kwargs)  # pragma: no cover - uninstalled

    @functools.wraps(init)
    def routed_init(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) >= 5:
            args = (*args[:4], _Routed(args[4]), *args[5:])
        else:
            kwargs["http_client"] = _Routed(kwargs.get("http_client"))
        init(self, *args, **kwargs)

    TwilioHttpClient.request = routed_request
    ClientBase.__init__ = routed_init


def _uninstall() -> None:
    from twilio.base.client_base import ClientBase

    TwilioHttpClient.request = _ORIGINALS.pop("request")
    ClientBase.__init__ = _ORIGINALS.pop("init")


@contextlib.contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
