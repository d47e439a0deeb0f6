"""A cXML (LaML) IVR written as a Flask app in the style of SignalWire's Compatibility API
quick-starts (a <Say> inside a <Gather> with an action, then a <Dial>) runs unmodified on
the simulated carrier through `laml=`, with a scripted caller.

What is checked is what SignalWire documents:
- Voice XML request parameters (developer.signalwire.com/compatibility-api/xml/voice/):
  AccountSid, ApiVersion, CallSid, CallStatus, Direction, From, To; the REST call resource
  types AccountSid and CallSid as UUIDs;
- webhook security (developer.signalwire.com/guides/webhook-security, and the Python SDK's
  signalwire.core.security): an HMAC signature made with the project's Signing Key in
  X-SignalWire-Signature, X-Twilio-Signature accepted as its alias, checked the way the
  Compatibility SDK's validateRequest (Twilio's algorithm) checks it;
- the <Dial> reference: nouns Conference, Number, Sip, Verto and Queue, so <Verto>
  (resource@space.verto.signalwire.com) dials a Verto client and <Client> is not a noun.
"""

import base64
import hashlib
import hmac
import uuid

from flask import Flask, Response, request
from twilio.request_validator import RequestValidator

import telenb
from telenb.providers.signalwire import is_valid, signalwire_account

NUMBER = "+15550100"
SALES = "+15550123"
KEY = "PSK_4b1f0c2e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c"
VERTO = "support@acme-space.verto.signalwire.com"


def cxml(body: str) -> Response:
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
                    mimetype="text/xml")  # fmt: skip


def documented_signature(key: str, url: str, form: dict) -> str:
    """The documented computation, written out here (not telenb's): HMAC-SHA1 keyed with the
    Signing Key over the URL then each POST parameter, sorted, as name and value; base64."""
    data = url + "".join(name + form[name] for name in sorted(form))
    return base64.b64encode(hmac.new(key.encode(), data.encode(), hashlib.sha1).digest()).decode()


def ivr(seen: list) -> Flask:
    app = Flask("laml-ivr")

    def record(name: str) -> None:
        form = request.form.to_dict()
        seen.append(
            {
                "name": name,
                "url": request.url,
                "params": form,
                "signalwire": request.headers.get("X-SignalWire-Signature"),
                "twilio": request.headers.get("X-Twilio-Signature"),
            }
        )

    @app.route("/voice", methods=["POST"])
    def answer():
        record("answer")
        return cxml(
            '<Gather action="/menu" method="POST" numDigits="1">'
            "<Say>Thanks for calling. Press 1 for sales, 2 for support.</Say></Gather>"
            "<Say>No choice made. Goodbye.</Say>"
        )

    @app.route("/menu", methods=["POST"])
    def menu():
        record("menu")
        choice = request.form.get("Digits")
        if choice == "1":
            return cxml(f"<Say>Transferring you to sales.</Say><Dial>{SALES}</Dial>")
        if choice == "2":
            return cxml(f"<Say>One moment.</Say><Dial><Verto>{VERTO}</Verto></Dial>")
        return cxml("<Say>Sorry.</Say>")

    return app


def run(caller: str, *, app=None, **options):
    seen: list = []
    carrier = telenb.Carrier(seed=8)
    carrier.phone(SALES, script="say: Sales here; hangup")
    carrier.phone("sip:" + VERTO, script="say: Support here; hangup")
    carrier.app(NUMBER, laml=app or ivr(seen), url="/voice", signing_key=KEY, **options)
    return carrier.call(NUMBER, caller=caller), seen, carrier


def test_the_caller_hears_the_prompts_and_the_key_reaches_the_action_then_the_dial():
    result, seen, carrier = run("press: 1; wait: 5s")
    assert [s["name"] for s in seen] == ["answer", "menu"]
    assert result.said()[:2] == [
        "Thanks for calling. Press 1 for sales, 2 for support.",
        "Transferring you to sales.",
    ]
    assert seen[1]["params"]["Digits"] == "1"
    sales = [c for c in carrier.calls if c["to"] == SALES]
    assert len(sales) == 1 and sales[0]["answer_time"] is not None
    assert sales[0]["direction"] == "outbound-dial"


