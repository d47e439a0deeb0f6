"""Vonage Messages API, SMS channel, on the simulator: inbound-message and message-status
webhooks with the reference's JSON fields, signed JWTs, and the `vonage` SDK offline with
JWT or Basic auth.

What Vonage's own Messages snippets (Vonage/vonage-python-code-snippets, messages/) taught:
the webhook server is two POST routes, /webhooks/inbound-message and
/webhooks/message-status, that read the JSON body and answer 200; the signature check takes
the token after "Bearer " and checks it with the signature secret (vonage_jwt); the SDK
sends an `Sms(to, from_, text)` as channel sms / message_type text.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from flask import Flask, request

import telenb
from telenb.providers.vonage import vonage_application
from telenb.providers.vonage.messages import messages_app, send_message

vonage = pytest.importorskip("vonage", reason="the vonage extra is not installed")
from vonage_jwt.verify_jwt import verify_signature  # noqa: E402

from telenb.providers.vonage.rest.offline import offline  # noqa: E402

from .test_sdk_offline import APP_ID, keys  # noqa: E402

SHOP = "+15550100"
GUEST = "+15550123"


def webhook_server(seen: dict[str, list], secret: str) -> Flask:
    """An app in the style of Vonage's webhook-server snippet, with the signature check."""
    app = Flask("messages")

    def keep(name: str):
        token = request.headers["Authorization"].split()[1]
        seen[name].append(
            {
                "json": request.get_json(),
                "signed": verify_signature(token, secret),
                "hash": hashlib.sha256(request.get_data()).hexdigest(),
                "claims": __import__("jwt").decode(token, options={"verify_signature": False}),
            }
        )
        return "", 200

    app.add_url_rule("/webhooks/inbound-message", "in", lambda: keep("in"), methods=["POST"])
    app.add_url_rule("/webhooks/message-status", "st", lambda: keep("st"), methods=["POST"])
    return app


def shop(**phone):
    carrier = telenb.Carrier(seed=5)
    carrier.phone(GUEST, script="", **phone)
    seen: dict[str, list] = {"in": [], "st": []}
    vapp = vonage_application(carrier)
    messages_app(carrier, SHOP, webhook_server(seen, vapp.signature_secret))
    return carrier, vapp, seen


def test_a_text_reaches_the_inbound_webhook_with_the_documented_fields_signed():
    """Messages API reference, inbound-message webhook (inboundMessageSMS): channel "sms",
    message_uuid, to, from (E.164 without the plus), timestamp (ISO 8601), text and sms
    {num_messages, keyword: the first word upper-cased}; "Signed webhooks": a HS256 JWT
    with the signature secret whose payload_hash is the body's SHA-256."""
    carrier, vapp, seen = shop()
    carrier.text(SHOP, "hello there, is the blue dress in stock?", from_=GUEST)
    (got,) = seen["in"]
    body = got["json"]
    assert sorted(body) == ["channel", "from", "message_uuid", "sms", "text", "timestamp", "to"]
    assert (body["channel"], body["to"], body["from"]) == ("sms", "15550100", "15550123")
    assert body["text"] == "hello there, is the blue dress in stock?"
    assert body["sms"] == {"num_messages": "1", "keyword": "HELLO"}
    assert body["timestamp"].startswith("2025-01-01T00:00:") and body["timestamp"].endswith("Z")
    assert got["signed"] and got["claims"]["payload_hash"] == got["hash"]
    assert got["claims"]["api_key"] == vapp.api_key
    msg = carrier.messages[-1]
    assert (msg.direction, msg.status, msg.body) == ("inbound", "received", body["text"])
    assert seen["st"] == []  # an inbound message has no status webhook


def test_a_long_text_counts_its_segments():
    """inboundMessageSMS sms.num_messages: how many SMS were concatenated into this one."""
    carrier, _, seen = shop()
    carrier.text(SHOP, "x" * 200, from_=GUEST)
    assert seen["in"][0]["json"]["sms"] == {"num_messages": "2", "keyword": "X" * 200}


def sdk(carrier, *, basic: bool = False):
    vapp = vonage_application(carrier)
    if basic:
        client = vonage.Vonage(vonage.Auth(api_key=vapp.api_key, api_secret=vapp.api_secret))
        return client, offline(client, carrier)
    private, public = keys()
    client = vonage.Vonage(vonage.Auth(application_id=APP_ID, private_key=private))
    return client, offline(client, carrier, public_key=public)


def test_an_sms_sent_with_the_sdk_reports_submitted_then_delivered():
    """Messages API "Message Status" webhook (messageStatusSMS): SMS is chargeable when
    submitted and ends delivered or rejected; each callback has message_uuid, to, from,
    timestamp, status, channel, usage {currency, price} and sms.count_total, and the
    client_ref the request gave."""
    from vonage_messages import Sms

    carrier, _, seen = shop()
    client, _ = sdk(carrier)
    out = client.messages.send(
        Sms(to="15550123", from_="15550100", text="Your dress has shipped", client_ref="ord-7")
    )
    carrier.run()
    bodies = [s["json"] for s in seen["st"]]
    assert [b["status"] for b in bodies] == ["submitted", "delivered"]
    first = bodies[0]
    assert first["message_uuid"] == out.message_uuid
    assert (first["to"], first["from"], first["channel"]) == ("15550123", "15550100", "sms")
    assert first["client_ref"] == "ord-7" and first["sms"] == {"count_total": "1"}
    assert first["usage"]["currency"] == "EUR" and float(first["usage"]["price"]) > 0
    assert "error" not in bodies[1] and all(s["signed"] for s in seen["st"])
    msg = carrier.messages[-1]
    assert (msg.body, msg.to, msg.status) == ("Your dress has shipped", GUEST, "delivered")
    traced = [e["status"] for e in carrier.trace.filter("message", msg.sid)]
    assert traced == ["queued", "sending", "sent", "delivered"]


