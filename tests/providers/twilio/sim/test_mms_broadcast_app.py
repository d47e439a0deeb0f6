"""An MMS broadcast app in the style of the real marketing-notification samples, unmodified:
people subscribe and unsubscribe by text (a <Message> reply), and an admin form broadcasts
an MMS to every subscriber with the app's own `twilio.rest.Client` built from the
environment.  On Twilio each broadcast message is an MMS (its `media_url` kept, NumMedia
and MediaUrl0 on the recipient's side, priced per MMS), and a stop keyword silences it."""

from __future__ import annotations

import os

import flask
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

import telenb
from telenb.providers.twilio import offline, twilio_account

SHOP = "+15550100"
PEOPLE = ["+15550171", "+15550172", "+15550173"]
PICTURE = "https://shop.example/spring.jpg"


def marketing_app() -> flask.Flask:
    app = flask.Flask("marketing")
    subscribers: set[str] = set()

    @app.post("/sms")
    def sms():
        who, body = flask.request.form["From"], flask.request.form["Body"].strip().lower()
        reply = MessagingResponse()
        if body == "add":
            subscribers.add(who)
            reply.message("You are subscribed. Reply 'remove' to stop.")
        elif body == "remove":
            subscribers.discard(who)
            reply.message("You are unsubscribed.")
        else:
            reply.message("Reply 'add' to get our offers.")
        return str(reply)

    @app.post("/broadcast")
    def broadcast():
        client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
        sent = [
            client.messages.create(
                to=to, from_=SHOP, body=flask.request.form["message"],
                media_url=[flask.request.form["image"]],
            ).sid
            for to in sorted(subscribers)
        ]  # fmt: skip
        return {"sent": sent}

    return app


def test_subscribers_get_the_broadcast_as_an_mms_and_the_unsubscribed_do_not(monkeypatch):
    carrier = telenb.Carrier(seed=11)
    app = marketing_app()
    carrier.app(SHOP, twiml=app, url="/voice", sms_url="/sms")
    for person in PEOPLE:
        carrier.text(SHOP, "add", from_=person)
    carrier.text(SHOP, "remove", from_=PEOPLE[1])
    carrier.text(SHOP, "hello", from_="+15550179")
    acct = twilio_account(carrier)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", acct.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", acct.auth_token)
    with offline(carrier):
        answer = app.test_client().post(
            "/broadcast", data={"message": "Spring sale!", "image": PICTURE}
        )
    carrier.run()
    assert answer.status_code == 200
    sids = answer.get_json()["sent"]
    sent = [m for m in carrier.messages if m.sid in sids]
    assert sorted(m.to for m in sent) == [PEOPLE[0], PEOPLE[2]]
    for m in sent:
        assert (m.body, m.from_, m.direction, m.status) == (
            "Spring sale!", SHOP, "outbound-api", "delivered",
        )  # fmt: skip
        assert [x.url for x in m.media] == [PICTURE]
    replies = [m.body for m in carrier.messages if m.from_ == SHOP and m.sid not in sids]
    assert replies.count("You are subscribed. Reply 'remove' to stop.") == 3
    assert "You are unsubscribed." in replies and "Reply 'add' to get our offers." in replies
    mms_price = {m.price for m in sent}
    sms_price = {m.price for m in carrier.messages if m.from_ == SHOP and m.sid not in sids}
    assert len(mms_price) == 1 and mms_price != sms_price  # priced per MMS, not per segment
