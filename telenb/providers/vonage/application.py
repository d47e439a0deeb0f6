"""Vonage's view of a simulated carrier: one Voice application with its credentials, the web
its webhooks reach, and the event webhooks it owes for each call leg.

    vapp = vonage_application(carrier)     # created on first use, one per carrier
    vapp.signature_secret                  # what the app's JWT check needs
    vapp.api_key, vapp.application_id

Vonage identifies a leg by a UUID and its conversation by ``CON-<uuid>``; here both follow
from the simulator's call SIDs (deterministic).  Numbers go out as Vonage writes them, E.164
digits without the plus ("15550199").  Credentials come from the carrier's seed unless
given, and are masked in every repr.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..webhooks.web import Web

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.leg import Leg

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)  # virtual time 0 on the application's clock
NAMESPACE = uuid.UUID("6f0d5a3c-2d1e-4e8b-9b0a-7e1f3c5d9a21")  # telenb's, for uuid5

# simulator status -> Vonage event status (webhook reference, "Event webhook")
STATUS = {
    "initiated": "started",
    "ringing": "ringing",
    "in-progress": "answered",
    "completed": "completed",
    "busy": "busy",
    "no-answer": "timeout",
    "failed": "failed",
    "canceled": "cancelled",
}
FAILURES = ("busy", "timeout", "failed", "rejected", "unanswered", "cancelled")


@dataclass
class EventWatch:
    """Where one leg's call events go; `held` statuses are left to the interpreter (a
    synchronous connect reads the answer to them)."""

    url: str | None
    method: str
    sent: set[str] = field(default_factory=set)
    held: frozenset[str] = frozenset()
    from_: str | None = None  # the caller ID a connect gave the leg


class VonageApplication:
    """The Vonage Voice application that answers a simulated carrier's NCCO numbers."""

    def __init__(
        self,
        carrier: Carrier,
        *,
        signature_secret: str | None = None,
        api_key: str | None = None,
        application_id: str | None = None,
        api_secret: str | None = None,
    ):
        rnd = random.Random(f"vonage-application:{carrier.seed}")
        self.carrier = carrier
        self.api_key = api_key or f"{rnd.getrandbits(32):08x}"
        self.signature_secret = signature_secret or f"{rnd.getrandbits(256):064x}"
        self.application_id = application_id or str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        # the account's API secret (Basic auth: api_key:api_secret), drawn after the others
        # so that existing identities stay as they were
        self.api_secret = api_secret or f"{rnd.getrandbits(64):016x}"
        self.signed = True  # Voice API callbacks are signed by default
        self.web = Web()
        self.numbers: dict[str, dict[str, Any]] = {}
        self._watches: dict[str, EventWatch] = {}
        self._webhooks: Any = None
        self._jti = 0
        carrier.status_listeners.append(self._status)

    def __repr__(self) -> str:
        secret = self.signature_secret
        masked = secret[:2] + "*" * 8 if secret else "(none)"
        return (
            f"<VonageApplication {self.application_id} api_key={self.api_key} "
            f"signature_secret={masked} api_secret={self.api_secret[:2]}******** "
            f"numbers={len(self.numbers)}>"
        )

    # -- identities, numbers and time ---------------------------------------------------------
    def uuid(self, leg: Leg) -> str:
        return str(uuid.uuid5(NAMESPACE, f"leg:{leg.sid}"))

    def conversation_uuid(self, leg: Leg) -> str:
        root = leg
        while root.parent is not None:
            root = root.parent
        return "CON-" + str(uuid.uuid5(NAMESPACE, f"conversation:{root.sid}"))

    def timestamp(self, t: float | None = None) -> str:
        """ISO 8601 with milliseconds, as Vonage writes it: 2025-01-01T00:00:03.250Z."""
        now = self.carrier.clock.now if t is None else t
        moment = EPOCH + timedelta(seconds=round(now, 3))
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def timestamp_seconds(self) -> float:
        """Virtual now as Unix seconds (for a JWT's iat)."""
        return EPOCH.timestamp() + self.carrier.clock.now

    def next_jti(self) -> str:
        self._jti += 1
        return str(uuid.uuid5(NAMESPACE, f"jti:{self.application_id}:{self._jti}"))

    def origin_for(self, number: str) -> str:
        digits = "".join(ch for ch in number if ch.isalnum()) or "app"
        return f"https://{digits.lower()}.ncco.test"

    @property
    def webhooks(self) -> Any:
        if self._webhooks is None:
            from .sim.webhooks import Webhooks

            self._webhooks = Webhooks(self)
        return self._webhooks

    def leg_fields(self, leg: Leg, from_: str | None = None) -> dict[str, Any]:
        """from, to, uuid and conversation_uuid: what every request about `leg` carries."""
        return {
            "from": vonage_number(from_ or leg.from_),
            "to": vonage_number(leg.to),
            "uuid": self.uuid(leg),
            "conversation_uuid": self.conversation_uuid(leg),
        }

    # -- call events ----------------------------------------------------------------------------
    def watch(
        self,
        leg: Leg,
        url: str | None,
        method: str = "POST",
        *,
        held: frozenset[str] = frozenset(),
        from_: str | None = None,
    ) -> None:
        """Send `leg`'s call events to `url`; those that happened already are sent now."""
        self._watches[leg.sid] = EventWatch(url, method.upper(), held=held, from_=from_)
        for event in self.carrier.trace.filter("status", leg.sid):
            self._status(leg, event["status"])

    def event_payload(self, leg: Leg, status: str) -> dict[str, Any]:
        watch = self._watches.get(leg.sid)
        payload = self.leg_fields(leg, watch.from_ if watch else None)
        payload["status"] = status
        payload["direction"] = "inbound" if leg.direction == "inbound" else "outbound"
        payload["timestamp"] = self.timestamp()
        if status == "answered":
            payload.update(start_time=None, rate=None, network=None)
        elif status == "completed":
            payload.update(
                start_time=self.timestamp(leg.answered_at) if leg.answered_at is not None else None,
                end_time=self.timestamp(),
                duration=str(round(leg.duration)),
                rate="0.00000000",  # the simulator charges nothing
                price="0.00000000",
                network=None,
            )
        return payload

    def _status(self, leg: Leg, status: str) -> None:
        watch = self._watches.get(leg.sid)
        event = STATUS.get(status)
        if watch is None or event is None or event in watch.sent or event in watch.held:
            return
        watch.sent.add(event)
        if watch.url:
            payload = self.event_payload(leg, event)
            self.webhooks.callback(watch.method, watch.url, payload, sid=leg.sid, event=event)


def vonage_number(number: str) -> str:
    """Vonage writes numbers as E.164 digits without the plus; other addresses stay."""
    return number[1:] if number.startswith("+") and number[1:].isdigit() else number


def vonage_application(carrier: Carrier, **settings: Any) -> VonageApplication:
    """The simulated Vonage application of `carrier` (created on first use, kept on it).

    `signature_secret=`, `api_key=`, `api_secret=` and `application_id=` may be given the
    first time, or changed later by passing them again."""
    app = getattr(carrier, "_vonage_application", None)
    if app is None:
        app = VonageApplication(carrier, **settings)
        setattr(carrier, "_vonage_application", app)  # noqa: B010 - goes away with the carrier
    else:
        for key, value in settings.items():
            if value is not None:
                setattr(app, key, value)
    return app
