"""Twilio's view of a simulated carrier: one account with its credentials, phone numbers,
queues, the web its webhooks reach, and the status callbacks it owes.

    acct = twilio_account(carrier)          # created on first use, one per carrier
    acct.auth_token                         # what the app's RequestValidator needs
    acct.test_account_sid, acct.test_auth_token

Credentials are derived from the carrier's seed (deterministic) unless given; they are
masked in every repr.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from ...sim.clock import EPOCH
from ..webhooks.web import Web
from .credentials import mask
from .dialect import TWILIO, Dialect
from .geography import geo_params

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.leg import Leg

API_VERSION = "2010-04-01"


@dataclass
class IncomingNumber:
    """A phone number the account owns, with the webhooks Twilio calls for it."""

    sid: str
    phone_number: str
    friendly_name: str
    created: float
    voice_url: str | None = None
    voice_method: str = "POST"
    voice_fallback_url: str | None = None
    voice_fallback_method: str = "POST"
    status_callback: str | None = None
    status_callback_method: str = "POST"
    sms_url: str | None = None
    sms_method: str = "POST"
    sms_fallback_url: str | None = None
    sms_fallback_method: str = "POST"
    test: bool = False
    voice_application_sid: str | None = None  # a TwiML Application's URLs instead of these
    sms_application_sid: str | None = None


@dataclass
class CallbackWatch:
    url: str
    method: str
    events: frozenset[str]
    sent: set[str] = field(default_factory=set)
    sequence: int = 0
    extra: dict[str, str] = field(default_factory=dict)


STATUS_EVENT = {
    "queued": "initiated", "initiated": "initiated", "ringing": "ringing",
    "in-progress": "answered", "completed": "completed", "busy": "completed",
    "no-answer": "completed", "failed": "completed", "canceled": "completed",
}  # fmt: skip


class SimAccount:
    """The Twilio account that owns a simulated carrier's TwiML apps and REST resources.

    A TwiML dialect's account (Telnyx TeXML, SignalWire cXML) subclasses it, changing the
    `dialect`, the IDs it shows (`call_id`), the parameters (`call_params`) and its
    `Webhooks`."""

    dialect: Dialect = TWILIO

    def __init__(
        self,
        carrier: Carrier,
        *,
        auth_token: str | None = None,
        test_account_sid: str | None = None,
        test_auth_token: str | None = None,
    ):
        seed = carrier.seed
        rnd = random.Random(f"twilio-account:{seed}")
        self.carrier = carrier
        self.account_sid = carrier.account_sid
        self.auth_token = auth_token or f"{rnd.getrandbits(128):032x}"
        self.test_account_sid = test_account_sid or f"AC{rnd.getrandbits(128):032x}"
        self.test_auth_token = test_auth_token or f"{rnd.getrandbits(128):032x}"
        self.api_keys: dict[str, str] = {}
        self.numbers: dict[str, IncomingNumber] = {}
        self.verified_caller_ids: set[str] = set()
        self.queues: dict[str, Any] = {}
        self.web = Web()
        self.deleted: set[str] = set()  # SIDs deleted through the REST API
        self.transcriptions: list[Any] = []  # <Record transcribe> results (sim/transcriptions.py)
        self.call_options: dict[str, dict[str, Any]] = {}  # REST-created calls: their options
        self._call_watches: dict[str, CallbackWatch] = {}
        self._message_watches: dict[str, CallbackWatch] = {}
        self._webhooks: Any = None
        carrier.status_listeners.append(self._call_status)
        carrier.message_listeners.append(self._message_status)
        carrier.sms.owners.append(self.owns)

    def __repr__(self) -> str:
        return (
            f"<SimAccount {self.account_sid} auth_token={mask(self.auth_token)} "
            f"numbers={len(self.numbers)} sites={len(self.web.sites)}>"
        )

    # -- time, numbers, identities ----------------------------------------------------------------
    def datetime(self, t: float | None = None) -> datetime:
        """Virtual time as a wall-clock date (deterministic: the account's epoch + t)."""
        now = self.carrier.clock.now if t is None else t
        return EPOCH + timedelta(seconds=round(now, 3))

    def rfc2822(self, t: float | None) -> str | None:
        return None if t is None else format_datetime(self.datetime(t))

    def callback_timestamp(self, t: float) -> str:
        """A status callback's Timestamp: Twilio writes RFC 2822 dates."""
        return format_datetime(self.datetime(t))

    def owns(self, number: str) -> bool:
        return number in self.numbers or number in self.carrier.apps

    def add_number(self, number: str, **webhooks: Any) -> IncomingNumber:
        """Own `number` (idempotent): its voice/SMS webhook settings are updated."""
        entry = self.numbers.get(number)
        if entry is None:
            entry = IncomingNumber(
                self.carrier.sids.new("number"),
                number,
                _friendly(number),
                self.carrier.clock.now,
            )
            self.numbers[number] = entry
        for key, value in webhooks.items():
            if value is not None:
                setattr(entry, key, value)
        return entry

    def origin_for(self, number: str) -> str:
        """Where an in-process app for `number` is served unless the user says otherwise."""
        digits = "".join(ch for ch in number if ch.isalnum()) or "app"
        return f"https://{digits.lower()}.twiml.test"

    @property
    def webhooks(self) -> Any:
        if self._webhooks is None:
            from .sim.webhooks import Webhooks

            self._webhooks = Webhooks(self)
        return self._webhooks

    def queue(self, name: str, max_size: int = 100) -> Any:
        from ..docverbs.queues import SimQueue

        q = self.queues.get(name)
        if q is None:
            q = self.queues[name] = SimQueue(self.carrier.sids.new("queue"), name, max_size)
        return q

    # -- standard request parameters ------------------------------------------------------------
    def call_params(self, leg: Leg, status: str | None = None) -> list[tuple[str, str]]:
        """The parameters Twilio sends with every voice request about `leg`."""
        params = [
            ("AccountSid", self.account_sid),
            ("ApiVersion", API_VERSION),
            ("CallSid", self.call_id(leg.sid)),
            ("CallStatus", status or leg.status or "ringing"),
            ("Called", leg.to),
            *geo_params("Called", leg.to),
            ("Caller", leg.from_),
            *geo_params("Caller", leg.from_),
            ("Direction", leg.direction),
            ("From", leg.from_),
            *geo_params("From", leg.from_),
            ("To", leg.to),
            *geo_params("To", leg.to),
        ]
        if leg.parent is not None:
            params.append(("ParentCallSid", self.call_id(leg.parent.sid)))
        return params

    def call_id(self, sid: str) -> str:
        """The ID this vendor shows for the simulator's leg `sid` (Twilio's is the SID)."""
        return sid

    # -- status callbacks -------------------------------------------------------------------------
    def watch_call(
        self,
        leg: Leg,
        url: str,
        method: str = "POST",
        events: Iterable[str] = ("completed",),
        extra: dict[str, str] | None = None,
    ) -> None:
        """Send `url` the call's progress events (initiated, ringing, answered, completed).

        Events that already happened (a call is `initiated` before anyone can register) are
        sent now, at the same virtual time."""
        watch = CallbackWatch(url, method, frozenset(events), extra=dict(extra or {}))
        self._call_watches[leg.sid] = watch
        history = [e["status"] for e in self.carrier.trace.filter("status", leg.sid)]
        for status in history:
            self._call_status(leg, status)

    def watch_message(self, sid: str, url: str, method: str = "POST") -> None:
        self._message_watches[sid] = CallbackWatch(url, method, frozenset())

    def _call_status(self, leg: Leg, status: str) -> None:
        watch = self._call_watches.get(leg.sid)
        if watch is None:
            return
        event = STATUS_EVENT.get(status)
        if event is None or event not in watch.events or event in watch.sent:
            return
        watch.sent.add(event)
        params = self.call_params(leg, "initiated" if event == "initiated" else status)
        params += [
            ("CallbackSource", "call-progress-events"),
            ("SequenceNumber", str(watch.sequence)),
            ("Timestamp", self.callback_timestamp(self.carrier.clock.now)),
        ]
        if event == "completed":
            params.append(("CallDuration", str(round(leg.duration))))
        if leg.answered_by and leg.answered_by != "human":
            params.append(("AnsweredBy", leg.answered_by))
        params += sorted(watch.extra.items())
        watch.sequence += 1
        self.webhooks.callback(watch.method, watch.url, params, sid=leg.sid, event=event)

    def _message_status(self, msg: Any, status: str) -> None:
        watch = self._message_watches.get(msg.sid)
        if watch is None or status in watch.sent:
            return
        watch.sent.add(status)
        params = [
            ("AccountSid", self.account_sid),
            ("ApiVersion", API_VERSION),
            ("From", msg.from_),
            ("MessageSid", msg.sid),
            ("MessageStatus", status),
            ("SmsSid", msg.sid),
            ("SmsStatus", status),
            ("To", msg.to),
        ]
        if msg.error_code:
            params.append(("ErrorCode", str(msg.error_code)))
        self.webhooks.callback(watch.method, watch.url, params, sid=msg.sid, event=status)


def _friendly(number: str) -> str:
    """'(500) 555-0006' for North American numbers, as Twilio shows them."""
    if number.startswith("+1") and len(number) == 12 and number[2:].isdigit():
        d = number[2:]
        return f"({d[:3]}) {d[3:6]}-{d[6:]}"
    return number


def twilio_account(carrier: Carrier, **settings: Any) -> SimAccount:
    """The simulated Twilio account of `carrier` (created on first use, kept on the carrier).

    `auth_token=` (and the test pair) may be given the first time, or changed later by
    passing them again."""
    acct = getattr(carrier, "_twilio_account", None)
    if acct is None:
        acct = SimAccount(carrier, **settings)
        setattr(carrier, "_twilio_account", acct)  # noqa: B010 - goes away with the carrier
    else:
        for key, value in settings.items():
            if value is not None:
                setattr(acct, key, value)
    return acct
