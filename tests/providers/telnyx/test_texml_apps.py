"""A TeXML IVR written as a Flask app in the style of Telnyx's TeXML quick-starts (a <Say>
inside a <Gather> with an action, then a <Dial>) runs unmodified on the simulated carrier
through `texml=`, with a scripted caller.

What is checked is what Telnyx documents, not what Twilio does:
- instruction fetching (developers.telnyx.com/docs/voice/programmable-voice/
  texml-instruction-fetching): every request carries AccountSid, CallSid, CallSidLegacy,
  From, To, ConnectionId, ApiVersion and CallStatus; the application's method is GET unless
  set;
- the TeXML callback references (api-reference/callbacks/texml-gather, texml-call-*):
  AccountSid is a UUID, CallSid a ``v3:`` call control ID equal to CallSidLegacy, the Gather
  callback carries Digits; each request is signed with Ed25519 over ``timestamp|payload``
  in telnyx-signature-ed25519 and telnyx-timestamp;
- the <Gather> reference: the action uses the application's method, and validDigits with
  invalidDigitsAction reroutes other keys;
- the compatibility table: <Dial> has no <Client> noun.
"""

import base64
import re
import uuid

import pytest
from flask import Flask, Response, request

import telenb
from telenb.providers.telnyx import SignatureError, telnyx_account, verify

ed25519 = pytest.importorskip(
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    reason="Telnyx's Ed25519 signatures need the cryptography package (the telnyx extra)",
)
from cryptography.exceptions import InvalidSignature  # noqa: E402

NUMBER = "+15550100"
SALES = "+15550123"
CALL_ID = re.compile(r"^v3:[A-Za-z0-9_-]{54}$")


def texml(body: str) -> Response:
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
                    mimetype="text/xml")  # fmt: skip


def ivr(seen: list, keys: dict) -> Flask:
    """The quick-start IVR: greet, gather one key, then connect sales or say goodbye."""
    app = Flask("texml-ivr")

    def record(name: str) -> None:
        body = request.get_data()  # the raw body first: reading the form would consume it
        seen.append(
            {
                "name": name,
                "method": request.method,
                "params": request.values.to_dict(),
                "body": body,
                "signature": request.headers.get("telnyx-signature-ed25519"),
                "timestamp": request.headers.get("telnyx-timestamp"),
                "verified": _verified(keys["public"], request),
            }
        )

    @app.route("/texml", methods=["GET", "POST"])
    def answer():
        record("answer")
        return texml(
            '<Gather action="/menu" numDigits="1" timeout="5">'
            "<Say>Welcome to Acme. Press 1 for sales.</Say></Gather>"
            "<Say>We did not hear a choice. Goodbye.</Say>"
        )

    @app.route("/menu", methods=["GET", "POST"])
    def menu():
        record("menu")
        if request.values.get("Digits") == "1":
            return texml(f"<Say>Connecting you to sales.</Say><Dial>{SALES}</Dial>")
        return texml("<Say>Sorry, that is not an option.</Say><Hangup/>")

    return app


def _verified(public_key: str, req) -> bool:
    """Telnyx's documented check, done with cryptography directly (not telenb's verify)."""
    key = ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
    signed = req.headers["telnyx-timestamp"].encode() + b"|" + req.get_data()
    try:
        key.verify(base64.b64decode(req.headers["telnyx-signature-ed25519"]), signed)
    except InvalidSignature:
        return False
    return True


def run(caller: str, *, method: str | None = "POST", app=None, **options):
    seen: list = []
    keys: dict = {}
    carrier = telenb.Carrier(seed=5)
    keys["public"] = telnyx_account(carrier).public_key
    carrier.phone(SALES, script="say: Sales, how can I help?; hangup")
    if method:
        options["method"] = method
    carrier.app(NUMBER, texml=app or ivr(seen, keys), url="/texml", **options)
    return carrier.call(NUMBER, caller=caller), seen, carrier


def test_the_caller_hears_the_prompts_and_the_key_reaches_the_action_then_the_dial():
    result, seen, carrier = run("press: 1; wait: 5s")
    assert [s["name"] for s in seen] == ["answer", "menu"]
    assert result.said()[:2] == ["Welcome to Acme. Press 1 for sales.", "Connecting you to sales."]
    assert seen[1]["params"]["Digits"] == "1"
    assert "FinishedOnKey" not in seen[1]["params"], "Telnyx's Gather callback has no such field"
    sales = [leg for leg in carrier.calls if leg["to"] == SALES]
    assert len(sales) == 1 and sales[0]["answer_time"] is not None
    assert result.status == "completed"


def test_every_request_carries_the_parameters_and_id_formats_telnyx_documents():
    _, seen, carrier = run("press: 1; wait: 5s")
    account = telnyx_account(carrier)
    answer = seen[0]["params"]
    assert set(answer) == {
        "AccountSid", "ApiVersion", "CallSid", "CallSidLegacy", "CallStatus", "ConnectionId",
        "From", "To",
    }  # fmt: skip
    assert uuid.UUID(answer["AccountSid"]) and answer["AccountSid"] == account.account_sid
    assert CALL_ID.match(answer["CallSid"]) and answer["CallSidLegacy"] == answer["CallSid"]
    assert answer["ConnectionId"].isdigit() and answer["ApiVersion"] == "2010-04-01"
    assert answer["CallStatus"] == "ringing" and answer["To"] == NUMBER
    assert seen[1]["params"]["CallSid"] == answer["CallSid"]
    assert seen[1]["params"]["CallStatus"] == "in-progress"
    assert "Called" not in answer and "CallerCity" not in answer, "Twilio-only parameters"


