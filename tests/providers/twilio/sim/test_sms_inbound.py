"""Texts to a TwiML app's SMS URL, as on Twilio: `carrier.text()` and texters reach the
webhook, the <Message> reply goes back to the texter, one inbound message per text, and a
session cookie per From/To pair carries an SMS survey across texts for four hours."""

import flask
from twilio.twiml.messaging_response import MessagingResponse

import telenb
from telenb.providers.twilio import twilio_account
from telenb.providers.twilio.sim.webhooks import SMS_COOKIE_LIFETIME, sms_scope
from telenb.sim.texter import Texter

NUMBER, PERSON, OTHER = "+15550100", "+15550177", "+15550178"
QUESTIONS = ["How old are you?", "What is your favourite colour?", "Would you come again?"]


def survey_app() -> tuple[flask.Flask, list]:
    """An SMS survey in the style of the real ones: the question number lives in
    flask.session, so it only works if Twilio sends the cookie back."""
    app = flask.Flask("survey")
    app.secret_key = "test only"
    answers: list[tuple[str, str]] = []

    @app.post("/voice")
    def voice():
        return "<Response><Say>Text us instead.</Say></Response>"

    @app.post("/sms")
    def sms():
        step = flask.session.get("step", 0)
        if step:
            answers.append((flask.request.form["From"], flask.request.form["Body"]))
        reply = MessagingResponse()
        if step < len(QUESTIONS):
            reply.message(QUESTIONS[step])
            flask.session["step"] = step + 1
        else:
            reply.message("Thanks for taking our survey!")
            flask.session.clear()
        return str(reply)

    return app, answers


def survey_carrier(seed: int = 8) -> tuple[telenb.Carrier, list]:
    carrier = telenb.Carrier(seed=seed)
    app, answers = survey_app()
    carrier.app(NUMBER, twiml=app, url="/voice", sms_url="/sms")
    return carrier, answers


def test_an_sms_survey_keeps_its_place_across_texts():
    carrier, answers = survey_carrier()
    texter = Texter("text: 42; text: green; text: yes")
    r = carrier.text(NUMBER, "survey", from_=PERSON, texter=texter)
    assert answers == [(PERSON, "42"), (PERSON, "green"), (PERSON, "yes")]
    replies = [m.body for m in r.messages if m.from_ == NUMBER]
    assert replies == [*QUESTIONS, "Thanks for taking our survey!"]
    assert twilio_account(carrier).webhooks.cookies(sms_scope(PERSON, NUMBER)) == {}  # cleared


def test_each_from_to_pair_has_its_own_survey():
    carrier, answers = survey_carrier()
    carrier.text(NUMBER, "survey", from_=PERSON)
    carrier.text(NUMBER, "survey", from_=OTHER)
    carrier.text(NUMBER, "30", from_=PERSON)
    carrier.text(NUMBER, "31", from_=OTHER)
    assert answers == [(PERSON, "30"), (OTHER, "31")]


def test_the_survey_restarts_once_the_cookie_is_four_hours_old():
    carrier, answers = survey_carrier()
    carrier.text(NUMBER, "survey", from_=PERSON)
    carrier.run(until=carrier.clock.now + SMS_COOKIE_LIFETIME + 1)
    r = carrier.text(NUMBER, "42", from_=PERSON)
    assert answers == []  # the app saw a new conversation
    assert [m.body for m in r.messages if m.from_ == NUMBER] == [QUESTIONS[0]]


def test_a_text_from_a_person_is_one_inbound_message():
    carrier, _ = survey_carrier()
    carrier.text(NUMBER, "survey", from_=PERSON)
    inbound = [m for m in carrier.messages if m.to == NUMBER]
    assert [(m.direction, m.status) for m in inbound] == [("inbound", "received")]
    reply = next(m for m in carrier.messages if m.from_ == NUMBER)
    assert (reply.to, reply.direction, reply.status) == (PERSON, "outbound-reply", "delivered")


def test_send_message_from_a_person_to_the_app_is_that_person_texting():
    carrier, _ = survey_carrier()
    msg = carrier.send_message("survey", to=NUMBER, from_=PERSON)
    carrier.run()
    assert (msg.direction, msg.status) == ("inbound", "received")
    assert len([m for m in carrier.messages if m.to == NUMBER]) == 1
    [hook] = carrier.trace.filter("webhook", msg.sid)
    assert hook["params"]["SmsStatus"] == "received" and hook["params"]["MessageSid"] == msg.sid


def test_a_reply_between_two_apps_of_the_account_is_sent_and_received():
    carrier, _answers = survey_carrier()
    carrier.app(OTHER, twiml={"/": "<Response/>", "/sms": "<Response/>"}, sms_url="/sms")
    carrier.send_message("survey", to=OTHER, from_=NUMBER)  # both are the account's
    carrier.run()
    rows = [(m.direction, m.from_, m.to) for m in carrier.messages]
    assert rows == [("outbound-api", NUMBER, OTHER), ("inbound", NUMBER, OTHER)]
    assert len(carrier.trace.filter("webhook")) == 1
