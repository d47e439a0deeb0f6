"""Plivo XML's <PreAnswer>, <DTMF> and <Message> (and a first <Wait>) on the simulated
carrier, each against Plivo's XML reference:

- PreAnswer (https://www.plivo.com/docs/voice/xml/preanswer): "answers an incoming call in
  early media mode ... to play custom caller tunes or to speak text while the call is still
  in an unanswered state"; Speak, Play and Wait may be nested in it.
- DTMF (https://www.plivo.com/docs/voice/xml/dtmf): sends digits on the live call; with
  async (default true) the next element runs once the first digit is sent; ``w`` waits half
  a second and ``W`` a second (as the Call API's send_digits,
  https://www.plivo.com/docs/voice/api/call/make-a-call).
- Message (https://www.plivo.com/docs/messaging/xml/message): sends an SMS from src to dst
  (several with ``<``), type sms, delivery reports to callbackUrl with callbackMethod.
- Wait (https://www.plivo.com/docs/voice/xml/wait): "If <Wait> is the first element in a
  XML document, Plivo will wait the specified number of seconds before picking up the call."
"""

import pytest

import telenb
from telenb.providers.plivo.application import plivo_application
from telenb.providers.plivo.messaging import message_uuid
from telenb.providers.plivo.signing import is_valid
from telenb.providers.plivo.sim.dtmf import TONE
from telenb.providers.plivo.xml.parse import PlivoXmlError, parse_xml
from telenb.sim.parties import Caller

NUMBER = "+15550100"


def run(xml: str, script: str = "wait: 30s", **app_options):
    carrier = telenb.Carrier(seed=5)
    carrier.app(NUMBER, plivo=f"<Response>{xml}</Response>", **app_options)
    caller = Caller(script)
    return carrier, carrier.call(NUMBER, caller=caller), caller


def events(result, kind):
    return [e for e in result.trace if e.kind == kind]


# -- PreAnswer ----------------------------------------------------------------------------------
def test_preanswer_plays_while_the_call_rings_and_is_not_billed():
    """Early media: the caller hears the nested Speak and Wait before the call is answered;
    it is answered (and billed) only from the first element after PreAnswer."""
    _, r, caller = run(
        "<PreAnswer><Speak>Calls may be recorded</Speak><Wait length='2'/></PreAnswer>"
        "<Speak>Welcome</Speak>"
    )
    say_pre, say_after = events(r, "say")
    answered = next(e for e in events(r, "status") if e["status"] == "in-progress")
    assert say_pre.t == 0 and answered.t == pytest.approx(say_after.t)
    assert answered.t == pytest.approx(say_pre["duration"] + 2)  # after the early media
    assert r.root.duration == pytest.approx(say_after["duration"])  # only Welcome billed
    assert [h.text for h in caller.heard] == ["Calls may be recorded", "Welcome"]


def test_preanswer_then_hangup_is_never_answered():
    """A call that only hears early media and is hung up is never answered: nothing is
    billed, and reason="rejected" ends it rejected (CALL_REJECTED in the Hangup event)."""
    seen = []

    def site(request):
        seen.append((request.path, dict(request.form)))
        return "" if request.path == "/hangup" else (
            "<Response><PreAnswer><Speak>We are closed</Speak></PreAnswer>"
            "<Hangup reason='rejected'/></Response>")  # fmt: skip

    carrier = telenb.Carrier(seed=5)
    carrier.app(NUMBER, plivo={"/": site, "/hangup": site}, hangup_url="/hangup")
    r = carrier.call(NUMBER, caller="wait: 30s")
    assert r.said() == ["We are closed"]
    assert r.root.answered_at is None and r.root.duration == 0
    hangup = seen[-1][1]
    assert hangup["Event"] == "Hangup" and hangup["HangupCause"] == "CALL_REJECTED"
    assert hangup["BillDuration"] == "0"


def test_preanswer_nests_only_speak_play_and_wait():
    parse_xml("<Response><PreAnswer><Play>https://a.test/t.mp3</Play></PreAnswer></Response>")
    with pytest.raises(PlivoXmlError, match="GetDigits"):
        parse_xml("<Response><PreAnswer><GetDigits/></PreAnswer></Response>")


def test_a_first_wait_delays_pick_up():
    _, r, _ = run("<Wait length='3'/><Speak>Hi</Speak>")
    answered = next(e for e in events(r, "status") if e["status"] == "in-progress")
    assert answered.t == pytest.approx(3.0)
    _, r, _ = run("<Speak>Hi</Speak><Wait length='3'/><Speak>again</Speak>")
    answered = next(e for e in events(r, "status") if e["status"] == "in-progress")
    assert answered.t == 0


# -- DTMF ---------------------------------------------------------------------------------------
def test_dtmf_reaches_the_party_and_async_moves_on_after_the_first_digit():
    _, r, caller = run("<DTMF>1234</DTMF><Speak>next</Speak>")
    [dtmf] = events(r, "dtmf")
    [say] = events(r, "say")
    assert dtmf["digits"] == "1234" and dtmf["duration"] == pytest.approx(4 * TONE)
    assert say.t - dtmf.t == pytest.approx(TONE)  # async: after the first tone
    assert "<dtmf 1234>" in [h.text for h in caller.heard]


