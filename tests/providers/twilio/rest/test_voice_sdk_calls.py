"""A Voice SDK client's outgoing call through a TwiML App, as in the browser-calls samples:
`device.connect({params: {phoneNumber: ...}})` makes Twilio request the TwiML App's Voice
URL with `From`/`Caller` ``client:<identity>``, `Direction` ``inbound``, the
`ApplicationSid` and the client's custom parameters as POST parameters
(twilio.com/docs/voice/how-share-information-between-your-applications); the app's TwiML
then dials the number the page asked for."""

from __future__ import annotations

from typing import Any

import flask
import pytest
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

import telenb
from telenb.errors import ConfigurationError
from telenb.providers.twilio import client_call, offline_client, twilio_account

from ...helpers import webhooks

ORIGIN = "https://support.example"
SUPPORT = "+15550100"
CUSTOMER = "+15550123"
seen: list[tuple[str, Any, str]] = []  # (url, form, X-Twilio-Signature)


def support_app() -> flask.Flask:
    """Agents call customers from the browser: the page passes the number as phoneNumber."""
    app = flask.Flask("browser_calls")

    def keep() -> None:
        req = flask.request
        seen.append((req.url, req.form.copy(), req.headers.get("X-Twilio-Signature", "")))

    @app.post("/voice")
    def voice():
        keep()
        form = flask.request.form
        response = VoiceResponse()
        if form["From"].startswith("client:") and form.get("phoneNumber"):
            dial = response.dial(caller_id=SUPPORT, action="/after")
            dial.number(form["phoneNumber"])
        else:
            response.say("Thanks for calling support.")
        return str(response)

    @app.post("/after")
    def after():
        keep()
        return str(VoiceResponse().hangup())

    return app


@pytest.fixture
def carrier():
    seen.clear()
    c = telenb.Carrier(seed=4)
    twilio_account(c).add_number(SUPPORT)
    twilio_account(c).web.mount(ORIGIN, support_app(), "wsgi")
    c.phone(CUSTOMER, script="say: hello who is this; wait: 2s")
    return c


def twiml_app(carrier) -> str:
    return (
        offline_client(carrier)
        .applications.create(friendly_name="support", voice_url=f"{ORIGIN}/voice")
        .sid
    )


def test_the_client_reaches_the_twiml_app_with_its_identity_and_custom_parameters(carrier):
    sid = twiml_app(carrier)
    result = client_call(carrier, "agent_ann", sid, params={"phoneNumber": CUSTOMER})
    method, url, first = webhooks(result)[0]
    assert (method, url) == ("POST", f"{ORIGIN}/voice")
    assert first["From"] == first["Caller"] == "client:agent_ann"
    assert (first["Direction"], first["CallStatus"], first["To"]) == ("inbound", "ringing", "")
    assert first["ApplicationSid"] == sid and first["phoneNumber"] == CUSTOMER
    validator = RequestValidator(twilio_account(carrier).auth_token)
    assert all(validator.validate(u, form, sig) for u, form, sig in seen)
    assert seen[0][1].to_dict() == first
    dialled = [leg for leg in carrier.legs if leg.to == CUSTOMER]
    assert [(d.from_, d.direction, d.status) for d in dialled] == [
        (SUPPORT, "outbound-dial", "completed")
    ]
    assert dialled[0].parent is result.leg


def test_custom_parameters_go_with_the_first_request_only(carrier):
    sid = twiml_app(carrier)
    result = client_call(carrier, "agent_ann", sid, params={"phoneNumber": CUSTOMER})
    urls = [(u, p) for _m, u, p in webhooks(result) if u.startswith(ORIGIN)]
    assert [u for u, _ in urls] == [f"{ORIGIN}/voice", f"{ORIGIN}/after"]
    assert "phoneNumber" not in urls[1][1] and urls[1][1]["DialCallStatus"] == "completed"


def test_a_custom_to_is_the_calls_to(carrier):
    sid = twiml_app(carrier)
    result = client_call(carrier, "agent_ann", sid, params={"To": "+15550199"})
    first = webhooks(result)[0][2]
    assert first["To"] == "+15550199"
    assert seen[0][1].getlist("To") == ["+15550199"]  # sent once, not beside an empty To
    assert result.leg.to == "+15550199"


def test_without_parameters_the_app_answers_the_client_itself(carrier):
    sid = twiml_app(carrier)
    result = client_call(carrier, "alice", sid, caller="wait: 5s")
    assert result.said() == ["Thanks for calling support."]
    assert result.status == "completed"


def test_bad_identities_and_applications_are_named(carrier):
    sid = twiml_app(carrier)
    with pytest.raises(ConfigurationError, match="identity"):
        client_call(carrier, "agent ann", sid)
    with pytest.raises(ConfigurationError, match="no TwiML App"):
        client_call(carrier, "alice", "AP" + "0" * 32)
    bare = offline_client(carrier).applications.create(friendly_name="sms only").sid
    with pytest.raises(ConfigurationError, match="no VoiceUrl"):
        client_call(carrier, "alice", bare)
