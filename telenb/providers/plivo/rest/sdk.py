"""Run the `plivo` SDK against a simulated carrier, unmodified.

    client = offline_client(carrier, numbers=["+15550100"])   # a plivo.RestClient
    with offline(carrier):                                    # the app makes its own
        client = plivo.RestClient()        # PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN: the account's

Both authenticate as the carrier's simulated Plivo account (`plivo_application`); `numbers`
adds senders to it (the numbers of `carrier.app(..., plivo=...)` are its own already).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..application import plivo_application
from .offline import mount

if TYPE_CHECKING:
    import plivo

    from ....sim.carrier import Carrier

_ENV = ("PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN")


def _add_numbers(carrier: Carrier, numbers: Iterable[str]) -> None:
    papp = plivo_application(carrier)
    papp.numbers.update(carrier.normalize(n) for n in numbers)


def offline_client(
    carrier: Carrier, *, numbers: Iterable[str] = (), **options: Any
) -> plivo.RestClient:
    """A real `plivo.RestClient` for the carrier's Plivo account whose HTTP never leaves the
    process.  `options` go to the client (proxies, timeout)."""
    import plivo

    _add_numbers(carrier, numbers)
    papp = plivo_application(carrier)
    client = plivo.RestClient(papp.auth_id, papp.auth_token, **options)
    mount(client, carrier)
    return client


class offline(contextlib.ContextDecorator):  # a class used like a function, as contextlib's
    """Every `plivo.RestClient` made while this is active talks to `carrier` (and keeps doing
    so after); PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN are the account's for the duration."""

    def __init__(self, carrier: Carrier, *, numbers: Iterable[str] = (), environ: bool = True):
        self.carrier, self.environ = carrier, environ
        _add_numbers(carrier, numbers)
        self._saved: list[tuple[Any, dict[str, str | None]]] = []

    def __enter__(self) -> offline:
        from plivo.rest.client import Client

        original = Client.__dict__["__init__"]
        carrier = self.carrier

        @functools.wraps(original)
        def init(client: Any, *args: Any, **kwargs: Any) -> None:
            original(client, *args, **kwargs)
            mount(client, carrier)

        Client.__init__ = init
        saved = {k: os.environ.get(k) for k in _ENV}
        if self.environ:
            papp = plivo_application(carrier)
            os.environ.update({"PLIVO_AUTH_ID": papp.auth_id, "PLIVO_AUTH_TOKEN": papp.auth_token})
        self._saved.append((original, saved))
        return self

    def __exit__(self, *exc: object) -> None:
        from plivo.rest.client import Client

        original, saved = self._saved.pop()
        Client.__init__ = original
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
