"""A phone menu (IVR) for Vonage's Voice API, written the way Vonage's Python samples go.

Nothing here knows about telenb: it is an ordinary Flask app that answers Vonage's answer
webhook with an NCCO, handles the input, record and call events, and rejects webhooks whose
``Authorization: Bearer`` JWT is not signed with the account's signature secret (Vonage's
"signed webhooks"; with the vonage SDK installed, ``vonage_jwt.verify_signature`` does the
same check).  Run it for real with ``flask --app examples/vonage_ivr.py run`` behind a
tunnel, or offline against telenb's simulated carrier:

    import telenb
    from telenb.providers.vonage import vonage_application
    from examples.vonage_ivr import app

    carrier = telenb.Carrier(seed=1)
    os.environ["VONAGE_SIGNATURE_SECRET"] = vonage_application(carrier).signature_secret
    carrier.app("+15550100", ncco=app, url="/webhooks/answer", event_url="/webhooks/events")
    carrier.call("+15550100", caller="press: 2")
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import wraps

import jwt
from flask import Flask, abort, jsonify, request

AGENT_NUMBER = "15550123"
OUR_NUMBER = "15550100"
app = Flask(__name__)
app.config["EVENTS"] = []  # every call event, as received
app.config["VOICEMAILS"] = []  # record events


def verify_vonage_signature(view):
    """Reject webhooks without a valid JWT, or whose body does not match its payload_hash."""

    @wraps(view)
    def checked(*args, **kwargs):
        secret = os.environ.get("VONAGE_SIGNATURE_SECRET", "")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        try:
            claims = jwt.decode(token, secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            abort(401)
        digest = hashlib.sha256(request.get_data()).hexdigest()
        if not hmac.compare_digest(claims.get("payload_hash", ""), digest):
            abort(401)
        return view(*args, **kwargs)

    return checked


def url(path: str) -> list[str]:
    return [request.url_root.rstrip("/") + path]


@app.get("/webhooks/answer")
@verify_vonage_signature
def answer():
    return jsonify(
        [
            {
                "action": "talk",
                "text": "Thanks for calling Owl Post. Press 1 for our opening hours. "
                "Press 2 to speak to someone. Press 3 to leave a message.",
                "bargeIn": True,
            },
            {
                "action": "input",
                "type": ["dtmf", "speech"],
                "dtmf": {"maxDigits": 1, "timeOut": 5},
                "speech": {"context": ["hours", "someone", "message"], "endOnSilence": 1},
                "eventUrl": url("/webhooks/menu"),
            },
        ]
    )


@app.post("/webhooks/menu")
@verify_vonage_signature
def menu():
    data = request.get_json()
    choice = (data.get("dtmf") or {}).get("digits") or ""
    results = (data.get("speech") or {}).get("results") or []
    said = results[0]["text"].lower() if results else ""
    if choice == "1" or "hours" in said:
        return jsonify([{"action": "talk", "text": "We are open from nine to five. Goodbye."}])
    if choice == "2" or "someone" in said:
        return jsonify(
            [
                {"action": "talk", "text": "Connecting you now."},
                {
                    "action": "connect",
                    "from": OUR_NUMBER,
                    "timeout": 20,
                    "endpoint": [{"type": "phone", "number": AGENT_NUMBER}],
                },
                {"action": "talk", "text": "Thank you for calling Owl Post. Goodbye."},
            ]
        )
    if choice == "3" or "message" in said:
        return jsonify(
            [
                {"action": "talk", "text": "Leave your message after the tone, then press hash."},
                {
                    "action": "record",
                    "beepStart": True,
                    "endOnKey": "#",
                    "endOnSilence": 5,
                    "eventUrl": url("/webhooks/recordings"),
                },
                {"action": "talk", "text": "Thank you. Goodbye."},
            ]
        )
    return jsonify(
        [
            {"action": "talk", "text": "Sorry, I did not get that.", "bargeIn": True},
            {
                "action": "input",
                "type": ["dtmf"],
                "dtmf": {"maxDigits": 1, "timeOut": 5},
                "eventUrl": url("/webhooks/menu"),
            },
        ]
    )


@app.post("/webhooks/recordings")
@verify_vonage_signature
def recordings():
    app.config["VOICEMAILS"].append(request.get_json())
    return "", 204


@app.post("/webhooks/events")
@verify_vonage_signature
def events():
    app.config["EVENTS"].append(request.get_json())
    return "", 204
