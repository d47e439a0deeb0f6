"""jambonz's view of a simulated carrier: one account and application, its webhook secret,
the web its hooks reach, and the call status hooks it owes for each leg.

    japp = jambonz_application(carrier)    # created on first use, one per carrier
    japp.webhook_secret                    # what the app checks Jambonz-Signature with
    japp.account_sid, japp.application_sid

jambonz names a call by a UUID ``call_sid`` (and its SIP Call-ID ``call_id``); here both
follow from the simulator's leg SIDs, so they are the same on every run.  Numbers go out in
E.164 with the plus, as jambonz writes them.  The secret comes from the carrier's seed unless
given, and is masked in every repr.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..webhooks.web import Web
from .sim.webhooks import Webhooks

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.leg import Leg

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)  # virtual time 0 on the application's clock
NAMESPACE = uuid.UUID("0c7e3b52-4a8e-4f6c-8f2d-3b9a1e6d5c47")  # telenb's, for uuid5

# simulator status -> jambonz call_status (webhook reference, "call_status")
STATUS = {
    "initiated": "trying",
    "ringing": "ringing",
    "in-progress": "in-progress",
    "completed": "completed",
    "busy": "busy",
    "no-answer": "no-answer",
    "failed": "failed",
    "canceled": "no-answer",  # a CANCELled INVITE ends 487, which jambonz calls no-answer
}
# the SIP final (or provisional) response behind each status
SIP = {
    "trying": (100, "Trying"),
    "ringing": (180, "Ringing"),
    "early-media": (183, "Session Progress"),
    "in-progress": (200, "OK"),
    "busy": (486, "Busy Here"),
    "no-answer": (487, "Request Terminated"),
    "failed": (503, "Service Unavailable"),
}
WEBHOOK_ERROR_SIP = (480, "Temporarily Unavailable")  # JAMBONES_WEBHOOK_ERROR_RETURN


@dataclass
class StatusWatch:
    """Where one leg's call status changes go, and what it carries."""

    hook: Any
    base: str | None
    sent: list[str] = field(default_factory=list)
    parent: Leg | None = None
    sip: tuple[int, str] = (100, "Trying")


