"""A phone menu (IVR) for Twilio, written the way Twilio's Flask tutorials teach.

Nothing here knows about telenb: it is an ordinary Flask app that answers Twilio's voice
webhooks with TwiML and rejects requests that do not carry a valid X-Twilio-Signature.
Run it for real with ``flask --app examples/twilio_ivr.py run`` behind a tunnel, or offline
against telenb's simulated carrier:

    import telenb
    from telenb.providers.twilio import twilio_account
    from examples.twilio_ivr import app

    carrier = telenb.Carrier(seed=1)
    carrier.phone(AGENT_NUMBER, script="say: Hello, this is Sam; wait: 5s; hangup")
    os.environ["TWILIO_AUTH_TOKEN"] = twilio_account(carrier).auth_token
    carrier.app("+15550100", twiml=app, url="/ivr/welcome")
    carrier.call("+15550100", caller="press: 2")
"""

from __future__ import annotations

import os
from functools import wraps

from flask import Flask, abort, request, url_for
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Gather, VoiceResponse

AGENT_NUMBER = "+15550123"
app = Flask(__name__)
app.config["VOICEMAILS"] = []  # (RecordingSid, RecordingUrl, RecordingDuration)
app.config["RECORDING_EVENTS"] = []


def validate_twilio_request(view):
    """Reject requests that were not signed with our auth token (Twilio's security guide)."""

    @wraps(view)
    def checked(*args, **kwargs):
        validator = RequestValidator(os.environ.get("TWILIO_AUTH_TOKEN", ""))
        signature = request.headers.get("X-Twilio-Signature", "")
        if not validator.validate(request.url, request.form, signature):
            abort(403)
        return view(*args, **kwargs)

    return checked


def twiml(response: VoiceResponse):
    return str(response), 200, {"Content-Type": "text/xml"}


@app.route("/ivr/welcome", methods=["POST"])
@validate_twilio_request
def welcome():
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=url_for("menu"), method="POST")
    gather.say(
        "Thanks for calling Owl Post. Press 1 for our opening hours. "
        "Press 2 to speak to someone. Press 3 to leave a message.",
        voice="Polly.Amy",
        loop=2,
    )
    response.append(gather)
    response.say("We did not hear a choice.")
    response.redirect(url_for("welcome"))
    return twiml(response)


@app.route("/ivr/menu", methods=["POST"])
@validate_twilio_request
def menu():
    choice = request.form.get("Digits")
    response = VoiceResponse()
    if choice == "1":
        response.say("We are open from nine to five, Monday to Saturday. Goodbye.")
        response.hangup()
    elif choice == "2":
        response.say("Connecting you now.")
        response.dial(AGENT_NUMBER, action=url_for("dial_status"), timeout=20)
    elif choice == "3":
        return voicemail_prompt(response)
    else:
        response.say("Sorry, that is not an option.")
        response.redirect(url_for("welcome"))
    return twiml(response)


def voicemail_prompt(response: VoiceResponse):
    response.say("Please leave a message after the beep. Press the pound key when you are done.")
    response.record(
        max_length=60,
        finish_on_key="#",
        action=url_for("voicemail"),
        recording_status_callback=url_for("recording_status"),
    )
    response.say("We did not get a message. Goodbye.")
    return twiml(response)


@app.route("/ivr/dial-status", methods=["POST"])
@validate_twilio_request
def dial_status():
    response = VoiceResponse()
    if request.form.get("DialCallStatus") == "completed":
        response.hangup()
        return twiml(response)
    response.say("Nobody could take your call.")
    return voicemail_prompt(response)


@app.route("/ivr/voicemail", methods=["POST"])
@validate_twilio_request
def voicemail():
    form = request.form
    app.config["VOICEMAILS"].append(
        (form["RecordingSid"], form["RecordingUrl"], form["RecordingDuration"])
    )
    response = VoiceResponse()
    response.say("Thank you, we will call you back. Goodbye.")
    response.hangup()
    return twiml(response)


@app.route("/ivr/recording-status", methods=["POST"])
@validate_twilio_request
def recording_status():
    app.config["RECORDING_EVENTS"].append(dict(request.form))
    return "", 204


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