def test_each_request_is_signed_with_ed25519_and_a_tampered_body_fails():
    _, seen, carrier = run("press: 1; wait: 5s")
    public = telnyx_account(carrier).public_key
    assert all(s["verified"] for s in seen)
    first = seen[0]
    assert first["timestamp"].isdigit()
    verify(public, first["body"], first["signature"], first["timestamp"])  # telenb's agrees
    tampered = first["body"].replace(b"ringing", b"completed")
    assert tampered != first["body"]
    with pytest.raises(SignatureError):
        verify(public, tampered, first["signature"], first["timestamp"])
    key = ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(public))
    with pytest.raises(InvalidSignature):
        key.verify(
            base64.b64decode(first["signature"]), first["timestamp"].encode() + b"|" + tampered
        )
    with pytest.raises(SignatureError, match="more than"):  # a replayed request is stale
        verify(public, first["body"], first["signature"], first["timestamp"],
               now=int(first["timestamp"]) + 301)  # fmt: skip


def test_the_application_method_is_get_by_default_and_the_gather_action_follows_it():
    """Instruction fetching defaults to GET, and <Gather>'s action 'uses the same method as
    set for the TeXML application', whatever method the verb names."""
    seen: list = []
    app = Flask("texml-get")

    @app.route("/texml", methods=["GET", "POST"])
    def answer():
        seen.append((request.method, request.args.to_dict()))
        return texml('<Gather action="/menu" method="POST" numDigits="1"><Say>Press</Say></Gather>')

    @app.route("/menu", methods=["GET", "POST"])
    def menu():
        seen.append((request.method, request.args.to_dict()))
        return texml("<Say>Thanks</Say>")

    result, _, _ = run("press: 4", method=None, app=app)
    assert [m for m, _ in seen] == ["GET", "GET"]
    assert seen[0][1]["CallStatus"] == "ringing" and seen[1][1]["Digits"] == "4"
    assert any("method='POST' is ignored" in e["message"] for e in result.trace.filter("warning"))
    assert result.said() == ["Press", "Thanks"]


def test_valid_digits_sends_any_other_key_to_invalid_digits_action():
    seen: list = []
    app = Flask("texml-valid")

    @app.route("/texml", methods=["POST"])
    def answer():
        return texml(
            '<Gather action="/menu" invalidDigitsAction="/invalid" validDigits="12" '
            'numDigits="1"><Say>Press 1 or 2</Say></Gather>'
        )

    @app.route("/<name>", methods=["POST"])
    def other(name):
        seen.append((name, request.form["Digits"]))
        return texml(f"<Say>{name}</Say>")

    result, _, _ = run("press: 7", app=app)
    assert seen == [("invalid", "7")]
    assert result.said() == ["Press 1 or 2", "invalid"]
    assert not [e for e in result.trace.filter("warning") if "validDigits" in e["message"]]
    result, _, _ = run("press: 2", app=app)
    assert seen[-1] == ("menu", "2")


def test_dial_has_no_client_noun_in_texml():
    app = Flask("texml-client")

    @app.route("/texml", methods=["POST"])
    def answer():
        return texml("<Dial><Client>alice</Client></Dial><Say>Nobody there</Say>")

    result, _, carrier = run("wait: 5s", app=app)
    assert not [leg for leg in carrier.calls if leg["to"] == "client:alice"]
    assert any("TeXML has no <Client>" in e["message"] for e in result.trace.filter("warning"))
    assert result.said() == ["Nobody there"]


def test_the_status_callback_carries_telnyx_ids_and_an_iso_timestamp():
    """The TeXML call-completed callback: CallSid/CallSidLegacy as v3 IDs, CallbackSource
    call-progress-events, and Timestamp in ISO 8601 ("2024-01-15T10:30:00Z")."""
    seen: list = []
    app = Flask("texml-status")

    @app.route("/texml", methods=["POST"])
    def answer():
        return texml("<Say>Goodbye</Say>")

    @app.route("/status", methods=["POST"])
    def status():
        seen.append(request.form.to_dict())
        return ""

    run("wait: 3s", app=app, status_callback="/status")
    assert len(seen) == 1
    done = seen[0]
    assert done["CallStatus"] == "completed" and done["CallbackSource"] == "call-progress-events"
    assert CALL_ID.match(done["CallSid"]) and done["CallSidLegacy"] == done["CallSid"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", done["Timestamp"])
    assert done["CallDuration"].isdigit()


def test_texml_takes_twimls_targets_a_document_and_a_callable():
    carrier = telenb.Carrier(seed=5)
    carrier.app(NUMBER, texml="<Response><Say>Hello from a TeXML bin</Say></Response>")
    assert carrier.call(NUMBER, caller="wait: 3s").said() == ["Hello from a TeXML bin"]
    seen: list = []
    carrier = telenb.Carrier(seed=5)
    carrier.app(
        NUMBER, texml=lambda req: seen.append(dict(req)) or "<Response><Say>Hi</Say></Response>"
    )
    assert carrier.call(NUMBER, caller="wait: 3s").said() == ["Hi"]
    assert CALL_ID.match(seen[0]["CallSid"]) and seen[0]["ConnectionId"].isdigit()


def test_same_seed_same_ids_and_signatures():
    """Ed25519 is deterministic and every ID comes from the seed: runs repeat exactly."""
    first, second = run("press: 1; wait: 5s")[1], run("press: 1; wait: 5s")[1]
    assert [(s["params"], s["signature"]) for s in first] == [
        (s["params"], s["signature"]) for s in second
    ]
