"""Call tracking for Twilio, written the way Twilio's call-tracking tutorials build it.

Nothing here knows about telenb. A marketer buys one tracking number per lead source (a
billboard, a radio spot) through the REST API, every number is handled by one TwiML
Application, and each call to a tracking number is logged as a lead of its source and
forwarded to the business. The client comes from the environment at import time, as in
real apps; offline, ``telenb.providers.twilio.offline(carrier)`` makes it reach the
simulated carrier:

    with offline(carrier):
        from examples import twilio_call_tracking as tracking
        twilio_account(carrier).web.mount("https://tracking.example", tracking.app)
        client = tracking.app.test_client()
        client.post("/lead-sources", data={"area_code": "415", "name": "Billboard",
                                           "forwarding_number": "+15550123"})
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask, jsonify, request
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

APP_NAME = "Call tracking app"
PUBLIC_URL = os.environ.get("PUBLIC_URL", "https://tracking.example")

client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
app = Flask(__name__)


@dataclass
class LeadSource:
    name: str
    incoming_number: str
    forwarding_number: str


@dataclass
class Lead:
    source: str
    phone_number: str
    city: str
    state: str
    call_sid: str


SOURCES: dict[str, LeadSource] = {}
LEADS: list[Lead] = []


def twiml_application_sid() -> str:
    """The account's call-tracking TwiML Application, created the first time."""
    existing = client.applications.list(friendly_name=APP_NAME)
    if existing:
        return existing[0].sid
    created = client.applications.create(
        friendly_name=APP_NAME, voice_url=f"{PUBLIC_URL}/call/forward", voice_method="POST"
    )
    return created.sid


@app.get("/available-numbers")
def available_numbers():
    area_code = request.args.get("area_code")
    numbers = client.available_phone_numbers("US").local.list(area_code=area_code, limit=10)
    return jsonify([{"number": n.phone_number, "locality": n.locality} for n in numbers])


@app.post("/lead-sources")
def buy_tracking_number():
    number = request.form.get("phone_number")
    if not number:
        offers = client.available_phone_numbers("US").local.list(
            area_code=request.form["area_code"], limit=1
        )
        if not offers:
            return jsonify(error="no numbers in that area code"), 404
        number = offers[0].phone_number
    bought = client.incoming_phone_numbers.create(
        phone_number=number, voice_application_sid=twiml_application_sid()
    )
    forward_to = request.form["forwarding_number"]
    SOURCES[bought.phone_number] = LeadSource(request.form["name"], bought.phone_number, forward_to)
    return jsonify(number=bought.phone_number, sid=bought.sid), 201


@app.post("/call/forward")
def forward_call():
    source = SOURCES.get(request.form["Called"])
    response = VoiceResponse()
    if source is None:
        response.say("This number is no longer in service.")
        response.hangup()
        return str(response)
    LEADS.append(
        Lead(
            source.name,
            request.form["Caller"],
            request.form.get("FromCity", ""),
            request.form.get("FromState", ""),
            request.form["CallSid"],
        )
    )
    response.dial(source.forwarding_number)
    return str(response)


@app.get("/statistics")
def statistics():
    counts: dict[str, int] = {name: 0 for name in (s.name for s in SOURCES.values())}
    for lead in LEADS:
        counts[lead.source] += 1
    return jsonify(counts)
