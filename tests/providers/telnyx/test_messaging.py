"""Telnyx messaging on the simulator: message.received / message.sent / message.finalized
webhooks with the documented envelope and payload, Ed25519-signed, and POST /v2/messages.

What Telnyx's own Flask messaging demos (team-telnyx/demo-python-telnyx, flask-messaging
and webinar-messaging-demo) taught: the inbound route checks telnyx-signature-ed25519 and
telnyx-timestamp over the raw body, reads data.payload.to[0].phone_number,
data.payload.from.phone_number, .text and .media, and answers by sending a message from
inside the webhook with its own webhook_url and use_profile_webhooks false; the delivery
route reads data.payload.id and answers 200.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask, Response, request

import telenb
from telenb.providers.telnyx import telnyx_account
from telenb.providers.telnyx.messaging import send_message, telnyx_messaging
from telenb.providers.telnyx.signing import SignatureError, verify

pytest.importorskip("cryptography", reason="Telnyx signs with Ed25519 (the telnyx extra)")

SHOP, GUEST = "+15550100", "+15550123"


def demo_app(account, seen: dict[str, list]) -> Flask:
    """A reply-bot written the way Telnyx's Flask messaging demos are."""
    app = Flask("telnyx-messaging")

    def checked() -> dict | None:
        try:
            verify(
                account.public_key, request.get_data(),
                request.headers.get("telnyx-signature-ed25519"),
                request.headers.get("telnyx-timestamp"),
            )  # fmt: skip
        except SignatureError:
            return None
        return json.loads(request.get_data())

    @app.post("/messaging/inbound")
    def inbound():
        event = checked()
        if event is None:
            return "Webhook not verified", 400
        seen["in"].append(event)
        payload = event["data"]["payload"]
        send_message(
            account,
            {"from": payload["to"][0]["phone_number"], "to": payload["from"]["phone_number"],
             "text": "Hello from the shop!", "use_profile_webhooks": False,
             "webhook_url": request.host_url.rstrip("/") + "/messaging/outbound"},
        )  # fmt: skip
        return Response(status=200)

    @app.post("/messaging/outbound")
    def outbound():
        event = checked()
        assert event is not None, "a delivery report must be signed too"
        seen["out"].append(event)
        return Response(status=200)

    return app


def shop(**phone):
    carrier = telenb.Carrier(seed=8)
    carrier.phone(GUEST, script="", **phone)
    account = telnyx_account(carrier)
    seen: dict[str, list] = {"in": [], "out": []}
    telnyx_messaging(carrier, SHOP, demo_app(account, seen), webhook_url="/messaging/inbound")
    return carrier, account, seen


def test_a_text_arrives_as_message_received_with_the_documented_envelope():
    """Receiving Webhooks for Messaging / inboundMessage callback: a POST of {"data":
    {event_type "message.received", id, occurred_at, payload, record_type "event"}, "meta":
    {attempt, delivered_to}}; the payload is the message record, direction inbound, type
    SMS, from {phone_number, carrier, line_type}, to [{phone_number, status, ...}], text,
    media, encoding, parts; signed with Ed25519 over timestamp|body."""
    carrier, _, seen = shop()
    carrier.text(SHOP, "Is the red coat in stock?", from_=GUEST)
    carrier.run()
    (event,) = seen["in"]
    assert sorted(event) == ["data", "meta"]
    data = event["data"]
    assert sorted(data) == ["event_type", "id", "occurred_at", "payload", "record_type"]
    assert (data["event_type"], data["record_type"]) == ("message.received", "event")
    assert data["occurred_at"].startswith("2025-01-01T00:00:0")
    assert data["occurred_at"].endswith("+00:00")
    assert event["meta"] == {
        "attempt": 1,
        "delivered_to": "https://15550100.texml.test/messaging/inbound",
    }
    p = data["payload"]
    assert (p["record_type"], p["direction"], p["type"]) == ("message", "inbound", "SMS")
    assert p["from"]["phone_number"] == GUEST and p["to"][0]["phone_number"] == SHOP
    assert p["to"][0]["line_type"] == "VoIP" and p["to"][0]["status"] == "delivered"
    assert (p["text"], p["media"], p["encoding"], p["parts"]) == (
        "Is the red coat in stock?", [], "GSM-7", 1,
    )  # fmt: skip
    assert p["errors"] == [] and p["cc"] == []


