"""Details real Twilio sample apps lean on (issue 14), each with an app written in their
style: Flask routes, `redirect(url_for(...))`, signature checks, geographic parameters."""

import flask
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import Body, Media, Message, MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

import telenb
from telenb.providers.twilio import twilio_account

from ...helpers import APP, run_twiml, warnings, webhooks

APP_ERROR = "We're sorry, an application error has occurred. Goodbye."
SF_PHONE = "+14155550123"  # a San Francisco area code, fictional line


def errors(result):
    return [(e["error"], e["message"]) for e in result.trace.filter("error")]


def hotline_app() -> flask.Flask:
    """A hotline whose welcome route is declared with a trailing slash and whose menu
    answers with an HTTP redirect (Flask's `redirect(url_for(...))`, as Call Congress does)."""
    app = flask.Flask("hotline")

    @app.route("/hotline/", methods=["POST"])
    def welcome():
        vr = VoiceResponse()
        vr.gather(num_digits=1, action=flask.url_for("menu")).say("Press 1 for opening hours.")
        return str(vr)

    @app.route("/hotline/menu", methods=["POST"])
    def menu():
        return flask.redirect(flask.url_for("hours", day="today"))

    @app.route("/hotline/hours/<day>", methods=["GET", "POST"])
    def hours(day):
        vr = VoiceResponse()
        vr.say(f"We are open nine to five {day}.")
        return str(vr)

    @app.route("/hotline/sorry", methods=["POST"])
    def sorry():
        vr = VoiceResponse()
        vr.say(f"Sorry, error {flask.request.form['ErrorCode']}.")
        return str(vr)

    return app


def test_a_302_from_flask_redirect_is_followed():
    """Twilio follows redirects with status 301, 302, 303 and 307
    (https://www.twilio.com/docs/api/errors/11216): the menu's 302 leads to the hours."""
    r = run_twiml(hotline_app(), "press: 1", url="/hotline/")
    assert r.said() == ["Press 1 for opening hours.", "We are open nine to five today."]
    assert errors(r) == []


def test_a_308_from_a_trailing_slash_route_is_11216_not_followed():
    """Werkzeug answers '/hotline' for a '/hotline/' route with a 308 Permanent Redirect;
    "Twilio will only follow redirects for status codes 301, 302, 303, and 307", so the
    call gets 11216 (HTTP invalid redirect), then the fallback URL with ErrorCode=11216
    (https://www.twilio.com/docs/api/errors/11216)."""
    r = run_twiml(hotline_app(), "press: 1", url="/hotline")
    assert [e[0] for e in errors(r)] == ["Twilio 11216"] and "308" in errors(r)[0][1]
    assert r.said() == [APP_ERROR]
    assert len(webhooks(r)) == 1  # the 308 is not followed

    r = run_twiml(hotline_app(), "press: 1", url="/hotline", fallback_url="/hotline/sorry")
    assert r.said() == ["Sorry, error 11216."]


def test_a_redirect_without_a_location_is_11216():
    """A 3xx without a Location header is not a valid redirect (11216)."""
    r = run_twiml(lambda req: ("<Response><Say>unseen</Say></Response>", 302))
    assert [e[0] for e in errors(r)] == ["Twilio 11216"] and r.said() == [APP_ERROR]


def test_an_sms_webhook_answering_308_is_a_warning_and_no_reply():
    """An SMS webhook's 308 is the same 11216, logged as a debugger warning (no reply)."""
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, twiml=hotline_app(), url="/hotline/", sms_url="/hotline")
    r = carrier.text(APP, "hours?", from_=SF_PHONE)
    assert [m.body for m in r.messages if m.from_ == APP] == []
    assert [code for code, _m in warnings(r)] == [11216]


def where_app(token: str) -> flask.Flask:
    """A "where are you texting from?" app: it checks X-Twilio-Signature and answers with
    the city and state Twilio looked up for the sender."""
    app = flask.Flask("where")
    validator = RequestValidator(token)

    @app.post("/sms")
    def sms():
        form = flask.request.form
        signature = flask.request.headers.get("X-Twilio-Signature", "")
        if not validator.validate(flask.request.url, form.to_dict(), signature):
            flask.abort(403)
        reply = MessagingResponse()
        reply.message(
            f"Hello {form['FromCity'].title()}, {form['FromState']} ({form['FromCountry']}),"
            f" zip {form['FromZip'] or 'unknown'}; this number is in {form['ToCountry']}."
        )
        return str(reply)

    return app


def test_an_inbound_sms_carries_the_senders_and_numbers_geography():
    """Twilio's incoming message request includes FromCity, FromState, FromZip,
    FromCountry, ToCity, ToState, ToZip and ToCountry, looked up from the numbers
    (https://www.twilio.com/docs/messaging/guides/webhook-request); they are signed too."""
    carrier = telenb.Carrier(seed=4)
    carrier.app(APP, twiml=where_app(twilio_account(carrier).auth_token), sms_url="/sms")
    r = carrier.text(APP, "where am I?", from_=SF_PHONE)
    replies = [m.body for m in r.messages if m.from_ == APP]
    assert replies == ["Hello San Francisco, CA (US), zip unknown; this number is in US."]
    [hook] = [e for e in r.trace.filter("webhook")]
    assert {"ToCity", "ToState", "ToZip"} <= set(hook["params"])


def staff_app() -> flask.Flask:
    """A staff directory in the style of the SMS directory samples: a match comes back as
    an MMS card built from <Body> and <Media> nouns, one detail per line."""
    app = flask.Flask("staff")
    staff = {"ada": ("Ada Lovelace", "+14155550177", "ada@example.com")}

    @app.post("/directory")
    def directory():
        name, phone, email = staff[flask.request.form["Body"].strip().lower()]
        reply = MessagingResponse()
        card = Message()
        card.append(Body(f"{name}\n{phone}\n{email}"))
        card.append(Media("https://example.com/staff/ada.jpg"))
        reply.append(card)
        reply.message("Reply with another name.\nOr text HELP.")
        return str(reply)

    return app


def test_a_body_noun_keeps_its_line_breaks_like_plain_message_text():
    """<Body> is "the text of the message" and <Media> its attachment
    (https://www.twilio.com/docs/messaging/twiml/message): the card arrives with its
    lines as written, exactly as a <Message> with plain text does."""
    carrier = telenb.Carrier(seed=5)
    carrier.app(APP, twiml=staff_app(), sms_url="/directory")
    r = carrier.text(APP, "Ada", from_=SF_PHONE)
    card, hint = [m for m in r.messages if m.from_ == APP]
    assert card.body == "Ada Lovelace\n+14155550177\nada@example.com"
    assert [item.url for item in card.media] == ["https://example.com/staff/ada.jpg"]
    assert hint.body == "Reply with another name.\nOr text HELP."


def test_an_sms_verb_in_a_call_keeps_its_line_breaks():
    """Voice TwiML's <Sms> sends its text during the call (to the caller by default,
    https://www.twilio.com/docs/voice/twiml/sms); a booking confirmation keeps its lines."""
    confirmation = "Table for 2\nFriday 8pm\nReply C to cancel"
    vr = VoiceResponse()
    vr.say("We have texted you the details.")
    vr.sms(confirmation)
    r = run_twiml(str(vr), setup=lambda c: twilio_account(c).add_number(APP))
    (sent,) = r.carrier.messages
    assert (sent.to, sent.body) == ("+15550199", confirmation)
