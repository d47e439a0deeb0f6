"""TeXML as a dialect of TwiML: what Telnyx's docs say it does differently, for the TwiML
interpreter (`telenb.providers.twilio.dialect`).

From Telnyx's TeXML/TwiML compatibility table
(https://developers.telnyx.com/docs/voice/programmable-voice/texml-twiml-compatibility):
TeXML has no ``<Pay>``, and ``<Dial>`` takes no ``<Client>`` (nor ``<Room>`` or
``<VirtualAgent>``) noun.  From its ``<Gather>`` reference
(https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs/gather): the action
is requested with the *application's* method, not one the verb names, and ``validDigits``
with ``invalidDigitsAction`` sends input holding any other key to a second URL instead.
TeXML's own verbs, ``<HttpRequest>`` and ``<AIGather>``, are in `texml_verbs.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..twilio.dialect import Dialect, Pairs
from .texml_verbs import v_aigather, v_httprequest

if TYPE_CHECKING:
    from ..twilio.sim.interpreter import Interpreter
    from ..twilio.twiml.attrs import Attrs


def gather_request(
    interp: Interpreter, a: Attrs, extra: Pairs, action: str | None, method: str
) -> tuple[str, str | None, Pairs]:
    """Where a TeXML <Gather> sends what it gathered, with which method and parameters:
    Telnyx's Gather callback documents Digits (or SpeechResult and Confidence), no
    FinishedOnKey."""
    extra = [(k, v) for k, v in extra if k != "FinishedOnKey"]
    app_method = interp.app.method
    named = a.raw("method")
    if named and named.upper() != app_method:
        interp.warn(
            None,
            f"Gather: TeXML requests the action with the application's method ({app_method});"
            f" method={named!r} is ignored",
        )
    valid = a.raw("validDigits")
    digits = dict(extra).get("Digits")
    if valid and digits and any(key not in valid for key in digits):
        invalid = interp.resolve(a.text("invalidDigitsAction"))
        if invalid:
            interp.leg.trace("texml-invalid-digits", digits=digits, valid=valid)
            return app_method, invalid, extra
    return app_method, action, extra


TEXML = Dialect(
    vendor="Telnyx",
    markup="TeXML",
    unsupported={"Pay": "Telnyx's compatibility table lists <Pay> as not supported"},
    missing_nouns={
        "Client": "Telnyx's compatibility table lists <Client> as not supported",
        "Room": "Telnyx's compatibility table lists <Room> as not supported",
        "VirtualAgent": "Telnyx's compatibility table lists <VirtualAgent> as not supported",
    },
    attributes={"Gather": frozenset({"validDigits", "invalidDigitsAction"})},
    gather_request=gather_request,
    verbs={"HttpRequest": v_httprequest, "AIGather": v_aigather},
)
