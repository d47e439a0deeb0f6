"""Plivo's view of a simulated carrier: one account (auth ID and token), the web its
webhooks reach, signed form requests, and each call's hangup_url.

Plivo sends webhooks as form posts (or GETs) with ``CallUUID``, ``From``, ``To``,
``CallStatus``, ``Direction`` and ``Event``; numbers as E.164 digits without the plus.  Every
request carries ``X-Plivo-Signature-V3`` and its nonce.  Credentials come from the carrier's
seed unless given, and are masked in repr.
"""

from __future__ import annotations

import random
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ...errors import CallEnded
from ..webhooks.web import HttpResponse, Unreachable, Web, with_query
from .signing import HEADER, NONCE_HEADER, sign

if TYPE_CHECKING:
    from ...sim.carrier import Carrier
    from ...sim.leg import Leg
    from ...sim.messaging import Message

NAMESPACE = uuid.UUID("0b3c7f0e-5a52-4d44-8f3e-2f9d4c1a7e60")  # telenb's, for uuid5
TIMEOUT = 15.0  # seconds Plivo waits for an answer_url
# simulator status -> Plivo CallStatus
STATUS = {
    "initiated": "ringing",
    "ringing": "ringing",
    "in-progress": "in-progress",
    "completed": "completed",
    "busy": "busy",
    "no-answer": "no-answer",
    "failed": "failed",
    "canceled": "cancel",
}
HANGUP_CAUSE = {
    "completed": "NORMAL_CLEARING",
    "busy": "USER_BUSY",
    "no-answer": "NO_ANSWER",
    "failed": "CALL_REJECTED",
    "cancel": "ORIGINATOR_CANCEL",
}


class WebhookFailure(Exception):
    def __init__(self, detail: str, url: str):
        self.detail, self.url = detail, url
        super().__init__(f"{detail} ({url})")


class PlivoApplication:
    """The Plivo account that answers a simulated carrier's Plivo XML numbers."""

    def __init__(
        self, carrier: Carrier, *, auth_id: str | None = None, auth_token: str | None = None
    ):
        rnd = random.Random(f"plivo-account:{carrier.seed}")
        self.carrier = carrier
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        self.auth_id = auth_id or "MA" + "".join(rnd.choice(alphabet) for _ in range(18))
        self.auth_token = auth_token or "".join(rnd.choice(alphabet + "abcdef") for _ in range(40))
        self.web = Web()
        self.hangup_urls: dict[str, tuple[str, str]] = {}
        self.numbers: set[str] = set()  # the account's numbers (its apps' and its senders')
        self.message_urls: dict[str, tuple[str, str]] = {}  # number -> (message_url, method)
        self.messages: dict[str, Message] = {}  # message_uuid -> message
        self._nonce = 0
        self._api = 0
        carrier.status_listeners.append(self._status)

    def __repr__(self) -> str:
        return f"<PlivoApplication {self.auth_id} auth_token={self.auth_token[:2]}********>"

    def uuid(self, leg: Leg) -> str:
        return str(uuid.uuid5(NAMESPACE, f"leg:{leg.sid}"))

    def origin_for(self, number: str) -> str:
        digits = "".join(ch for ch in number if ch.isalnum()) or "app"
        return f"https://{digits.lower()}.plivo.test"

    def leg_fields(self, leg: Leg) -> dict[str, str]:
        status = STATUS.get(leg.status or "", "in-progress")
        return {
            "CallUUID": self.uuid(leg),
            "From": plivo_number(leg.from_),
            "To": plivo_number(leg.to),
            "CallStatus": status,
            "Direction": "inbound" if leg.direction == "inbound" else "outbound",
            "ALegUUID": self.uuid(leg.parent or leg),
            "ALegRequestUUID": str(uuid.uuid5(NAMESPACE, f"request:{leg.sid}")),
            "BillRate": "0.00000",
            "CallerName": plivo_number(leg.from_),
        }

    def api_id(self) -> str:
        """A fresh ``api_id`` for a REST answer (deterministic: the account and a count)."""
        self._api += 1
        return str(uuid.uuid5(NAMESPACE, f"api:{self.auth_id}:{self._api}"))

    def next_nonce(self) -> str:
        self._nonce += 1
        return str(uuid.uuid5(NAMESPACE, f"nonce:{self.auth_id}:{self._nonce}").int)[:20]

    def _trace(self, sid: str, kind: str, **data: Any) -> None:
        self.carrier.trace.add(self.carrier.clock.now, sid, kind, **data)

    def send(
        self, method: str, url: str, params: dict[str, str], *, sid: str, purpose: str
    ) -> HttpResponse:
        """One signed webhook; `WebhookFailure` when it cannot be delivered."""
        method = method.upper()
        nonce = self.next_nonce()
        headers = {
            "User-Agent": "PlivoHTTP (telenb simulator)",
            NONCE_HEADER: nonce,
            HEADER: sign(self.auth_token, method, url, nonce, params),
        }
        form = list(params.items())
        if method == "GET":
            target, body = with_query(url, form), b""
        else:
            target, body = url, urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            response = self.web.request(
                method, target, body=body, headers=headers, form=form, timeout=TIMEOUT
            )
        except CallEnded:
            raise
        except Unreachable as exc:
            self._trace(
                sid,
                "webhook",
                method=method,
                url=target,
                purpose=purpose,
                params=params,
                status=None,
                error=str(exc),
            )
            raise WebhookFailure(str(exc), url) from None
        except Exception as exc:  # the app blew up: a server would answer 500
            response = HttpResponse(500, {"content-type": "text/plain"}, str(exc).encode())
        self._trace(
            sid,
            "webhook",
            method=method,
            url=target,
            purpose=purpose,
            params=params,
            status=response.status,
        )
        return response

    def _status(self, leg: Leg, status: str) -> None:
        """hangup_url: Plivo's Hangup event when a leg with one ends."""
        hook = self.hangup_urls.get(leg.sid)
        plivo_status = STATUS.get(status)
        if hook is None or plivo_status not in HANGUP_CAUSE:
            return
        del self.hangup_urls[leg.sid]
        params = self.leg_fields(leg) | {
            "CallStatus": plivo_status,
            "Event": "Hangup",
            "HangupCause": HANGUP_CAUSE[plivo_status],
            "Duration": str(round(leg.duration or 0)),
            "BillDuration": str(round(leg.duration or 0)),
            "TotalCost": "0.00000",
        }
        url, method = hook
        try:
            self.send(method, url, params, sid=leg.sid, purpose="hangup")
        except WebhookFailure as exc:
            self._trace(leg.sid, "warning", code=None, message=f"hangup_url not delivered: {exc}")


def plivo_number(number: str) -> str:
    return number[1:] if number.startswith("+") and number[1:].isdigit() else number


def plivo_application(carrier: Carrier, **settings: Any) -> PlivoApplication:
    """The simulated Plivo account of `carrier` (created on first use, kept on it)."""
    app = getattr(carrier, "_plivo_application", None)
    if app is None:
        app = PlivoApplication(carrier, **settings)
        setattr(carrier, "_plivo_application", app)  # noqa: B010
    else:
        for key, value in settings.items():
            if value is not None:
                setattr(app, key, value)
    return app
