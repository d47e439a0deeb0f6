"""Issue 17 §3: the Plivo XML, jambonz, TeXML and cXML exports, document by document, against
what each vendor's reference says its documents mean."""

import dataclasses

import pytest

import telenb
from telenb.providers.export import FORMATS
from telenb.providers.jambonz.verbs.parse import parse_app
from telenb.providers.plivo.xml.parse import parse_xml


def pin_line(call):
    call.say("Welcome to the bank.")
    r = call.ask("Enter your four digit PIN", choices="[4 DIGITS]", mode="dtmf", timeout=8)
    if r.name == "choice":
        call.say("Thank you")
        call.record("Leave a message after the beep", max_time=10, silence_timeout=3)
    call.say("Goodbye")


def transfer_and_conference(call):
    call.wait(1.5)
    call.transfer(("+15550123", "+15550124"), timeout=15, caller_id="+15550100")
    call.conference("room", mute=True, terminator="*")


def said(result):
    return [e["text"] for e in result.trace if e.kind == "say"]


def test_plivo_get_input_then_a_redirect_to_the_same_step():
    """Plivo's GetInput reference: with no input the next element runs, and with input the
    action's answer replaces the document.  So each step is a GetInput whose action is the
    step, then a Redirect there; a silent caller comes back through the Redirect."""
    ex = telenb.export(pin_line, to="plivo")  # a silent caller
    first = parse_xml(ex.documents[0])
    assert [v.tag for v in first] == ["Speak", "GetInput", "Redirect"]
    get = first[1]
    assert get.attrs["action"] == "/step/1" and get.attrs["inputType"] == "dtmf"
    assert get.attrs["numDigits"] == "4" and get.attrs["digitEndTimeout"] == "8"
    assert [c.tag for c in get.children] == ["Speak"]
    assert first[2].text == "/step/1"
    requests = [e for e in ex.result.trace if e.kind == "webhook" and e["purpose"] == "Redirect"]
    assert len(requests) == 1 and "Digits" not in requests[0]["params"]
    assert said(ex.result)[-1] == "Goodbye"
    assert ex.result.status == "completed"


def test_plivo_record_posts_its_recording_to_the_step():
    """Plivo's Record: timeout is the silence that ends it, maxLength the longest, and the
    action gets RecordUrl (its answer goes on with the flow)."""
    ex = telenb.export(pin_line, to="plivo", caller="press: 1234; say: please call me back")
    second = parse_xml(ex.documents[1])
    assert [v.tag for v in second] == ["Speak", "Speak", "Record", "Redirect"]
    rec = second[2].attrs
    assert (rec["maxLength"], rec["timeout"], rec["playBeep"]) == ("10", "3", "true")
    hooks = [e for e in ex.result.trace if e.kind == "webhook" and e["purpose"] == "Record"]
    assert hooks and hooks[0]["params"]["RecordUrl"].startswith("https://media.plivo.com/")
    assert said(ex.result)[-1] == "Goodbye"


def test_plivo_dial_and_conference():
    """Plivo's Dial rings every <Number> at once (digits without the plus); a Conference
    ends when the caller leaves, and the Redirect after it brings the flow back."""
    ex = telenb.export(transfer_and_conference, to="plivo")
    first = parse_xml(ex.documents[0])
    assert [v.tag for v in first] == ["Wait", "Dial", "Redirect"]
    assert first[0].attrs["length"] == "2"
    dial = first[1]
    assert [(n.tag, n.text) for n in dial.children] == [("Number", "15550123"),
                                                         ("Number", "15550124")]  # fmt: skip
    assert dial.attrs["callerId"] == "15550100" and dial.attrs["timeout"] == "15"
    conf = parse_xml(ex.documents[1])
    assert (conf[0].tag, conf[0].text, conf[0].attrs["muted"]) == ("Conference", "room", "true")
    assert any("whole seconds" in n for n in ex.notes)
    assert any("at once" in n for n in ex.notes)


def test_jambonz_gather_hook_hears_the_timeout():
    """jambonz's gather reference: the actionHook is called with reason "timeout" when
    nothing is gathered, and the verbs it answers replace the application."""
    ex = telenb.export(pin_line, to="jambonz")
    first = parse_app(ex.documents[0])
    assert [v.name for v in first] == ["say", "gather"]
    gather = ex.documents[0][1]
    assert gather["input"] == ["digits"] and gather["numDigits"] == 4
    assert gather["actionHook"] == "/step/1" and gather["say"] == {
        "text": "Enter your four digit PIN"
    }
    hooks = [e for e in ex.result.trace if e.kind == "webhook"
             and e["purpose"] == "actionHook:gather"]  # fmt: skip
    assert [h["params"]["reason"] for h in hooks] == ["timeout"]
    assert said(ex.result)[-1] == "Goodbye"


