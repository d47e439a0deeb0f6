"""Text messages on the simulated carrier: Twilio-shaped records, statuses, errors and routing.

Outbound (from a flow, `carrier.send_message`, TwiML ``<Message>``, the Twilio drop-in)::

    queued -> sending -> sent -> delivered
                              -> undelivered   (the handset or its carrier refused: 3000x)
    queued -> failed                           (never left the platform: 30001)

Inbound (someone texts a number on this carrier): ``received``.  Where it goes:

1. a handler registered with `carrier.on_message(number, handler)` (the hook for other front
   doors such as Twilio ``MessagingResponse`` webhooks),
2. else the open text session between that person and the number,
3. else, when the number's app is a flow or Tropo script, a new text session (channel TEXT),
4. else it is kept as ``received`` (a number with no app that texts could reach),
5. and a number nobody has on this carrier gets ``undelivered`` with 30005.

Outbound messages to numbers the carrier does not know leave for the wider world and are
``delivered``; configure failures per destination with `carrier.phone(n, sms="landline")` or
`carrier.message_rule("+1555*", "unreachable")`.  Every message carries its encoding, segments and
a per-segment price estimate (`telenb.sms`); status callbacks get Twilio's parameter names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, MessageError, NumberError
from ..sms.encoding import Segmentation, segments
from ..sms.pricing import (
    EXAMPLE_CURRENCY,
    EXAMPLE_PRICE_PER_MMS,
    EXAMPLE_PRICE_PER_SEGMENT,
    _decimal,
    mms_price,
)
from .mms import MediaItem, check_media
from .numbers import matches, normalize
from .runner import start_session
from .texter import Texter
from .textresult import TextResult
from .threads import bubble_html

if TYPE_CHECKING:
    from .carrier import Carrier
    from .messagelog import MessageLog
    from .textchannel import TextSession
    from .texter import Texter
    from .textresult import TextResult

SEND_DELAY = 0.2  # queued -> sending
SENT_DELAY = 0.5  # sending -> sent
DELIVER_DELAY = 1.5  # sent -> delivered (the handset's delivery receipt)
API_VERSION = "2010-04-01"
FINAL = frozenset({"delivered", "undelivered", "failed", "received", "read", "canceled"})
SESSION_TIMEOUT = 600.0  # seconds without a message before a text session ends
MAX_HOPS = 8  # app-to-app replies in a row before the carrier stops a messaging loop


@dataclass(frozen=True)
class Fault:
    """How delivery to a destination fails: Twilio's error code, final status and wording."""

    code: int
    status: str  # undelivered (the carrier refused after sending) or failed (never sent)
    message: str


#: `carrier.phone(n, sms=...)` / `carrier.message_rule(pattern, ...)` behaviours (Twilio's codes).
FAULTS: dict[str, Fault] = {
    "unreachable": Fault(30003, "undelivered", "Unreachable destination handset"),
    "blocked": Fault(30004, "undelivered", "Message blocked"),
    "unknown": Fault(30005, "undelivered", "Unknown destination handset"),
    "landline": Fault(30006, "undelivered", "Landline or unreachable carrier"),
    "filtered": Fault(30007, "undelivered", "Message filtered"),
    "overflow": Fault(30001, "failed", "Queue overflow"),
}
SMS_BEHAVIOURS = ("deliver", *FAULTS)


