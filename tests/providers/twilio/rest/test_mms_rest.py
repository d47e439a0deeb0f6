"""MMS and message updates through the real twilio SDK, offline: media_url on create, the
Media subresource, MMS prices, Body="" redaction, scheduled messages and their cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from twilio.base.exceptions import TwilioRestException

import telenb
from telenb.providers.twilio import offline_client
from telenb.providers.twilio.account import EPOCH

SHOP, PERSON = "+14155550100", "+15550123"
PHOTO = "https://cdn.example/cat.jpg"


@pytest.fixture
def setup():
    carrier = telenb.Carrier(seed=33)
    client = offline_client(carrier)
    client.incoming_phone_numbers.create(phone_number=SHOP)
    return carrier, client


def test_media_url_makes_an_mms_with_a_media_list(setup):
    carrier, client = setup
    msg = client.messages.create(to=PERSON, from_=SHOP, body="a cat", media_url=[PHOTO])
    assert msg.num_media == "1" and msg.sid.startswith("MM")
    [item] = client.messages(msg.sid).media.list()
    assert item.content_type == "image/jpeg" and item.parent_sid == msg.sid
    assert client.messages(msg.sid).media(item.sid).fetch().sid == item.sid
    carrier.run()
    assert client.messages(msg.sid).fetch().price == "-0.0200"
    client.messages(msg.sid).media(item.sid).delete()
    assert client.messages(msg.sid).media.list() == []


def test_media_only_message_needs_no_body(setup):
    _carrier, client = setup
    msg = client.messages.create(to=PERSON, from_=SHOP, media_url=[PHOTO])
    assert msg.body == "" and msg.num_media == "1"


def test_body_redaction_after_delivery(setup):
    carrier, client = setup
    msg = client.messages.create(to=PERSON, from_=SHOP, body="your code is 1234")
    with pytest.raises(TwilioRestException):
        client.messages(msg.sid).update(body="")  # still on its way
    carrier.run()
    assert client.messages(msg.sid).update(body="").body == ""
    assert client.messages(msg.sid).fetch().body == ""


def test_scheduled_message_is_held_then_canceled(setup):
    carrier, client = setup
    service = client.messaging.v1.services.create(friendly_name="Reminders")
    when = EPOCH + timedelta(hours=1)
    msg = client.messages.create(
        to=PERSON, messaging_service_sid=service.sid, from_=SHOP, body="see you",
        schedule_type="fixed", send_at=when,
    )  # fmt: skip
    assert msg.status == "scheduled"
    assert client.messages(msg.sid).update(status="canceled").status == "canceled"
    carrier.run()
    assert client.messages(msg.sid).fetch().status == "canceled"
    with pytest.raises(TwilioRestException) as err:
        client.messages(msg.sid).update(status="canceled")
    assert err.value.code == 30409
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(
            to=PERSON, messaging_service_sid=service.sid, from_=SHOP, body="too soon",
            schedule_type="fixed", send_at=EPOCH + timedelta(seconds=60),
        )  # fmt: skip
    assert err.value.code == 35114
