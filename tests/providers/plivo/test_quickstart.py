"""A Flask app written as Plivo's Python quick-starts go (plivoxml responses, a
plivo.RestClient from the environment, every webhook checked with the SDK's
validate_v3_signature) runs unmodified on the simulated carrier: a restaurant line that
announces itself in early media (<PreAnswer>, https://www.plivo.com/docs/voice/xml/preanswer),
texts directions with <Message> (https://www.plivo.com/docs/messaging/xml/message), calls a
supplier's switchboard and dials its extension with <DTMF>
(https://www.plivo.com/docs/voice/xml/dtmf), and answers texts at its message_url
(https://www.plivo.com/docs/messaging/xml/request/messages) while notifying the manager
through the Message API from inside the webhook."""

import pytest

plivo = pytest.importorskip("plivo", reason="plivo SDK not installed")
flask = pytest.importorskip("flask")
from plivo import plivoxml  # noqa: E402
from plivo.utils.signature_v3 import validate_v3_signature  # noqa: E402

import telenb  # noqa: E402
from telenb.providers.plivo import offline, plivo_application  # noqa: E402
from telenb.sim.parties import Caller  # noqa: E402

LINE, MANAGER, SUPPLIER, GUEST = "+15550100", "+15550142", "+15550160", "+15550177"
DIRECTIONS = "We are at 12 Harbour Road, next to the ferry."


def restaurant(token: str) -> flask.Flask:
    app = flask.Flask("restaurant")
    app.config["SEEN"] = []

    def checked() -> None:
        req = flask.request
        ok = validate_v3_signature(
            req.method, req.url, req.headers.get("X-Plivo-Signature-V3-Nonce", ""), token,
            req.headers.get("X-Plivo-Signature-V3", ""), req.form.to_dict(),
        )  # fmt: skip
        app.config["SEEN"].append((req.path, req.form.to_dict()))
        if not ok:
            flask.abort(403)

    def xml(response: plivoxml.ResponseElement) -> flask.Response:
        return flask.Response(response.to_string(), mimetype="application/xml")

    @app.route("/answer", methods=["POST"])
    def answer():
        checked()
        r = plivoxml.ResponseElement()
        notice = plivoxml.PreAnswerElement()
        notice.add_speak("Thanks for calling the Harbour Kitchen")
        r.add(notice)
        menu = plivoxml.GetInputElement(
            action=flask.request.url_root + "menu", method="POST", input_type="dtmf",
            digit_end_timeout=5, num_digits=1, redirect=True,
        )  # fmt: skip
        menu.add_speak("Press 1 and we will text you directions")
        r.add(menu)
        r.add_speak("Goodbye")
        return xml(r)

    @app.route("/menu", methods=["POST"])
    def menu():
        checked()
        form = flask.request.form
        r = plivoxml.ResponseElement()
        if form.get("Digits") == "1":
            status_url = flask.request.url_root + "sms_status"
            text = plivoxml.MessageElement(
                DIRECTIONS,
                src=form["To"],
                dst=form["From"],
                type="sms",
                callback_url=status_url,
                callback_method="POST",
            )
            r.add(text)
            r.add_speak("We have sent you a text. Goodbye")
        return xml(r)

    @app.route("/supplier", methods=["POST"])
    def supplier():  # the answer_url of the order call placed through the Call API
        checked()
        r = plivoxml.ResponseElement()
        r.add(plivoxml.DTMFElement("W204", async_=False))  # wait for the switchboard, ext 204
        r.add_speak("Order for the Harbour Kitchen: ten kilos of mussels")
        return xml(r)

    @app.route("/sms", methods=["POST"])
    def sms():
        checked()
        form = flask.request.form
        client = plivo.RestClient()  # PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN, as the quick-starts
        client.messages.create(src=form["To"], dst=MANAGER[1:],
                               text=f"Guest {form['From']} wrote: {form['Text']}")  # fmt: skip
        r = plivoxml.ResponseElement()
        r.add(plivoxml.MessageElement("Thanks, see you tonight!", src=form["To"], dst=form["From"]))
        return xml(r)

    @app.route("/sms_status", methods=["POST"])
    @app.route("/hangup", methods=["POST"])
    def status():
        checked()
        return "OK"

    return app


@pytest.fixture
def line():
    carrier = telenb.Carrier(seed=21)
    app = restaurant(plivo_application(carrier).auth_token)
    carrier.app(LINE, plivo=app, url="/answer", hangup_url="/hangup", message_url="/sms")
    with offline(carrier):
        yield carrier, app


def test_early_media_then_directions_by_text(line):
    carrier, app = line
    guest = Caller("press: 1", number=GUEST)
    r = carrier.call(LINE, caller=guest)
    assert r.said() == ["Thanks for calling the Harbour Kitchen",
                        "Press 1 and we will text you directions",
                        "We have sent you a text. Goodbye"]  # fmt: skip
    notice, menu = (e for e in r.trace if e.kind == "say" and e.t < 3)
    answered = next(e for e in r.trace if e.kind == "status" and e["status"] == "in-progress")
    assert notice.t < answered.t == menu.t, "the notice plays before the call is answered"
    carrier.run()
    [text] = carrier.messages
    assert (text.from_, text.to, text.body, text.status) == (LINE, GUEST, DIRECTIONS, "delivered")
    reports = [f["Status"] for p, f in app.config["SEEN"] if p == "/sms_status"]
    assert reports == ["queued", "sent", "delivered"]
    paths = [p for p, _ in app.config["SEEN"] if p != "/sms_status"]
    assert paths == ["/answer", "/menu", "/hangup"]


def test_the_order_call_dials_the_extension_with_dtmf(line):
    carrier, app = line
    heard = []
    carrier.phone(SUPPLIER, script=lambda h: heard.append((h.text, h.start)) and None)
    client = plivo.RestClient()
    call = client.calls.create(from_=LINE, to_=SUPPLIER,
                               answer_url="https://15550100.plivo.test/supplier")  # fmt: skip
    carrier.run()
    (digits, sent_at), (order, spoken_at) = heard
    assert digits == "<dtmf W204>" and order.startswith("Order for the Harbour Kitchen")
    assert spoken_at - sent_at == pytest.approx(1.0 + 3 * 0.1), "async=false: all tones first"
    cdr = client.calls.get(app.config["SEEN"][0][1]["CallUUID"])
    assert cdr.call_direction == "outbound" and cdr.to_number == SUPPLIER[1:]
    assert call.request_uuid == app.config["SEEN"][0][1]["ALegRequestUUID"]


def test_a_guest_text_reaches_the_message_url_and_the_manager(line):
    carrier, app = line
    carrier.text(LINE, "Table for 4 at 8pm, running late", from_=GUEST)
    carrier.run()
    [form] = [f for p, f in app.config["SEEN"] if p == "/sms"]
    assert form["From"] == GUEST[1:] and form["To"] == LINE[1:] and form["Type"] == "sms"
    assert form["Text"] == "Table for 4 at 8pm, running late" and form["MessageUUID"]
    bodies = {m.to: m.body for m in carrier.messages if m.direction != "inbound"}
    assert bodies == {MANAGER: f"Guest {GUEST[1:]} wrote: Table for 4 at 8pm, running late",
                      GUEST: "Thanks, see you tonight!"}  # fmt: skip
    client = plivo.RestClient()
    inbound = client.messages.list(message_direction="inbound")
    assert [m.message_uuid for m in inbound] == [form["MessageUUID"]]
    assert inbound[0].message_state == "delivered"  # the message_url answered 200