def test_dtmf_async_false_sends_every_digit_first_with_w_and_W_pauses():
    _, r, _ = run("<DTMF async='false'>1W2w#</DTMF><Speak>next</Speak>")
    [dtmf] = events(r, "dtmf")
    [say] = events(r, "say")
    assert dtmf["digits"] == "12#"
    assert say.t - dtmf.t == pytest.approx(3 * TONE + 1.0 + 0.5)


def test_dtmf_with_a_character_plivo_cannot_send_is_skipped():
    _, r, _ = run("<DTMF>12a</DTMF><Speak>next</Speak>")
    assert events(r, "dtmf") == []
    assert "skipped" in events(r, "warning")[0]["message"]
    assert r.said() == ["next"]


# -- Message ------------------------------------------------------------------------------------
def test_message_sends_an_sms_to_each_destination():
    carrier, r, _ = run(
        "<Message src='15550100' dst='15550123&lt;15550124' type='sms'>Your order shipped"
        "</Message><Speak>Bye</Speak>"
    )
    assert r.said() == ["Bye"]
    carrier.run()
    sent = [(m.from_, m.to, m.body, m.status) for m in carrier.messages]
    assert sent == [
        (NUMBER, "+15550123", "Your order shipped", "delivered"),
        (NUMBER, "+15550124", "Your order shipped", "delivered"),
    ]
    assert all(m.call_sid == r.sid for m in carrier.messages)


def test_message_callback_url_gets_signed_delivery_reports():
    reports = []
    carrier = telenb.Carrier(seed=5)
    token = plivo_application(carrier).auth_token

    def status(request):
        reports.append(dict(request.form))
        ok = is_valid(request.headers, token, "POST", request.url, dict(request.form))
        reports[-1]["signed"] = ok
        return ""

    xml = ("<Response><Message src='+15550100' dst='+15550123' callbackUrl='/sms_status' "
           "callbackMethod='POST'>Hi</Message></Response>")  # fmt: skip
    carrier.app(NUMBER, plivo={"/": xml, "/sms_status": status})
    carrier.call(NUMBER, caller="wait: 5s")
    carrier.run()
    assert [p["Status"] for p in reports] == ["queued", "sent", "delivered"]
    assert all(p["signed"] for p in reports)
    first = reports[0]
    assert first["From"] == "15550100" and first["To"] == "15550123"
    assert first["Type"] == "sms" and first["Units"] == "1"
    assert len({p["MessageUUID"] for p in reports}) == 1


@pytest.mark.parametrize(
    "element",
    ["<Message dst='15550123'>Hi</Message>",  # no src
     "<Message src='15550100'>Hi</Message>",  # no dst
     "<Message src='15550999' dst='15550123'>Hi</Message>"],  # src not the account's number
)  # fmt: skip
def test_message_without_a_valid_src_or_dst_sends_nothing(element):
    carrier, r, _ = run(element)
    carrier.run()
    assert list(carrier.messages) == []
    assert "nothing sent" in events(r, "warning")[0]["message"]


def test_a_text_to_a_message_url_is_posted_with_plivos_parameters_and_answered():
    """Incoming SMS (https://www.plivo.com/docs/messaging/xml/request/messages): the
    message_url gets From, To, Type, Text and MessageUUID; a <Message> it answers with is
    sent (https://www.plivo.com/docs/messaging/api/message/handling-incoming)."""
    posted = []

    def sms(request):
        posted.append(dict(request.form))
        f = request.form
        return (f"<Response><Message src='{f['To']}' dst='{f['From']}'>"
                f"Got: {f['Text']}</Message></Response>")  # fmt: skip

    carrier = telenb.Carrier(seed=5)
    carrier.app(NUMBER, plivo={"/": "<Response/>", "/sms": sms}, message_url="/sms")
    carrier.text(NUMBER, "STATUS 42", from_="+15550177")
    carrier.run()
    [form] = posted
    assert form["From"] == "15550177" and form["To"] == "15550100"
    assert form["Type"] == "sms" and form["Text"] == "STATUS 42" and form["MessageUUID"]
    inbound, reply = carrier.messages
    assert inbound.direction == "inbound" and reply.body == "Got: STATUS 42"
    assert (reply.from_, reply.to, reply.status) == (NUMBER, "+15550177", "delivered")


def test_same_seed_same_uuids():
    """Deterministic: the same seed gives the same CallUUIDs, MessageUUIDs and trace."""

    def once():
        carrier, r, _ = run("<Message src='15550100' dst='15550123'>Hi</Message><DTMF>1</DTMF>")
        carrier.run()
        papp = plivo_application(carrier)
        ids = [papp.uuid(r.root), *(message_uuid(m) for m in carrier.messages)]
        return ids, [str(e) for e in carrier.trace]

    assert once() == once()
