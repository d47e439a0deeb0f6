"""SignalWire's view of a simulated carrier: the project that owns its cXML (LaML) apps.

It is the TwiML account (`SimAccount`) with what SignalWire's docs say differs
(https://developer.signalwire.com/compatibility-api/xml/voice/ and its REST call resource):

- AccountSid (the project ID) and CallSid are UUIDs, not ``AC``/``CA`` SIDs;
- a request carries AccountSid, ApiVersion, CallSid, CallStatus (ringing, in-progress,
  queued, failed, busy, no-answer or completed), Direction (inbound, outbound-api,
  outbound-dial), From and To, and ParentCallSid for a leg a call created; Twilio's
  geographic parameters are not among them;
- requests are signed with the project's Signing Key (`signing.py`).

IDs and the key come from the carrier's seed, so runs repeat.
"""

from __future__ import annotations

import random
import uuid
from typing import TYPE_CHECKING

from ..twilio.account import API_VERSION, SimAccount
from ..twilio.credentials import mask
from ..twilio.sim.webhooks import Params, Webhooks
from .laml import LAML
from .signing import headers

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.leg import Leg

NAMESPACE = uuid.UUID("2a7c9e14-8b3f-4d61-b0c5-93e4f17a6d08")  # telenb's, for uuid5


class SignalWireWebhooks(Webhooks):
    """SignalWire's HTTP client: the TwiML webhook rules, signed with the Signing Key."""

    user_agent = "telenb-sim (SignalWire cXML)"

    def sign(self, method: str, url: str, form: Params, body: bytes) -> dict[str, str]:
        account = self.account
        assert isinstance(account, SignalWireAccount)
        return headers(account.signing_key, url, form if method != "GET" else None)


class SignalWireAccount(SimAccount):
    """One SignalWire project on a simulated carrier (its cXML numbers, Signing Key, IDs)."""

    dialect = LAML

    def __init__(self, carrier: Carrier, *, signing_key: str | None = None):
        super().__init__(carrier)
        seed = carrier.seed
        rnd = random.Random(f"signalwire-project:{seed}")
        self.account_sid = str(uuid.uuid5(NAMESPACE, f"project:{seed}"))
        self.signing_key = signing_key or f"PSK_{rnd.getrandbits(160):040x}"
        self._webhooks = SignalWireWebhooks(self)

    def __repr__(self) -> str:
        return (
            f"<SignalWireAccount {self.account_sid} signing_key={mask(self.signing_key)} "
            f"numbers={len(self.numbers)}>"
        )

    def origin_for(self, number: str) -> str:
        digits = "".join(ch for ch in number if ch.isalnum()) or "app"
        return f"https://{digits.lower()}.laml.test"

    def call_id(self, sid: str) -> str:
        """The UUID SignalWire shows for the simulator's leg `sid`."""
        return str(uuid.uuid5(NAMESPACE, f"{self.account_sid}:{sid}"))

    def call_params(self, leg: Leg, status: str | None = None) -> list[tuple[str, str]]:
        params = [
            ("AccountSid", self.account_sid),
            ("ApiVersion", API_VERSION),
            ("CallSid", self.call_id(leg.sid)),
            ("CallStatus", status or leg.status or "ringing"),
            ("Direction", leg.direction),
            ("From", leg.from_),
            ("To", leg.to),
        ]
        if leg.parent is not None:
            params.append(("ParentCallSid", self.call_id(leg.parent.sid)))
        return params


def signalwire_account(carrier: Carrier, *, signing_key: str | None = None) -> SignalWireAccount:
    """The simulated SignalWire project of `carrier` (created on first use, kept on it);
    `signing_key=` sets the key the apps check signatures with."""
    acct = getattr(carrier, "_signalwire_account", None)
    if acct is None:
        acct = SignalWireAccount(carrier, signing_key=signing_key)
        setattr(carrier, "_signalwire_account", acct)  # noqa: B010 - goes with the carrier
    elif signing_key is not None:
        acct.signing_key = signing_key
    return acct
