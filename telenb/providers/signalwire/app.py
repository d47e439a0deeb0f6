"""cXML (LaML) apps on the simulated carrier: `carrier.app(number, laml=...)` lands here.

    carrier.app("+15550100", laml=flask_app, url="/voice", signing_key="PSK_...")
    carrier.app("+15550100", laml="<Response><Say>Hi</Say></Response>")

The targets are those of `twiml=`, and the TwiML interpreter runs the documents, through the
cXML dialect (`laml.py`) and a SignalWire project (`account.py`): SignalWire's UUIDs and
parameters, and requests signed with the project's Signing Key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...errors import check_options
from ..twilio.sim.app import _twiml_flow
from .account import signalwire_account

OPTIONS = (
    "url", "method", "fallback_url", "fallback_method", "status_callback",
    "status_callback_method", "base_url", "kind", "timeout", "max_documents", "signing_key",
)  # fmt: skip


def laml_flow(source: Any, *, carrier: Any, number: str, **options: Any) -> Callable[[Any], Any]:
    """A flow that answers `number` with cXML from `source` (anything `twiml=` takes).

    Options are `twiml=`'s, less the Twilio-only ones, plus `signing_key` (the project's, which
    apps check X-SignalWire-Signature with; from the carrier's seed unless given).
    """
    check_options("app", options, OPTIONS)
    account = signalwire_account(carrier, signing_key=options.pop("signing_key", None))
    return _twiml_flow(
        source, carrier=carrier, number=number, account=account, label="laml", **options
    )
