"""A Plivo XML IVR written with the plivo SDK's plivoxml and Flask, in the style of Plivo's
voice quick-starts, runs unmodified on the simulated carrier: the answer_url's parameters,
GetInput posting its Digits to the action, the fall-through when nobody answers, the
hangup_url's Hangup event, and every webhook signed with X-Plivo-Signature-V3."""

import pytest
from flask import Flask, Response, request

import telenb

plivoxml = pytest.importorskip("plivo.xml", reason="plivo SDK not installed")
plivo_sig = pytest.importorskip("plivo.utils.signature_v3", reason="plivo SDK not installed")

NUMBER = "+15550100"
TOKEN = "MzYxNjQ0ZjU1Y2Y3ZmE0OTk2ZjQ0"


def ivr(seen: list) -> Flask:
    app = Flask("plivo-ivr")

    def signed() -> bool:
        return plivo_sig.validate_v3_signature(
            request.method,
            request.url,
            request.headers["X-Plivo-Signature-V3-Nonce"],
            TOKEN,
            request.headers["X-Plivo-Signature-V3"],
            request.form.to_dict(),
        )

    @app.route("/answer", methods=["POST"])
    def answer():
        seen.append(("answer", request.form.to_dict(), signed()))
        r = plivoxml.ResponseElement()
        g = plivoxml.GetInputElement(
            action=request.url_root + "digits",
            method="POST",
            input_type="dtmf",
            digit_end_timeout=5,
            num_digits=1,
        )
        g.add_speak("Press 1 for sales, 2 for support")
        r.add(g)
        r.add_speak("No input received. Goodbye")
        return Response(r.to_string(), mimetype="application/xml")

    @app.route("/digits", methods=["POST"])
    def digits():
        seen.append(("digits", request.form.to_dict(), signed()))
        r = plivoxml.ResponseElement()
        r.add_speak(f"You pressed {request.form['Digits']}")
        return Response(r.to_string(), mimetype="application/xml")

    @app.route("/hangup", methods=["POST"])
    def hangup():
        seen.append(("hangup", request.form.to_dict(), signed()))
        return "OK"

    return app


def run(caller: str):
    seen: list = []
    carrier = telenb.Carrier(seed=3)
    carrier.app(NUMBER, plivo=ivr(seen), url="/answer", hangup_url="/hangup", auth_token=TOKEN)
    return carrier.call(NUMBER, caller=caller), seen


def test_a_key_reaches_the_action_and_its_xml_is_spoken():
    result, seen = run("press: 2")
    assert [name for name, _, _ in seen] == ["answer", "digits", "hangup"]
    assert all(ok for _, _, ok in seen), "every webhook carries a valid V3 signature"
    answer, digits, hangup = (params for _, params, _ in seen)
    assert answer["Event"] == "StartApp" and answer["Direction"] == "inbound"
    assert answer["To"] == "15550100" and answer["CallStatus"] == "ringing"
    assert digits["Digits"] == "2" and digits["InputType"] == "dtmf"
    assert hangup["Event"] == "Hangup" and hangup["CallStatus"] == "completed"
    assert answer["CallUUID"] == digits["CallUUID"] == hangup["CallUUID"]
    said = result.said()
    assert said == ["Press 1 for sales, 2 for support", "You pressed 2"]
    assert result.status == "completed"


def test_no_input_falls_through_to_the_next_verb():
    result, seen = run("silence")
    assert [name for name, _, _ in seen] == ["answer", "hangup"]
    said = result.said()
    assert said == ["Press 1 for sales, 2 for support", "No input received. Goodbye"]


def test_a_tampered_token_fails_the_apps_own_signature_check():
    seen: list = []
    carrier = telenb.Carrier(seed=3)
    carrier.app(NUMBER, plivo=ivr(seen), url="/answer", auth_token="another-token-entirely")
    carrier.call(NUMBER, caller="press: 1")
    assert seen and not any(ok for _, _, ok in seen)
