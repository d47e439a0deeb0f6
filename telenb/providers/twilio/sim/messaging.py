"""Inbound SMS webhooks: a text to a number with an SMS URL reaches its app, and the
app's `MessagingResponse` (<Message>, <Redirect>) is carried out.

The hook is small on purpose: when a message to an account number with ``sms_url`` is
received on the carrier (a person's text, `carrier.text()`, a texter, another app's reply),
Twilio's SMS webhook is made (MessageSid, From, To, Body,
NumMedia, ...), and each <Message> in the answer is sent back with
`carrier.send_message` (to the sender, from the number, unless the verb says otherwise).
Twilio's limits apply: at most 10 replies per incoming message (14109) and 50 documents
per exchange (14106).  Nothing else about messaging changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

from ....errors import ConfigurationError, MessageError, NumberError
from ..account import API_VERSION, SimAccount
from ..geography import geo_params
from ..twiml.attrs import Attrs
from .webhooks import WebhookError, sms_scope

MAX_REPLIES = 10
MAX_DOCUMENTS = 50


def enable_sms(account: SimAccount) -> None:
    """Start answering texts to the account's numbers that have an SMS URL (idempotent)."""
    if getattr(account, "_sms_enabled", False):
        return
    setattr(account, "_sms_enabled", True)  # noqa: B010
    account.carrier.sms.text_webhooks.append(lambda number: _webhook_for(account, number))


def _webhook_for(account: SimAccount, number: str) -> Callable[[Any], None] | None:
    """The SMS webhook exchange for a text to `number`, when the number has an SMS URL."""
    entry = _sms_handler(account, account.numbers.get(number))
    if entry is None or not entry.sms_url:
        return None
    return lambda msg: _exchange(account, msg, entry)


def _sms_handler(account: SimAccount, entry: Any) -> Any:
    """The number, or the TwiML Application its SmsApplicationSid names (whose SMS URLs
    Twilio uses instead of the number's)."""
    sid = getattr(entry, "sms_application_sid", None)
    apps = getattr(getattr(account, "_rest_state", None), "applications", {})
    return apps.get(sid, entry) if sid else entry


def inbound_params(account: SimAccount, msg: Any) -> list[tuple[str, str]]:
    """What Twilio posts to an SMS URL for an incoming message, with the geographic data it
    looks up from both numbers (FromCity, FromState, FromZip, FromCountry, To*)."""
    return [
        ("AccountSid", account.account_sid),
        ("ApiVersion", API_VERSION),
        ("Body", msg.body),
        ("From", msg.from_),
        *geo_params("From", msg.from_),
        ("MessageSid", msg.sid),
        *msg.media_params().items(),
        ("NumSegments", str(msg.num_segments)),
        ("SmsMessageSid", msg.sid),
        ("SmsSid", msg.sid),
        ("SmsStatus", "received"),
        ("To", msg.to),
        *geo_params("To", msg.to),
    ]


def _exchange(account: SimAccount, msg: Any, entry: Any) -> None:
    hooks = account.webhooks
    params = inbound_params(account, msg)
    method, url, replies = entry.sms_method, entry.sms_url, 0
    for _ in range(MAX_DOCUMENTS):
        try:
            doc = hooks.fetch_twiml(
                method,
                url,
                params,
                sid=msg.sid,
                purpose="sms",
                cookies=sms_scope(msg.from_, msg.to),
            )
        except WebhookError as exc:
            hooks.warn(msg.sid, exc.code, exc.detail, url=exc.url)
            if entry.sms_fallback_url and url != entry.sms_fallback_url:
                method, url = entry.sms_fallback_method, entry.sms_fallback_url
                params = [*params, ("ErrorCode", str(exc.code)), ("ErrorUrl", exc.url)]
                continue
            return
        next_url = None
        for node in doc.root.children:
            warn = lambda code, text, sid=msg.sid: hooks.warn(sid, code, text)  # noqa: E731
            a = Attrs(node, warn)
            if node.tag == "Message":
                if replies >= MAX_REPLIES:
                    hooks.warn(msg.sid, 14109, "more than 10 replies to one incoming message")
                    return
                replies += 1
                _reply(account, msg, node, a, doc.url)
            elif node.tag == "Redirect":
                next_url = urljoin(doc.url, node.text)
                method = a.method("method", 14104)
                break
            else:
                hooks.warn(msg.sid, 14110, f"<{node.tag}> is not a Messaging TwiML verb")
        if next_url is None:
            return
        url = next_url
    hooks.warn(msg.sid, 14106, f"more than {MAX_DOCUMENTS} documents for one incoming message")


def _reply(account: SimAccount, msg: Any, node: Any, a: Attrs, base: str) -> None:
    """One <Message>: its <Body> (or text) and <Media> go back to the sender (or `to`); its
    `action` (`statusCallback`, deprecated) hears the reply's statuses with `method`."""
    # a <Body> is the message's text as written, line breaks kept, like <Message>'s own text
    bodies = [c.text for c in node.children if c.tag == "Body"]
    media = [urljoin(base, c.text) for c in node.children if c.tag == "Media"]
    body = bodies[0] if bodies else node.text
    if not body.strip() and not media:
        account.webhooks.warn(msg.sid, 14103, "<Message> has no body or media; nothing sent")
        return
    try:
        reply = account.carrier.send_message(
            body, to=a.text("to") or msg.from_, from_=a.text("from", msg.to),
            direction="outbound-reply", media=media or None,
        )  # fmt: skip
    except (NumberError, ConfigurationError, MessageError) as exc:
        account.webhooks.warn(msg.sid, 14101, f"<Message>: {exc}")
        return
    reply.meta["in_reply_to"] = msg.sid
    callback = a.text("action") or a.text("statusCallback")
    if callback:
        account.watch_message(reply.sid, urljoin(base, callback), a.method("method", 14104))
