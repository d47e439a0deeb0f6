"""Front doors: the formats a number's app may be written in (TwiML, Tropo WebAPI, NCCO...).

The simulator knows none of them.  Each is a keyword of `Carrier.app` bound to a *builder*
that a provider supplies: ``builder(target, *, carrier, number, **options)`` returns a flow,
``f(call)``, that runs the app on the carrier.  Built-in providers are listed here by module
path and imported only when a number first uses them, so the simulator never imports a
provider (and ``import telenb`` stays fast); others call `register`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..errors import ConfigurationError

Builder = Callable[..., Callable[[Any], Any]]

# keyword -> "module:attribute" of its builder; a new vendor adds a row, not an import
_BUILT_IN: dict[str, str] = {
    "twiml": "telenb.providers.twilio.sim.app:twiml_flow",
    "ncco": "telenb.providers.vonage.sim.app:ncco_flow",
    "plivo": "telenb.providers.plivo.sim.app:plivo_flow",
    "tropo_webapi": "telenb.providers.tropo.webapi.app:tropo_webapi_flow",
    "jambonz": "telenb.providers.jambonz.sim.app:jambonz_flow",
    "texml": "telenb.providers.telnyx.app:texml_flow",
    "laml": "telenb.providers.signalwire.app:laml_flow",
}
_registered: dict[str, Builder] = {}


def register(kind: str, builder: Builder | str) -> None:
    """Make `carrier.app(number, <kind>=target, ...)` build its flow with `builder` (a
    callable, or a "module:attribute" path imported on first use)."""
    if not kind.isidentifier():
        raise ConfigurationError(f"a front door needs a keyword-like name, not {kind!r}")
    if isinstance(builder, str):
        _BUILT_IN[kind] = builder
        _registered.pop(kind, None)
    elif callable(builder):
        _registered[kind] = builder
    else:
        raise ConfigurationError(f"a front door's builder must be callable, got {builder!r}")


def kinds() -> list[str]:
    """Every keyword `Carrier.app` accepts for an app document."""
    return sorted({*_BUILT_IN, *_registered})


def builder(kind: str) -> Builder:
    """The builder for `kind`, importing its provider on first use."""
    found = _registered.get(kind)
    if found is not None:
        return found
    path = _BUILT_IN.get(kind)
    if path is None:
        raise ConfigurationError(
            f"no front door {kind!r}; known: {', '.join(kinds())} "
            "(a provider adds one with telenb.sim.frontdoors.register)"
        )
    module, _, attr = path.partition(":")
    found = getattr(importlib.import_module(module), attr)
    _registered[kind] = found
    return found