@dataclass(eq=False)
class Message:
    """One text message, inbound or outbound, with Twilio's fields and its status history."""

    sid: str
    from_: str
    to: str
    body: str
    direction: str  # inbound, outbound-api, outbound-call (a voice flow), outbound-reply
    status: str
    created: float
    channel: str = "TEXT"
    network: str = "SMS"
    num_segments: int = 1
    encoding: str = "GSM-7"
    error_code: int | None = None
    error_message: str | None = None
    call_sid: str | None = None
    history: list[tuple[float, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    account_sid: str = ""
    session_sid: str | None = None  # the text session it belongs to
    segmentation: Segmentation | None = field(default=None, repr=False)
    price: Decimal | None = None  # estimate: segments x per-segment price (0 once failed)
    price_unit: str = EXAMPLE_CURRENCY
    status_callback: Any = field(default=None, repr=False)
    callbacks: list[tuple[float, str, dict[str, str]]] = field(default_factory=list, repr=False)
    media: list[MediaItem] = field(default_factory=list)  # MMS: what it carries besides text

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def outbound(self) -> bool:
        return self.direction.startswith("outbound")

    @property
    def smart_encoded(self) -> bool:
        """Smart encoding replaced look-alike characters (the body went out as GSM-7)."""
        return bool(self.segmentation and self.segmentation.replacements)

    @property
    def sent_at(self) -> float | None:
        return next((t for t, s in self.history if s in ("sent", "received")), None)

    @property
    def updated(self) -> float:
        return self.history[-1][0] if self.history else self.created

    def record(self) -> dict[str, Any]:
        """The message as plain data, with the Message resource's field names."""
        return {
            "sid": self.sid, "account_sid": self.account_sid, "from": self.from_,
            "to": self.to, "body": self.body, "direction": self.direction,
            "status": self.status, "num_segments": self.num_segments, "encoding": self.encoding,
            "price": self.price, "price_unit": self.price_unit, "error_code": self.error_code,
            "error_message": self.error_message, "created": self.created,
            "date_sent": self.sent_at, "date_updated": self.updated, "channel": self.channel,
            "network": self.network, "call_sid": self.call_sid, "session_sid": self.session_sid,
        }  # fmt: skip

    def callback_params(self, status: str | None = None) -> dict[str, str]:
        """What Twilio POSTs to a status callback for this message (all values are text)."""
        status = status or self.status
        params = {
            "MessageSid": self.sid, "SmsSid": self.sid, "AccountSid": self.account_sid,
            "From": self.from_, "To": self.to, "MessageStatus": status, "SmsStatus": status,
            "ApiVersion": API_VERSION,
        }  # fmt: skip
        if self.error_code and status in ("undelivered", "failed"):
            params["ErrorCode"] = str(self.error_code)
        return params

    def webhook_params(self) -> dict[str, str]:
        """What Twilio POSTs to a number's messaging webhook for this inbound message."""
        return {
            "MessageSid": self.sid, "SmsSid": self.sid, "SmsMessageSid": self.sid,
            "AccountSid": self.account_sid, "From": self.from_, "To": self.to,
            "Body": self.body, "NumSegments": str(self.num_segments),
            "SmsStatus": self.status, "ApiVersion": API_VERSION, **self.media_params(),
        }  # fmt: skip

    def media_params(self) -> dict[str, str]:
        """NumMedia, MediaUrl0.., MediaContentType0.. as Twilio's webhooks carry them."""
        params = {"NumMedia": str(len(self.media))}
        for i, item in enumerate(self.media):
            params[f"MediaUrl{i}"] = item.url
            params[f"MediaContentType{i}"] = item.content_type
        return params

    def __repr__(self) -> str:
        err = f" {self.error_code}" if self.error_code else ""
        segs = f"{self.num_segments} segment{'s' if self.num_segments != 1 else ''}"
        return (
            f"<Message {self.sid[:8]} {self.from_} -> {self.to} {self.status}{err} "
            f"{self.encoding} {segs} {_clip(self.body, 40)!r}>"
        )

    def _repr_html_(self) -> str:

        return (
            "<div class='telenb-thread' style='font-family:sans-serif;font-size:13px;"
            f"max-width:36em'>{bubble_html(self, right=self.outbound)}</div>"
        )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SmsNetwork:
    """The messaging half of a carrier: rules, inbound hooks, texters and text sessions.

    `price_per_segment` and `currency` are an example price, not a quote (see telenb.sms).
    """

    def __init__(self, carrier: Carrier):
        self.carrier = carrier
        self.rules: list[tuple[str, str]] = []
        self.handlers: dict[str, Callable[[Message], Any]] = {}
        self.texters: dict[str, Texter] = {}
        self.sessions: list[TextSession] = []
        self.open: dict[tuple[str, str], TextSession] = {}
        self._price: Decimal = EXAMPLE_PRICE_PER_SEGMENT
        self._mms_price: Decimal = EXAMPLE_PRICE_PER_MMS
        self.currency = EXAMPLE_CURRENCY
        self.session_timeout = SESSION_TIMEOUT
        self.webhook: Callable[[str, dict[str, str]], Any] | None = None
        # front doors whose numbers answer texts by webhook (Twilio's SMS URL): given a
        # number, the handler for a text to it, or None
        self.text_webhooks: list[Callable[[str], Callable[[Message], Any] | None]] = []
        # front doors' own numbers (a Twilio account's): texts from them are sent, not received
        self.owners: list[Callable[[str], bool]] = []

    @property
    def messages(self) -> MessageLog:
        return self.carrier.messages

    @property
    def price_per_segment(self) -> Decimal:
        """The price estimate per segment (an example by default, not a quote)."""
        return self._price

    @price_per_segment.setter
    def price_per_segment(self, value: Decimal | float | int | str) -> None:
        self._price = _decimal(value)

    @property
    def price_per_mms(self) -> Decimal:
        """The price estimate per MMS, one per message (an example by default, not a quote)."""
        return self._mms_price

    @price_per_mms.setter
    def price_per_mms(self, value: Decimal | float | int | str) -> None:
        self._mms_price = mms_price(value)

    # -- configuration ----------------------------------------------------------------------
    def rule(self, pattern: str, behaviour: str) -> None:
        """Delivery to numbers matching `pattern` ('+15550123' or '+1555*') does `behaviour`."""
        if behaviour not in SMS_BEHAVIOURS:
            raise ConfigurationError(
                f"sms behaviour must be one of {', '.join(SMS_BEHAVIOURS)}, not {behaviour!r}"
            )
        if not pattern.endswith("*"):
            pattern = self.carrier.normalize(pattern)
        self.rules.append((pattern, behaviour))

    def fault(self, number: str) -> Fault | None:
        """The failure configured for `number` (the rule added last wins), or None."""
        for pattern, behaviour in reversed(self.rules):
            if matches(pattern, number):
                return FAULTS.get(behaviour)
        return None

    def on_message(self, number: str, handler: Callable[[Message], Any]) -> None:
        if not callable(handler):
            raise ConfigurationError(
                f"a message handler must be callable as f(message): {handler!r}"
            )
        self.handlers[self.address(number, "To")] = handler

    def attach(self, texter: Texter, number: str, peer: str) -> Texter:
        texter = texter.copy()
        texter.attach(self, number, peer)
        self.texters[number] = texter
        return texter

    def webhook_for(self, number: str) -> Callable[[Message], Any] | None:
        """Who answers a text to `number` by webhook, if a front door says so."""
        for find in self.text_webhooks:
            hook = find(number)
            if hook is not None:
                return hook
        return None

    def ours(self, number: str) -> bool:
        """A number of this network's apps or accounts (not a person's phone)."""
        if number in self.carrier.apps or number in self.handlers:
            return True
        return any(owns(number) for owns in self.owners)

    # -- validation -------------------------------------------------------------------------
    def address(self, number: Any, which: str) -> str:
        """A phone number or short code; MessageError with Twilio's code (21211/21212) if not."""
        code = 21211 if which == "To" else 21212
        try:
            n = normalize(number, self.carrier.region, allow_short_code=True)
        except NumberError as exc:
            raise MessageError(f"The '{which}' number is not valid: {exc}", code=code) from None
        if not n[:1].isdigit() and not n.startswith("+"):
            raise MessageError(
                f"The '{which}' address {number!r} cannot take SMS: give a phone number such "
                "as '+15550100' (SIP and client addresses have no text channel here)",
                code=code,
            )
        return n

    def segment(self, body: Any, smart: bool, media: bool = False) -> Segmentation:
        """The body's encoding and segments; MessageError (21602, 21617 ...) if it cannot go.
        With media, the text may be empty."""
        seg = segments(body if body or not media else " ", smart=smart)
        if not body.strip() and not media:
            raise MessageError(
                "The SMS body holds only white space: a text message needs something to say.",
                code=21602,
            )
        return seg

    def _new(
        self, seg: Segmentation, media: list[tuple[str, str]] | None = None, **fields: Any
    ) -> Message:
        c = self.carrier
        sid = c.sids.new("mms" if media else "message")
        items = [MediaItem(c.sids.new("media"), u, t, c.clock.now) for u, t in media or ()]
        # an MMS is one message at one price, whatever the length of its text
        segs = 1 if items else seg.num_segments
        price = self.price_per_mms if items else self.price_per_segment * seg.num_segments
        msg = Message(
            sid, created=c.clock.now, channel=fields.pop("channel", "TEXT"),
            network=fields.pop("network", "MMS" if items else "SMS"), num_segments=segs,
            encoding=seg.encoding, account_sid=c.account_sid, segmentation=seg,
            price=price, price_unit=self.currency, media=items, **fields,
        )  # fmt: skip
        if msg.session_sid is None and msg.call_sid is None:
            session = self.open.get((msg.from_, msg.to)) or self.open.get((msg.to, msg.from_))
            msg.session_sid = session.sid if session is not None else None
        self.messages.append(msg)
        return msg

    # -- sending and receiving --------------------------------------------------------------
    def send(
        self,
        body: str,
        *,
        to: str,
        from_: str | None = None,
        direction: str = "outbound-api",
        channel: str = "TEXT",
        network: str = "SMS",
        call_sid: str | None = None,
        session_sid: str | None = None,
        status_callback: Any = None,
        smart_encoding: bool = False,
        meta: dict[str, Any] | None = None,
        media: Any = None,
        hold_until: float | None = None,
    ) -> Message:
        """Queue an outbound message; it progresses in virtual time (see the module doc).
        `media`: URLs (or (url, content type) pairs) it carries, which make it an MMS.
        `hold_until`: a virtual time it is ``scheduled`` for (queued then, `cancel` first)."""
        items = check_media(media)
        seg = self.segment(body, smart_encoding, bool(items))
        to_n = self.address(to, "To")
        from_n = self.address(from_, "From") if from_ else self.carrier.default_caller_id
        _check_callback(status_callback)
        msg = self._new(
            seg, items, from_=from_n, to=to_n, body=body, direction=direction, status="",
            channel=channel, network=network, call_sid=call_sid, session_sid=session_sid,
            status_callback=status_callback, meta=dict(meta or {}),
        )  # fmt: skip
        if hold_until is not None:
            self.set_status(msg, "scheduled")
            msg.meta["release"] = self.carrier.clock.at(hold_until, self._release, msg)
            return msg
        self.set_status(msg, "queued")
        self.dispatch(msg)
        return msg

    def _release(self, msg: Message) -> None:
        msg.meta.pop("release", None)
        self.set_status(msg, "queued")
        self.dispatch(msg)

    def cancel(self, msg: Message) -> None:
        """Cancel a scheduled message (MessageError if it is not scheduled any more)."""
        if msg.status != "scheduled":
            raise MessageError(f"{msg.sid} is {msg.status}, not scheduled: it cannot be canceled")
        self.carrier.clock.cancel(msg.meta.pop("release", None))
        self.set_status(msg, "canceled")

    def dispatch(self, msg: Message) -> None:
        """Carry a queued message on: sending, sent, then delivered or its fault."""
        fault = self.fault(msg.to)
        clock = self.carrier.clock
        if fault is not None and fault.status == "failed":
            clock.schedule(SEND_DELAY, self._fail, msg, fault)
            return
        clock.schedule(SEND_DELAY, self.set_status, msg, "sending")
        clock.schedule(SEND_DELAY + SENT_DELAY, self.set_status, msg, "sent")
        total = SEND_DELAY + SENT_DELAY + DELIVER_DELAY
        if fault is not None:
            clock.schedule(total, self._fail, msg, fault)
        else:
            clock.schedule(total, self._delivered, msg)

    def receive(
        self,
        body: str,
        *,
        to: str,
        from_: str,
        smart_encoding: bool = False,
        hops: int = 0,
        media: Any = None,
    ) -> Message:
        """A message arrives from outside (a person, a handset, another app): route it.

        `hops` counts automated replies in a row (app to app), to stop endless loops."""
        items = check_media(media)
        seg = self.segment(body, smart_encoding, bool(items))
        to_n, from_n = self.address(to, "To"), self.address(from_, "From")
        c = self.carrier
        app = c.apps.get(to_n)
        fault = self.fault(to_n)
        hook = self.webhook_for(to_n) if to_n not in self.handlers else None
        known = to_n in self.handlers or app is not None or to_n in c.phones or hook is not None
        known = known or (to_n, from_n) in self.open  # a reply to a session the app opened
        if fault is None and not known and to_n not in self.texters:
            fault = FAULTS["unknown"]
        msg = self._new(
            seg, items, from_=from_n, to=to_n, body=body, direction="inbound",
            status="receiving" if fault is None else "queued", meta={"hops": hops} if hops else {},
        )  # fmt: skip
        if fault is not None:
            self._fail(msg, fault, why="no app, phone or handler has this number")
            return msg
        self.set_status(msg, "received")
        handler = self.handlers.get(to_n)
        session = self.open.get((to_n, from_n))
        if handler is not None:
            self._call_handler(handler, msg)
        elif session is not None:
            session.inbound(msg)
        elif hook is not None:
            self._call_hook(hook, msg)
        elif app is not None and (
            app.kind in ("python", "tropo") or getattr(app.target, "text_sessions", False)
        ):  # a front door's flow that also answers texts says so (Tropo WebAPI apps)
            start_session(self, msg, app)
        elif to_n in self.texters:
            self.texters[to_n].on_message(msg)
        return msg

    def text(
        self, to: str, body: str, *, from_: str | None, texter: Any, media: Any = None
    ) -> TextResult:
        """`carrier.text()` without running: a person (with an optional texter) texts `to`."""

        if texter is not None and not isinstance(texter, Texter):
            texter = Texter(texter)
        person = self.address(from_ or getattr(texter, "number", Texter.default_number), "From")
        to_n = self.address(to, "To")
        start = len(self.messages)
        attached = self.attach(texter, person, to_n) if texter is not None else None
        first = self.receive(body, to=to_n, from_=person, media=media)
        if attached is not None:
            attached.sent.append(first)
            attached.start()
        return TextResult(self.carrier, person, to_n, start, attached)

    # -- status progression -----------------------------------------------------------------
    def set_status(self, msg: Message, status: str) -> None:
        c = self.carrier
        first = not msg.history
        msg.status = status
        msg.history.append((c.clock.now, status))
        data: dict[str, Any] = {"sid": msg.sid, "status": status, "from": msg.from_, "to": msg.to}
        if first or status == "received":
            data.update(body=msg.body, segments=msg.num_segments, encoding=msg.encoding)
        if msg.error_code and status in ("undelivered", "failed"):
            data.update(error_code=msg.error_code, error_message=msg.error_message)
        c.trace.add(c.clock.now, msg.call_sid or msg.session_sid or msg.sid, "message", **data)
        c._message_status(msg, status)
        if msg.status_callback is not None and not first:
            self._status_callback(msg, status)

    def _fail(self, msg: Message, fault: Fault, why: str | None = None) -> None:
        msg.error_code = fault.code
        msg.error_message = fault.message + (f" ({why})" if why else "")
        if fault.status == "failed" or msg.direction == "inbound":
            msg.price = Decimal(0)  # nobody pays for a message that went nowhere
        self.set_status(msg, fault.status)

    def _delivered(self, msg: Message) -> None:
        self.set_status(msg, "delivered")
        texter = self.texters.get(msg.to)
        if texter is not None:
            texter.on_message(msg)
        elif msg.to in self.handlers or msg.to in self.carrier.apps or self.webhook_for(msg.to):
            hops = msg.meta.get("hops", 0) + 1
            if hops > MAX_HOPS:
                c = self.carrier
                c.trace.add(
                    c.clock.now, msg.session_sid or msg.sid, "error", error="MessageLoop",
                    message=f"{msg.sid} not passed on to {msg.to}: {MAX_HOPS} automated replies "
                    "in a row look like two apps texting each other forever",
                )  # fmt: skip
                return
            self.receive(
                msg.body, to=msg.to, from_=msg.from_, smart_encoding=msg.smart_encoded,
                hops=hops, media=[(m.url, m.content_type) for m in msg.media],
            )  # fmt: skip

    # -- hooks --------------------------------------------------------------------------------
    def _status_callback(self, msg: Message, status: str) -> None:
        params = msg.callback_params(status)
        cb = msg.status_callback
        msg.callbacks.append((self.carrier.clock.now, cb if isinstance(cb, str) else "", params))
        if not callable(cb) and self.webhook is None:
            return
        try:
            if callable(cb):
                cb(params)
            elif self.webhook is not None:
                self.webhook(cb, params)
        except Exception as exc:  # the user's callback: report it, keep the network running
            self._hook_error(msg, "status callback", exc)

    def _call_hook(self, hook: Callable[[Message], Any], msg: Message) -> None:
        try:
            hook(msg)
        except Exception as exc:
            self._hook_error(msg, "text webhook", exc)

    def _call_handler(self, handler: Callable[[Message], Any], msg: Message) -> None:
        try:
            reply = handler(msg)
        except Exception as exc:
            self._hook_error(msg, "message handler", exc)
            return
        hops = {"hops": msg.meta.get("hops", 0)}
        for body in [reply] if isinstance(reply, str) else list(reply or ()):
            self.send(body, to=msg.from_, from_=msg.to, direction="outbound-reply", meta=hops)

    def _hook_error(self, msg: Message, what: str, exc: Exception) -> None:
        c = self.carrier
        c.trace.add(
            c.clock.now, msg.session_sid or msg.sid, "error", error=type(exc).__name__,
            message=f"the {what} for {msg.sid} raised: {exc}",
        )  # fmt: skip


def _check_callback(cb: Any) -> None:
    if cb is None or callable(cb):
        return
    if isinstance(cb, str) and cb.startswith(("http://", "https://")):
        return
    raise ConfigurationError(
        f"status_callback must be a callable f(params) or an http(s) URL, not {cb!r}"
    )
