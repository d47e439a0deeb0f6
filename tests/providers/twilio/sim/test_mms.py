"""MMS on the simulated Twilio: <Media> in <Message>, NumMedia/MediaUrlN in webhooks,
per-message MMS pricing, <Message action/method> status callbacks, scheduled messages."""

from decimal import Decimal

import pytest

import telenb
from telenb.errors import MessageError
from telenb.sms.pricing import EXAMPLE_PRICE_PER_MMS

NUMBER, PERSON = "+15550100", "+15550177"
PHOTO = "https://cdn.example/cat.jpg"


def test_message_with_media_reply_is_an_mms_with_a_per_message_price():
    carrier = telenb.Carrier(seed=9)
    reply = (
        "<Response><Message><Body>Here is a cat.</Body>"
        f"<Media>{PHOTO}</Media><Media>/files/map.png</Media></Message></Response>"
    )
    carrier.app(NUMBER, twiml={"/": "<Response/>", "/sms": reply}, sms_url="/sms")
    r = carrier.text(NUMBER, "cat please", from_=PERSON)
    [out] = [m for m in r.messages if m.from_ == NUMBER]
    assert out.body == "Here is a cat." and out.sid.startswith("MM")
    assert [(m.url, m.content_type) for m in out.media] == [
        (PHOTO, "image/jpeg"),
        ("https://15550100.twiml.test/files/map.png", "image/png"),
    ]
    assert all(m.sid.startswith("ME") for m in out.media)
    assert out.price == EXAMPLE_PRICE_PER_MMS and out.num_segments == 1


def test_media_only_message_is_sent_and_long_mms_text_is_still_one_price():
    carrier = telenb.Carrier(seed=9)
    carrier.sms.price_per_mms = "0.03"
    msg = carrier.send_message("x" * 400, to=PERSON, from_=NUMBER, media=[PHOTO])
    assert msg.price == Decimal("0.03")  # not 3 segments' worth
    bare = carrier.send_message("", to=PERSON, from_=NUMBER, media=[PHOTO])
    carrier.run()
    assert bare.status == "delivered"
    with pytest.raises(MessageError) as err:
        carrier.send_message("hi", to=PERSON, from_=NUMBER, media=[PHOTO] * 11)
    assert err.value.code == 21623


def test_inbound_mms_webhook_carries_num_media_and_urls():
    carrier = telenb.Carrier(seed=9)
    seen = []

    def app(req):
        if req.path == "/sms":
            seen.append(dict(req))
        return "<Response/>"

    carrier.app(NUMBER, twiml=app, sms_url="/sms")
    carrier.text(NUMBER, "", from_=PERSON, media=[PHOTO, ("https://cdn.example/v", "video/mp4")])
    [params] = seen
    assert params["NumMedia"] == "2"
    assert (params["MediaUrl0"], params["MediaContentType0"]) == (PHOTO, "image/jpeg")
    assert (params["MediaUrl1"], params["MediaContentType1"]) == (
        "https://cdn.example/v",
        "video/mp4",
    )


def test_message_action_hears_the_reply_statuses_with_its_method():
    carrier = telenb.Carrier(seed=9)
    statuses = []

    def app(req):
        if req.path == "/status":
            statuses.append((req.method, req["MessageStatus"]))
            return ""
        return '<Response><Message action="/status" method="GET">Thanks!</Message></Response>'

    carrier.app(NUMBER, twiml=app, sms_url="/sms")
    carrier.text(NUMBER, "hello", from_=PERSON)
    carrier.run()
    assert statuses == [("GET", "sending"), ("GET", "sent"), ("GET", "delivered")]


def test_a_scheduled_message_waits_and_can_be_canceled():
    carrier = telenb.Carrier(seed=9)
    later = carrier.send_message("reminder", to=PERSON, from_=NUMBER, hold_until=900)
    gone = carrier.send_message("never", to=PERSON, from_=NUMBER, hold_until=900)
    carrier.run(until=10)
    assert (later.status, gone.status) == ("scheduled", "scheduled")
    carrier.sms.cancel(gone)
    carrier.run()
    assert (later.status, gone.status) == ("delivered", "canceled")
    assert later.sent_at >= 900
    with pytest.raises(MessageError):
        carrier.sms.cancel(later)