def test_requests_carry_signalwires_parameters_with_uuid_ids():
    _, seen, carrier = run("press: 1; wait: 5s")
    answer = seen[0]["params"]
    assert set(answer) == {
        "AccountSid", "ApiVersion", "CallSid", "CallStatus", "Direction", "From", "To",
    }  # fmt: skip
    assert str(uuid.UUID(answer["AccountSid"])) == answer["AccountSid"]
    assert str(uuid.UUID(answer["CallSid"])) == answer["CallSid"]
    assert answer["AccountSid"] == signalwire_account(carrier).account_sid
    assert answer["CallStatus"] == "ringing" and answer["Direction"] == "inbound"
    assert answer["To"] == NUMBER and answer["ApiVersion"] == "2010-04-01"
    menu = seen[1]["params"]
    assert menu["CallSid"] == answer["CallSid"] and menu["CallStatus"] == "in-progress"
    assert not answer["CallSid"].startswith("CA") and not answer["AccountSid"].startswith("AC")


def test_each_request_is_signed_with_the_signing_key_and_a_tampered_body_fails():
    _, seen, _ = run("press: 1; wait: 5s")
    check = RequestValidator(KEY)  # the Compatibility SDK's algorithm
    for s in seen:
        assert s["signalwire"] and s["signalwire"] == s["twilio"]
        assert s["signalwire"] == documented_signature(KEY, s["url"], s["params"])
        assert check.validate(s["url"], s["params"], s["signalwire"])
        assert is_valid(KEY, s["url"], s["params"], s["signalwire"])
    tampered = {**seen[1]["params"], "Digits": "2"}
    assert not check.validate(seen[1]["url"], tampered, seen[1]["signalwire"])
    assert not is_valid(KEY, seen[1]["url"], tampered, seen[1]["signalwire"])
    assert not is_valid("PSK_another", seen[1]["url"], seen[1]["params"], seen[1]["signalwire"])


def test_dial_verto_reaches_the_verto_client():
    """<Verto> is SignalWire's own noun: it dials resource@space.verto.signalwire.com."""
    result, seen, carrier = run("press: 2; wait: 5s")
    assert seen[1]["params"]["Digits"] == "2"
    verto = [c for c in carrier.calls if c["to"] == "sip:" + VERTO]
    assert len(verto) == 1 and verto[0]["answer_time"] is not None
    assert "One moment." in result.said()
    assert not list(result.trace.filter("warning"))


def test_verto_is_not_a_twiml_noun_and_client_is_not_a_cxml_one():
    """The same document on Twilio's front door skips <Verto>; on SignalWire's, <Client>."""
    doc = (
        f"<Response><Dial><Verto>{VERTO}</Verto></Dial>"
        "<Dial><Client>alice</Client></Dial></Response>"
    )
    for door, placed, skipped in (("laml", "sip:" + VERTO, "<Client>"), ("twiml", None, "<Verto>")):
        carrier = telenb.Carrier(seed=8)
        carrier.phone("sip:" + VERTO, script="say: Support here; hangup")
        carrier.phone("client:alice", script="say: Alice; hangup")
        carrier.app(NUMBER, **{door: doc})
        result = carrier.call(NUMBER, caller="wait: 5s")
        dialed = [c["to"] for c in carrier.calls if c["direction"] == "outbound-dial"]
        assert dialed == ([placed] if placed else ["client:alice"])
        assert any(skipped in e["message"] for e in result.trace.filter("warning")), door


def test_a_malformed_verto_address_is_reported_and_skipped():
    carrier = telenb.Carrier(seed=8)
    carrier.app(
        NUMBER, laml="<Response><Dial><Verto>support</Verto></Dial><Say>Bye</Say></Response>"
    )
    result = carrier.call(NUMBER, caller="wait: 3s")
    assert [c["to"] for c in carrier.calls] == [NUMBER]
    assert any("verto.signalwire.com" in e["message"] for e in result.trace.filter("warning"))
    assert result.said() == ["Bye"]


def test_laml_takes_twimls_targets_a_document_and_a_callable():
    carrier = telenb.Carrier(seed=8)
    carrier.app(NUMBER, laml="<Response><Say>Hello from a cXML bin</Say></Response>")
    assert carrier.call(NUMBER, caller="wait: 3s").said() == ["Hello from a cXML bin"]
    seen: list = []
    carrier = telenb.Carrier(seed=8)
    carrier.app(
        NUMBER, laml=lambda req: seen.append(dict(req)) or "<Response><Say>Hi</Say></Response>"
    )
    assert carrier.call(NUMBER, caller="wait: 3s").said() == ["Hi"]
    assert str(uuid.UUID(seen[0]["CallSid"])) == seen[0]["CallSid"]