def test_the_reply_sent_from_the_webhook_reports_sent_then_finalized_delivered():
    """deliveryUpdate callback: message.sent once the message went to the carrier
    (to[].status "sent"), message.finalized at a terminal state (to[].status "delivered",
    completed_at set), each to the message's webhook_url; the API answers the send with
    the record, to[].status "queued"."""
    carrier, _, seen = shop()
    carrier.text(SHOP, "hi", from_=GUEST)
    carrier.run()
    kinds = [
        (e["data"]["event_type"], e["data"]["payload"]["to"][0]["status"]) for e in seen["out"]
    ]
    assert kinds == [("message.sent", "sent"), ("message.finalized", "delivered")]
    sent, final = (e["data"]["payload"] for e in seen["out"])
    assert sent["direction"] == "outbound" and sent["text"] == "Hello from the shop!"
    assert sent["completed_at"] is None and final["completed_at"] and final["sent_at"]
    assert sent["webhook_url"] == "https://15550100.texml.test/messaging/outbound"
    assert sent["id"] == final["id"]
    reply = carrier.messages[-1]
    assert (reply.from_, reply.to, reply.status) == (SHOP, GUEST, "delivered")


def test_a_landline_is_finalized_delivery_failed_with_40001():
    """Messaging error codes: 40001 "Not routable" (the destination is a landline),
    reported in message.finalized's errors, to[].status delivery_failed."""
    carrier, _, seen = shop(sms="landline")
    carrier.text(SHOP, "hi", from_=GUEST)
    carrier.run()
    final = seen["out"][-1]["data"]
    assert final["event_type"] == "message.finalized"
    assert final["payload"]["to"][0]["status"] == "delivery_failed"
    (err,) = final["payload"]["errors"]
    assert (err["code"], err["title"]) == ("40001", "Not routable")


def test_the_api_answers_queued_and_refuses_a_number_not_in_e164():
    """Send a message: 'to' and 'from' are +E.164; the answer's data is the message record
    with to[].status queued; API error 10016 "Phone number must be in +E.164 format"."""
    carrier, account, _ = shop()
    status, answer = send_message(account, {"from": SHOP, "to": GUEST, "text": "Sale today"})
    assert status == 200
    assert answer["data"]["to"][0]["status"] == "queued" and answer["data"]["type"] == "SMS"
    status, answer = send_message(account, {"from": SHOP, "to": "5550123", "text": "x"})
    (err,) = answer["errors"]
    assert status == 400 and err["code"] == "10016" and err["source"] == {"pointer": "/to"}
    status, answer = send_message(account, {"from": SHOP, "to": GUEST})
    assert answer["errors"][0]["code"] == "10004"
    assert [m.body for m in carrier.messages] == ["Sale today"]


def test_mms_media_urls_make_an_mms():
    """Send a message: media_urls are "Required for MMS"; type is then MMS."""
    _, account, _ = shop()
    status, answer = send_message(
        account, {"from": SHOP, "to": GUEST, "media_urls": ["https://example.test/dog.jpg"]}
    )
    assert status == 200 and answer["data"]["type"] == "MMS"
    assert answer["data"]["media"][0]["url"] == "https://example.test/dog.jpg"


def test_a_failing_webhook_is_tried_three_times_then_the_failover_url():
    """Receiving Webhooks: without a 2xx Telnyx retries, up to 3 attempts per URL, then
    the failover URL; meta.attempt counts them and meta.delivered_to names the URL."""
    carrier = telenb.Carrier(seed=8)
    got: list[dict] = []

    def failover(req):
        got.append(dict(req))
        return "", 200

    site = {"/hook": lambda req: ("down", 503), "/backup": failover}
    telnyx_messaging(carrier, SHOP, site, webhook_url="/hook", webhook_failover_url="/backup")
    carrier.text(SHOP, "hi", from_=GUEST)
    hooks = [(e["url"].rsplit("/", 1)[-1], e["status"]) for e in carrier.trace.filter("webhook")]
    assert hooks == [("hook", 503)] * 3 + [("backup", 200)]
    assert got[0]["meta"] == {"attempt": 4, "delivered_to": "https://15550100.texml.test/backup"}


def test_a_tampered_body_fails_the_apps_signature_check():
    """The Ed25519 signature covers the body: changing one byte fails verification."""
    carrier = telenb.Carrier(seed=8)
    account = telnyx_account(carrier)
    seen: list = []

    def hook(req):
        seen.append(req.headers)
        return "", 200

    telnyx_messaging(carrier, SHOP, {"/webhooks": hook})
    carrier.text(SHOP, "hi", from_=GUEST)
    body = carrier.trace.filter("webhook")[0]["params"]
    raw = json.dumps(body, separators=(",", ":")).encode()
    sig, stamp = seen[0]["telnyx-signature-ed25519"], seen[0]["telnyx-timestamp"]
    verify(account.public_key, raw, sig, stamp)
    with pytest.raises(SignatureError):
        verify(account.public_key, raw.replace(b"hi", b"ho"), sig, stamp)