def test_basic_auth_with_the_api_key_and_secret_and_a_wrong_secret_is_refused():
    """Messages API authentication: JWT or Basic (api_key:api_secret in base64); the SDK
    sends Basic when its Auth has no application; a wrong secret gets 401."""
    from vonage_http_client.errors import AuthenticationError
    from vonage_messages import Sms

    carrier, vapp, _ = shop()
    client, adapter = sdk(carrier, basic=True)
    client.messages.send(Sms(to="15550123", from_="15550100", text="basic"))
    auth = adapter.requests[-1].headers["Authorization"]
    auth = auth.decode() if isinstance(auth, bytes) else auth
    token = base64.b64encode(f"{vapp.api_key}:{vapp.api_secret}".encode()).decode()
    assert auth == f"Basic {token}"
    vapp.api_secret = "0" * 16
    with pytest.raises(AuthenticationError):
        client.messages.send(Sms(to="15550123", from_="15550100", text="again"))
    assert [m.body for m in carrier.messages] == ["basic"]


def test_a_refused_handset_is_rejected_with_the_messages_error_object():
    """Status callbacks: "rejected" carries an error object {type (the errors page URL),
    title (the error code), detail, instance}; a landline cannot take SMS: 1310 "Not
    suitable device"."""
    carrier, vapp, seen = shop(sms="landline")
    body = {"channel": "sms", "message_type": "text", "to": "15550123", "from": "15550100"}
    status, answer = send_message(vapp, body | {"text": "hi"})
    carrier.run()
    assert status == 202 and set(answer) == {"message_uuid"}
    bodies = [s["json"] for s in seen["st"]]
    assert [b["status"] for b in bodies] == ["submitted", "rejected"]
    err = bodies[1]["error"]
    assert err["type"] == "https://developer.vonage.com/api-errors/messages#1310"
    assert err["title"] == "1310" and "Not suitable device" in err["detail"] and err["instance"]


def test_webhook_url_on_the_request_overrides_the_applications_status_url():
    """Send a message: webhook_url is "the URL to which Status Webhook messages will be sent
    for this particular message"."""
    carrier, vapp, seen = shop()
    other: list[dict] = []
    vapp.web.mount("https://other.test", {"/st": lambda req: other.append(dict(req))}, "routes")
    send_message(
        vapp,
        {"channel": "sms", "message_type": "text", "to": "15550123", "from": "15550100",
         "text": "hi", "webhook_url": "https://other.test/st"},
    )  # fmt: skip
    carrier.run()
    assert seen["st"] == [] and [o["status"] for o in other] == ["submitted", "delivered"]


@pytest.mark.parametrize(
    "change, code, title",
    [
        ({"channel": "fax"}, "1400", "Unsupported channel"),
        ({"message_type": "image"}, "1440", "Invalid message type"),
        ({"to": ""}, "1430", "Invalid recipient"),
        ({"from": None}, "1420", "Invalid sender"),
        ({"client_ref": "r" * 101}, "1450", "Invalid client reference"),
    ],
)
def test_a_bad_request_is_refused_with_422_and_nothing_is_sent(change, code, title):
    """Send a message, 422: the error body's type links the Messages error code
    (api-errors/messages: 1400 unsupported channel, 1420 invalid sender, 1430 invalid
    recipient, 1440 invalid message type, 1450 client reference over 100 characters)."""
    carrier, vapp, _ = shop()
    body = {"channel": "sms", "message_type": "text", "to": "15550123", "from": "15550100"}
    status, answer = send_message(vapp, body | {"text": "hi"} | change)
    assert status == 422
    assert answer["type"].endswith("#" + code) and answer["title"] == title
    assert list(carrier.messages) == []


def test_an_inbound_webhook_that_fails_is_a_warning_and_the_text_is_kept():
    """Inbound messages must be answered 200 (or 204); anything else is not a delivery."""
    carrier = telenb.Carrier(seed=5)
    messages_app(carrier, SHOP, {"/webhooks/inbound-message": lambda req: ("no", 500)})
    carrier.text(SHOP, "hello", from_=GUEST)
    warned = [e["message"] for e in carrier.trace.filter("warning")]
    assert any("HTTP 500" in w for w in warned)
    assert carrier.messages[-1].status == "received"


def test_an_ncco_app_takes_its_messages_webhooks_too():
    """A Vonage application has Voice and Messages capabilities side by side: one app
    serves the answer webhook and the inbound-message webhook."""
    carrier = telenb.Carrier(seed=5)
    got: list[dict] = []

    def inbound(req):
        got.append(json.loads(json.dumps(dict(req))))
        return "", 204

    routes = {"/webhooks/answer": [{"action": "talk", "text": "Hi"}], "/webhooks/inbound": inbound}
    carrier.app(SHOP, ncco=routes, url="/webhooks/answer", inbound_url="/webhooks/inbound")
    carrier.text(SHOP, "STOP", from_=GUEST)
    assert got[0]["text"] == "STOP" and got[0]["sms"]["keyword"] == "STOP"
    assert carrier.call(SHOP).trace.said() == ["Hi"]