def test_jambonz_record_is_a_speech_gather_with_a_note():
    """jambonz has no record verb (recording is SIPREC or a listen stream): the export
    gathers the speech, so the flow gets the transcript, and says so."""
    ex = telenb.export(pin_line, to="jambonz", caller="press: 1234; say: please call me back")
    second = ex.documents[1][1]
    assert second["verb"] == "gather" and second["input"] == ["speech"]
    assert second["speechTimeout"] == 3
    hooks = [e["params"] for e in ex.result.trace if e.kind == "webhook"
             and e["purpose"] == "actionHook:gather"]  # fmt: skip
    assert hooks[-1]["speech"]["alternatives"][0]["transcript"] == "please call me back"
    assert any("no record verb" in n for n in ex.notes)


def test_jambonz_dial_targets_and_conference():
    ex = telenb.export(transfer_and_conference, to="jambonz")
    pause, dial = ex.documents[0]
    assert pause == {"verb": "pause", "length": 1.5}
    assert dial["target"] == [{"type": "phone", "number": "+15550123"},
                              {"type": "phone", "number": "+15550124"}]  # fmt: skip
    assert dial["callerId"] == "+15550100" and dial["timeout"] == 15
    assert ex.documents[1] == [
        {"verb": "conference", "name": "room", "actionHook": "/step/2", "joinMuted": True}
    ]
    for doc in ex.documents:
        parse_app(doc)


def test_texml_is_posted_and_signed_with_ed25519():
    """Telnyx signs ``<timestamp>|<body>`` with Ed25519; the export's backend checks it with
    the account's public key, and the application is set to POST (TeXML requests a Gather's
    action with the application's method).  Telnyx's Gather reference lists no
    actionOnEmptyResult, so a Redirect to the same step follows the Gather."""
    ex = telenb.export(pin_line, to="texml", caller="press: 1234")
    hooks = [e for e in ex.result.trace if e.kind == "webhook"]
    assert hooks and {h["method"] for h in hooks} == {"POST"}
    assert all(h["status"] == 200 for h in hooks)
    first = ex.documents[0]
    assert first.index("</Gather>") < first.index("<Redirect") < first.index("</Response>")
    assert "continue/1?empty=1</Redirect>" in first
    assert "TeXML for" in repr(ex.steps)
    assert "<Redirect" not in telenb.export(pin_line, to="laml").documents[0]


def test_texml_backend_refuses_a_bad_signature():
    from telenb.providers.telnyx import export as tx

    forged = dataclasses.replace(
        tx.DOOR, guard=lambda acct, app: tx.ed25519_guard(_other_key(acct), app)
    )
    steps = tx.flow_dialect(forged, pin_line, caller="press: 1234")
    statuses = [e["status"] for e in steps.result.trace if e.kind == "webhook"]
    assert statuses and set(statuses) == {403}
    assert "Welcome to the bank." not in said(steps.result)  # only the vendor's error message


def _other_key(acct):
    from telenb.providers.telnyx.account import TelnyxAccount

    return TelnyxAccount(telenb.Carrier(seed=acct.carrier.seed + 1))


def test_laml_backend_checks_the_signing_key():
    """SignalWire signs with the project's Signing Key (Twilio's HMAC, X-Twilio-Signature
    as alias): a backend holding another key refuses every webhook."""
    from telenb.providers.signalwire import export as sw

    ok = telenb.export(pin_line, to="laml", caller="press: 1234")
    assert said(ok.result)[0] == "Welcome to the bank." and said(ok.result)[-1] == "Goodbye"
    wrong = dataclasses.replace(sw.DOOR, key=lambda acct: "PSK_not_the_key")
    steps = sw.flow_dialect(wrong, pin_line, caller="press: 1234")
    assert {e["status"] for e in steps.result.trace if e.kind == "webhook"} == {403}
    assert "Welcome to the bank." not in said(steps.result)


@pytest.mark.parametrize("to", sorted(FORMATS))
def test_every_format_has_a_capability_table_naming_what_it_cannot_express(to):
    ex = telenb.export(pin_line, to=to)
    names = " ".join(what for what, _ in ex.capabilities)
    assert "per-attempt ask handlers" in names and "log()" in names
    assert all(instead for _, instead in ex.capabilities)


def test_texml_and_cxml_are_twimls_rendering():
    """TeXML and cXML are TwiML dialects: the export renders the same documents as TwiML's
    (TeXML adds only the Redirect after each Gather), and names its own markup."""
    twiml = telenb.export(pin_line, to="twiml", caller="press: 1234; say: hi")
    laml = telenb.export(pin_line, to="laml", caller="press: 1234; say: hi")
    texml = telenb.export(pin_line, to="texml", caller="press: 1234; say: hi")
    assert laml.documents == twiml.documents
    redirect = '<Redirect method="POST">https://telenb-backend.test/twilio/continue/1?empty=1'
    assert texml.documents[0] == twiml.documents[0].replace(
        "</Gather>", "</Gather>" + redirect + "</Redirect>"
    )
    assert texml.documents[1:] == twiml.documents[1:]
    assert repr(laml.steps).startswith("cXML for") and repr(texml.steps).startswith("TeXML for")
