"""A flow as cXML (LaML), step by step: `flow_laml(source, number, caller=...)`.

cXML is a dialect of TwiML, so the export is the Twilio backend's (`flow_twiml`): the flow
runs behind its webhook server, and the simulated SignalWire runs the documents.  SignalWire
signs with the project's Signing Key in X-SignalWire-Signature and its alias
X-Twilio-Signature, Twilio's computation, so the backend checks that header with the key.
`telenb.providers.export.tables` says what cXML cannot express of a flow,
and what the export does instead.
"""

from __future__ import annotations

from typing import Any

from ..twilio.backend.export import Door, TwimlSteps, flow_dialect
from .account import signalwire_account

DOOR = Door(
    keyword="laml",
    markup="cXML",
    vendor="SignalWire",
    account=signalwire_account,
    key=lambda acct: acct.signing_key,
)


def flow_laml(
    source: Any, number: str | None = None, *, caller: str = "", seed: int = 0
) -> TwimlSteps:
    """Show a flow (or the flow answering `number` on a Carrier) as the cXML of one call by
    `caller` (a caller script; default silent), run by the simulated SignalWire."""
    return flow_dialect(DOOR, source, number, caller=caller, seed=seed)
