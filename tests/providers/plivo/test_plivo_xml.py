"""A Flask IVR written as Plivo's Python quickstarts go (plivoxml responses, GetInput with
digits and speech, Record, Dial) runs unmodified on the simulator, and checks every
webhook's X-Plivo-Signature-V3 with the plivo SDK's own validator."""

import pytest

plivo = pytest.importorskip("plivo", reason="plivo SDK not installed")
plivoxml = plivo.plivoxml
flask = pytest.importorskip("flask")
from plivo.utils.signature_v3 import validate_v3_signature  # noqa: E402

import telenb  # noqa: E402
from telenb.providers.plivo.application import plivo_application  # noqa: E402

APP, AGENT = "+15550100", "+15550123"


def make_app(token_box):
    app = flask.Flask("plivo_ivr")
    app.config["SEEN"] = []

    def checked():
        req = flask.request
        ok = validate_v3_signature(
            req.method, req.url, req.headers.get("X-Plivo-Signature-V3-Nonce", ""),
            token_box["token"], req.headers.get("X-Plivo-Signature-V3", ""),
            req.form.to_dict() if req.method == "POST" else {},
        )  # fmt: skip
        app.config["SEEN"].append((req.path, req.form.to_dict()))
        if not ok:
            flask.abort(401)

    @app.route("/answer", methods=["POST"])
    def answer():
        checked()
        response = plivoxml.ResponseElement()
        gi = plivoxml.GetInputElement(
            action=flask.request.url_root + "menu", method="POST", input_type="dtmf speech",
            digit_end_timeout=5, num_digits=1, redirect=True,
        )  # fmt: skip
        gi.add_speak("Press 1 or say sales. Press 2 to leave a message. Press 3 for Sam.")
        response.add(gi)
        response.add_speak("We did not hear you. Goodbye.")
        return flask.Response(response.to_string(), mimetype="application/xml")

    @app.route("/menu", methods=["POST"])
    def menu():
        checked()
        form = flask.request.form
        response = plivoxml.ResponseElement()
        choice = form.get("Digits") if form.get("InputType") == "dtmf" else form.get("Speech")
        if choice in ("1", "sales"):
            response.add_speak("Sales is open from nine to five. Goodbye.")
        elif choice == "2":
            response.add_speak("Leave a message after the beep.")
            response.add(plivoxml.RecordElement(action=flask.request.url_root + "saved",
                                                max_length=30, finish_on_key="#"))  # fmt: skip
        elif choice == "3":
            dial = plivoxml.DialElement(action=flask.request.url_root + "dialed", timeout=20)
            dial.add(plivoxml.NumberElement(AGENT[1:]))
            response.add(dial)
        else:
            response.add_speak("Sorry.")
        return flask.Response(response.to_string(), mimetype="application/xml")

    @app.route("/saved", methods=["POST"])
    def saved():
        checked()
        response = plivoxml.ResponseElement().add_speak("Thank you. Goodbye.")
        return flask.Response(response.to_string(), mimetype="application/xml")

    @app.route("/dialed", methods=["POST"])
    def dialed():
        checked()
        text = f"The call ended with {flask.request.form['DialStatus']}. Goodbye."
        response = plivoxml.ResponseElement().add_speak(text)
        return flask.Response(response.to_string(), mimetype="application/xml")

    @app.route("/hangup", methods=["POST"])
    def hangup():
        checked()
        return "OK"

    return app


@pytest.fixture
def setup():
    carrier = telenb.Carrier(seed=7)
    box = {"token": plivo_application(carrier).auth_token}
    app = make_app(box)
    carrier.app(APP, plivo=app, url="/answer", hangup_url="/hangup")
    return carrier, app, box


def test_digits_then_the_hangup_event(setup):
    carrier, app, _ = setup
    r = carrier.call(APP, caller="press: 1")
    assert r.said()[-1] == "Sales is open from nine to five. Goodbye."
    paths = [p for p, _ in app.config["SEEN"]]
    assert paths == ["/answer", "/menu", "/hangup"]
    first, menu, hangup = (f for _, f in app.config["SEEN"])
    assert first["Event"] == "StartApp" and first["Direction"] == "inbound"
    assert first["To"] == "15550100" and first["CallUUID"] == menu["CallUUID"]
    assert menu["InputType"] == "dtmf" and menu["Digits"] == "1"
    assert hangup["Event"] == "Hangup" and hangup["CallStatus"] == "completed"
    assert hangup["HangupCause"] == "NORMAL_CLEARING"


def test_speech(setup):
    carrier, app, _ = setup
    r = carrier.call(APP, caller="say: sales")
    assert r.said()[-1] == "Sales is open from nine to five. Goodbye."
    menu = app.config["SEEN"][1][1]
    assert menu["InputType"] == "speech" and menu["Speech"] == "sales"
    assert 0 < float(menu["SpeechConfidenceScore"]) <= 1


def test_no_input_runs_the_next_verb(setup):
    carrier, app, _ = setup
    r = carrier.call(APP, caller="wait: 30s")
    assert r.said()[-1] == "We did not hear you. Goodbye."
    assert [p for p, _ in app.config["SEEN"]] == ["/answer", "/hangup"]


def test_record(setup):
    carrier, app, _ = setup
    r = carrier.call(APP, caller="press: 2; say: please call me back; press: #")
    saved = dict(app.config["SEEN"])["/saved"]
    assert saved["RecordUrl"].startswith("https://media.plivo.com/v1/Account/")
    assert int(saved["RecordingDurationMs"]) > 0
    assert r.recordings[0].text == "please call me back"
    assert r.said()[-1] == "Thank you. Goodbye."


def test_dial(setup):
    carrier, app, _ = setup
    carrier.phone(AGENT, script="say: Hello, this is Sam; wait: 2s; hangup")
    r = carrier.call(APP, caller="press: 3")
    dialed = dict(app.config["SEEN"])["/dialed"]
    assert dialed["DialStatus"] == "completed"
    assert r.said()[-1] == "The call ended with completed. Goodbye."
    assert [leg.to for leg in carrier.legs] == [APP, AGENT]


def test_a_wrong_token_is_refused_and_the_call_fails(setup):
    carrier, _, box = setup
    box["token"] = "not-the-token"
    r = carrier.call(APP, caller="press: 1")
    assert r.status == "failed" and r.said() == []
    assert "HTTP 401" in next(iter(r.trace.filter("error")))["message"]


def test_inline_xml_with_wait_dtmf_and_hangup():
    carrier = telenb.Carrier(seed=1)
    xml = ("<Response><Speak>One</Speak><Wait length='2'/><DTMF>12</DTMF>"
           "<Hangup/><Speak>never</Speak></Response>")  # fmt: skip
    carrier.app(APP, plivo=xml)
    r = carrier.call(APP, caller="wait: 10s")
    assert r.said() == ["One"]
