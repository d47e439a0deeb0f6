"""Telnyx's view of a simulated carrier: the account that owns its TeXML applications.

It is the TwiML account (`SimAccount`) with what Telnyx's docs say differs
(https://developers.telnyx.com/docs/voice/programmable-voice/texml-instruction-fetching and
the TeXML callback references):

- every request carries AccountSid (a UUID), CallSid and CallSidLegacy (the same call
  control ID, ``v3:`` then 54 URL-safe base64 characters), From, To, ConnectionId (digits),
  ApiVersion (2010-04-01) and CallStatus; a child leg adds ParentCallSid and
  ParentCallSidLegacy.  Twilio's Called/Caller and geographic parameters are not sent.
- a status callback's Timestamp is ISO 8601 (Twilio's is RFC 2822);
- webhooks are signed with Ed25519 (`signing.py`), not X-Twilio-Signature.

IDs and the key come from the carrier's seed, so runs repeat.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..twilio.account import API_VERSION, SimAccount
from ..twilio.sim.webhooks import Params, Webhooks
from .signing import private_key, public_key_b64, sign
from .texml import TEXML

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.leg import Leg

NAMESPACE = uuid.UUID("6f1d2a8e-3c47-4b0e-9a5d-7e2c1b9f4d30")  # telenb's, for uuid5


class TelnyxWebhooks(Webhooks):
    """Telnyx's HTTP client: the TwiML webhook rules, signed with the account's Ed25519 key."""

    user_agent = "telenb-sim (Telnyx TeXML)"

    def sign(self, method: str, url: str, form: Params, body: bytes) -> dict[str, str]:
        account = self.account
        assert isinstance(account, TelnyxAccount)
        stamp = int(account.datetime().timestamp())
        return sign(account.signing_key, stamp, body)


class TelnyxAccount(SimAccount):
    """One Telnyx account on a simulated carrier (its TeXML numbers, key and IDs)."""

    dialect = TEXML

    def __init__(self, carrier: Carrier):
        super().__init__(carrier)
        seed = carrier.seed
        rnd = random.Random(f"telnyx-account:{seed}")
        self.account_sid = str(uuid.uuid5(NAMESPACE, f"account:{seed}"))
        self.connection_id = str(rnd.randrange(10**18, 10**19))
        self.signing_key = private_key(str(seed))
        self.public_key = public_key_b64(self.signing_key)  # what the app verifies with
        # AIGather offline: f(text, json_schema) -> parameters (None: texml_verbs.extract)
        self.ai_extractor: Callable[[str, dict], dict] | None = None
        self._webhooks = TelnyxWebhooks(self)

    def __repr__(self) -> str:
        return f"<TelnyxAccount {self.account_sid} numbers={len(self.numbers)}>"

    def origin_for(self, number: str) -> str:
        digits = "".join(ch for ch in number if ch.isalnum()) or "app"
        return f"https://{digits.lower()}.texml.test"

    def callback_timestamp(self, t: float) -> str:
        """Telnyx's status callbacks write ISO 8601 in UTC (2024-01-15T10:30:00Z)."""
        return self.datetime(t).strftime("%Y-%m-%dT%H:%M:%SZ")

    def call_id(self, sid: str) -> str:
        """The call control ID Telnyx sends as CallSid: ``v3:`` and 40 bytes, URL-safe."""
        raw = hashlib.sha256(f"{self.account_sid}:{sid}".encode()).digest()
        raw += hashlib.sha256(raw).digest()[:8]
        return "v3:" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def call_params(self, leg: Leg, status: str | None = None) -> list[tuple[str, str]]:
        call_id = self.call_id(leg.sid)
        params = [
            ("AccountSid", self.account_sid),
            ("ApiVersion", API_VERSION),
            ("CallSid", call_id),
            ("CallSidLegacy", call_id),
            ("CallStatus", status or leg.status or "ringing"),
            ("ConnectionId", self.connection_id),
            ("From", leg.from_),
            ("To", leg.to),
        ]
        if leg.parent is not None:
            parent = self.call_id(leg.parent.sid)
            params += [("ParentCallSid", parent), ("ParentCallSidLegacy", parent)]
        return params


def telnyx_account(carrier: Carrier) -> TelnyxAccount:
    """The simulated Telnyx account of `carrier` (created on first use, kept on the carrier)."""
    acct = getattr(carrier, "_telnyx_account", None)
    if acct is None:
        acct = TelnyxAccount(carrier)
        setattr(carrier, "_telnyx_account", acct)  # noqa: B010 - goes away with the carrier
    return acct
