"""The seam through which TwiML's dialects (Telnyx TeXML, SignalWire cXML) reuse this
interpreter instead of copying it.

A dialect is data plus a few hooks, held by the account that owns the app (`account.dialect`):
the verbs it lacks, the `<Dial>` nouns it adds or lacks, and how a `<Gather>` chooses
the request it makes with what it gathered.  Everything else a vendor changes lives in its
account (`call_params`, `call_id`, the IDs it sends) and in its `Webhooks` (`sign`, the
User-Agent).  This module names no vendor: Twilio's own behaviour is `TWILIO`, the default,
and each vendor's sub-package builds its `Dialect` from its own documentation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sim.interpreter import Interpreter
    from .twiml.attrs import Attrs
    from .twiml.parse import Node

Pairs = list[tuple[str, str]]
# (interpreter, <Gather>'s attributes, gathered parameters, action, method)
#   -> (method, url, parameters): the request a <Gather> makes with what it gathered
GatherRequest = Callable[
    ["Interpreter", "Attrs", Pairs, "str | None", str], "tuple[str, str | None, Pairs]"
]


def twilio_gather_request(
    interp: Interpreter, a: Attrs, extra: Pairs, action: str | None, method: str
) -> tuple[str, str | None, Pairs]:
    """Twilio requests the `action` with the `method` the <Gather> names."""
    return method, action, extra


@dataclass(frozen=True)
class Dialect:
    """How one vendor's TwiML-compatible markup differs from TwiML, as the interpreter sees it.

    `unsupported` names verbs the vendor documents it does not run, with why; `nouns` maps a
    `<Dial>` noun the vendor adds to the simulator address it dials (None when unusable);
    `missing_nouns` names `<Dial>` nouns the vendor lacks; `attributes` adds, per element,
    the attributes the vendor documents beyond Twilio's (so they are not reported as
    unknown); `gather_request` picks the request a `<Gather>` makes with its input;
    `verbs` runs the verbs the vendor has and TwiML has not.
    """

    vendor: str
    markup: str
    unsupported: Mapping[str, str] = field(default_factory=dict)
    nouns: Mapping[str, Callable[[Interpreter, Node], str | None]] = field(default_factory=dict)
    missing_nouns: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    gather_request: GatherRequest = twilio_gather_request
    # verbs the vendor adds (TeXML's <HttpRequest>): tag -> handler(interpreter, node), which
    # returns what a verb handler does (NEXT, the next document, or None when the call ends)
    verbs: Mapping[str, Callable[[Interpreter, Node], Any]] = field(default_factory=dict)


TWILIO = Dialect("Twilio", "TwiML")
