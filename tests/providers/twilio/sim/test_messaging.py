"""Inbound SMS webhooks answered with MessagingResponse, and <Sms> during a call."""

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

import telenb
from telenb.providers.twilio import twilio_account

NUMBER, PHONE = "+15550100", "+15550177"


def test_a_text_reaches_the_app_and_its_replies_are_sent():
    carrier = telenb.Carrier(seed=41)
    seen = []

    def app(req):
        if req.path == "/voice":
            return "<Response><Say>Voice line.</Say></Response>"
        seen.append(req)
        reply = MessagingResponse()
        reply.message(f"You said: {req['Body']}")
        reply.message("Second reply", to="+15550178")
        return reply

    carrier.app(NUMBER, twiml=app, url="/voice", sms_url="/sms")
    carrier.send_message("opening hours?", to=NUMBER, from_=PHONE)
    carrier.run()
    [req] = seen
    assert (req["From"], req["To"], req["Body"], req["SmsStatus"]) == (
        PHONE,
        NUMBER,
        "opening hours?",
        "received",
    )
    assert req["MessageSid"] == req["SmsSid"] and req["NumMedia"] == "0"
    token = twilio_account(carrier).auth_token
    assert RequestValidator(token).validate(req.url, req.params, req.headers["X-Twilio-Signature"])
    replies = [m for m in carrier.messages if m.from_ == NUMBER]
    assert [(m.to, m.body, m.status) for m in replies] == [
        (PHONE, "You said: opening hours?", "delivered"),
        ("+15550178", "Second reply", "delivered"),
    ]


def test_more_than_ten_replies_are_cut_with_14109():
    carrier = telenb.Carrier(seed=42)
    many = "<Response>" + "<Message>hi</Message>" * 12 + "</Response>"
    carrier.app(NUMBER, twiml={"/": "<Response/>", "/sms": many}, sms_url="/sms")
    msg = carrier.send_message("spam me", to=NUMBER, from_=PHONE)
    carrier.run()
    assert len([m for m in carrier.messages if m.from_ == NUMBER]) == 10
    [warning] = carrier.trace.filter("warning", msg.sid)
    assert warning["code"] == 14109


def test_texts_to_numbers_without_an_sms_url_are_left_alone():
    carrier = telenb.Carrier(seed=43)
    carrier.app(NUMBER, twiml="<Response/>")
    carrier.send_message("hello", to=NUMBER, from_=PHONE)
    carrier.run()
    assert len(carrier.trace.filter("webhook")) == 0


def test_a_twiml_file_source(tmp_path):
    path = tmp_path / "hello.xml"
    path.write_text("<Response><Say>From a file.</Say></Response>", encoding="utf-8")
    carrier = telenb.Carrier(seed=44)
    carrier.app(NUMBER, twiml=str(path))
    assert carrier.call(NUMBER, caller="").said() == ["From a file."]