class JambonzApplication:
    """The jambonz account and application that answer a simulated carrier's numbers."""

    def __init__(
        self,
        carrier: Carrier,
        *,
        webhook_secret: str | None = None,
        account_sid: str | None = None,
        application_sid: str | None = None,
    ):
        rnd = random.Random(f"jambonz-application:{carrier.seed}")
        self.carrier = carrier
        self.account_sid = account_sid or str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        self.application_sid = application_sid or str(
            uuid.UUID(int=rnd.getrandbits(128), version=4)
        )
        self.webhook_secret = webhook_secret or f"wh_secret_{rnd.getrandbits(128):032x}"
        self.signed = True
        self.web = Web()
        self.numbers: dict[str, dict[str, Any]] = {}
        self.queues: dict[str, Any] = {}
        self.tags: dict[str, dict[str, Any]] = {}  # call_sid -> the tag verb's data
        # answering machine detection's voicemail phrases by language (a feature server's
        # VMD_HINTS_FILE); none unless given, as on a server without that file
        self.voicemail_hints: dict[str, list[str]] = {}
        self._watches: dict[str, StatusWatch] = {}
        self._webhooks: Any = None
        carrier.status_listeners.append(self._status)

    def __repr__(self) -> str:
        secret = self.webhook_secret
        masked = secret[:2] + "*" * 8 if secret else "(none)"
        return (
            f"<JambonzApplication {self.application_sid} account_sid={self.account_sid} "
            f"webhook_secret={masked} numbers={len(self.numbers)}>"
        )

    # -- identities and time --------------------------------------------------------------------
    def call_sid(self, leg: Leg) -> str:
        return str(uuid.uuid5(NAMESPACE, f"call:{leg.sid}"))

    def call_id(self, leg: Leg) -> str:
        return str(uuid.uuid5(NAMESPACE, f"sip-call-id:{leg.sid}"))

    def timestamp_seconds(self) -> int:
        """Virtual now as Unix seconds (the ``t=`` of a signature)."""
        return int(EPOCH.timestamp() + self.carrier.clock.now)

    def origin_for(self, number: str) -> str:
        digits = "".join(ch for ch in number if ch.isalnum()) or "app"
        return f"https://{digits.lower()}.jambonz.test"

    @property
    def webhooks(self) -> Any:
        if self._webhooks is None:
            self._webhooks = Webhooks(self)
        return self._webhooks

    def call_info(self, leg: Leg, call_status: str | None = None) -> dict[str, Any]:
        """The attributes every webhook about `leg` carries (call_hook reference)."""
        watch = self._watches.get(leg.sid)
        status = call_status or STATUS.get(leg.status or "", "trying")
        sip_status, sip_reason = watch.sip if watch else SIP.get(status, (100, "Trying"))
        info: dict[str, Any] = {
            "call_sid": self.call_sid(leg),
            "direction": "inbound" if leg.direction == "inbound" else "outbound",
            "from": leg.from_,
            "to": leg.to,
            "call_id": self.call_id(leg),
            "sip_status": sip_status,
            "sip_reason": sip_reason,
            "call_status": status,
            "account_sid": self.account_sid,
            "application_sid": self.application_sid,
            "trace_id": uuid.uuid5(NAMESPACE, f"trace:{leg.sid}").hex,
            "caller_name": "",
        }
        parent = watch.parent if watch else leg.parent
        if parent is not None:
            info["parent_call_sid"] = self.call_sid(parent)
        tag = self.tags.get(self.call_sid(leg))
        if tag:
            info["customerData"] = dict(tag)
        return info

    # -- call status hooks ----------------------------------------------------------------------
    def watch(self, leg: Leg, hook: Any, base: str | None, parent: Leg | None = None) -> None:
        """Send `leg`'s status changes to `hook`; those that happened already are sent now."""
        self._watches[leg.sid] = StatusWatch(hook, base, parent=parent)
        for event in self.carrier.trace.filter("status", leg.sid):
            self._status(leg, event["status"])

    def watching(self, leg: Leg) -> bool:
        """Whether `leg`'s statuses already go somewhere (a call taken over keeps its hook)."""
        return leg.sid in self._watches

    def set_sip(self, leg: Leg, status: int, reason: str) -> None:
        watch = self._watches.get(leg.sid)
        if watch is not None:
            watch.sip = (status, reason)

    def statuses_sent(self, leg: Leg) -> list[str]:
        watch = self._watches.get(leg.sid)
        return list(watch.sent) if watch else []

    def _status(self, leg: Leg, status: str) -> None:
        watch = self._watches.get(leg.sid)
        call_status = STATUS.get(status)
        if watch is None or call_status is None or call_status in watch.sent:
            return
        if leg.direction == "inbound" and call_status in ("trying", "ringing"):
            return  # an inbound call arrives 'trying' in the call_hook itself
        if call_status == "completed" and watch.sip[0] >= 300:
            pass  # the failure's SIP status stays
        elif call_status in SIP:
            watch.sip = SIP[call_status]
        watch.sent.append(call_status)
        if watch.hook:
            payload = self.call_info(leg, call_status)
            if call_status in ("completed", "failed", "busy", "no-answer"):
                payload["duration"] = round(leg.duration)
            self.webhooks.notify(watch.hook, payload, sid=leg.sid, base=watch.base,
                                 purpose=f"call_status:{call_status}")  # fmt: skip


def jambonz_application(carrier: Carrier, **settings: Any) -> JambonzApplication:
    """The simulated jambonz application of `carrier` (created on first use, kept on it).

    `webhook_secret=`, `account_sid=` and `application_sid=` may be given the first time,
    or changed later by passing them again."""
    app = getattr(carrier, "_jambonz_application", None)
    if app is None:
        app = JambonzApplication(carrier, **settings)
        setattr(carrier, "_jambonz_application", app)  # noqa: B010 - goes away with the carrier
    else:
        for key, value in settings.items():
            if value is not None:
                setattr(app, key, value)
    return app
