"""cXML (formerly LaML) as a dialect of TwiML: what SignalWire's docs say it does differently,
for the TwiML interpreter (`telenb.providers.twilio.dialect`).

SignalWire's ``<Dial>`` reference (https://developer.signalwire.com/compatibility-api/cxml/voice/dial)
lists the nouns Conference, Number, Sip, Verto and Queue: there is no ``<Client>``, and
``<Verto>`` is SignalWire's own, dialing a Verto (WebRTC) client addressed as
``<resource>@<space>.verto.signalwire.com``
(https://developer.signalwire.com/compatibility-api/cxml/voice/verto-noun), with no
attributes.  On the simulated carrier that client is the party registered at
``sip:<resource>@<space>.verto.signalwire.com`` (``carrier.phone(...)``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..twilio.dialect import Dialect

if TYPE_CHECKING:
    from ..twilio.sim.interpreter import Interpreter
    from ..twilio.twiml.parse import Node

VERTO_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.verto\.signalwire\.com$", re.IGNORECASE)


def verto_address(interp: Interpreter, noun: Node) -> str | None:
    """The simulator address a ``<Verto>`` noun dials, or None (warned) when malformed."""
    text = (noun.text or "").strip()
    if noun.attrs:
        names = ", ".join(sorted(noun.attrs))
        interp.warn(None, f"Dial->Verto takes no attributes ({names}) at {noun.where}; ignored")
    if not VERTO_ADDRESS.match(text):
        interp.warn(
            None,
            f"Dial->Verto: {text!r} is not <resource>@<space>.verto.signalwire.com "
            f"({noun.where}); skipped",
        )
        return None
    return "sip:" + text


LAML = Dialect(
    vendor="SignalWire",
    markup="cXML",
    nouns={"Verto": verto_address},
    missing_nouns={"Client": "SignalWire's <Dial> reaches browsers through <Verto>"},
)
