"""Messages on the carrier: statuses, Twilio error codes, callbacks, pricing, routing, the log."""

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import telenb
from telenb.errors import ConfigurationError, MessageError
from telenb.sim.ids import is_sid
from telenb.sim.messaging import FAULTS
from telenb.sms import price, segments

from .helpers import APP, run_flow

SHOP = "+15550100"
ALICE = "+15550123"


def carrier(**kw):
    return telenb.Carrier(seed=kw.pop("seed", 3), **kw)


# -- outbound progression -------------------------------------------------------------------------
def test_outbound_message_goes_queued_sending_sent_delivered_in_virtual_time():
    c = carrier()
    msg = c.send_message("Your dress ships today", to=ALICE, from_=SHOP)
    assert msg.status == "queued" and msg.direction == "outbound-api"
    c.run()
    assert msg.history == [(0.0, "queued"), (0.2, "sending"), (0.7, "sent"), (2.2, "delivered")]
    assert is_sid(msg.sid, "message") and msg.account_sid == c.account_sid
    assert (msg.from_, msg.to, msg.final, msg.sent_at, msg.updated) == (SHOP, ALICE, True, 0.7, 2.2)


def test_every_message_carries_encoding_segments_and_a_per_segment_price():
    c = carrier()
    gsm = c.send_message("a" * 161, to=ALICE)
    ucs = c.send_message("Olá 😀", to=ALICE)
    assert (gsm.encoding, gsm.num_segments, gsm.price) == ("GSM-7", 2, Decimal("0.0158"))
    assert (ucs.encoding, ucs.num_segments, ucs.price) == ("UCS-2", 1, Decimal("0.0079"))
    assert gsm.segmentation.segments[0].capacity == 153 and gsm.price_unit == "USD"


def test_price_per_segment_is_configurable_and_checked():
    c = carrier()
    c.sms.price_per_segment = "0.05"
    c.sms.currency = "EUR"
    msg = c.send_message("x" * 200, to=ALICE)
    assert (msg.price, msg.price_unit) == (Decimal("0.10"), "EUR")
    with pytest.raises(ConfigurationError, match="non-negative"):
        c.sms.price_per_segment = -1


def test_smart_encoding_keeps_a_body_with_curly_quotes_in_gsm7():
    c = carrier()
    plain = c.send_message("It\u2019s here", to=ALICE)
    smart = c.send_message("It\u2019s here", to=ALICE, smart_encoding=True)
    assert (plain.encoding, plain.smart_encoded) == ("UCS-2", False)
    assert (smart.encoding, smart.smart_encoded, smart.body) == ("GSM-7", True, "It\u2019s here")
    assert smart.segmentation.text == "It's here"


def test_same_seed_gives_the_same_sids_and_trace():
    def once():
        c = carrier(seed=11)
        c.phone(ALICE, sms="landline")
        for to in (ALICE, "+15550124"):
            c.send_message("hello", to=to)
        c.text(SHOP, "hi")
        c.run()
        return [m.sid for m in c.messages], c.trace.to_json()

    assert once() == once()


# -- failures with Twilio's codes ------------------------------------------------------------------
@pytest.mark.parametrize("behaviour", sorted(FAULTS))
def test_each_configured_failure_has_twilios_code_and_status(behaviour):
    c = carrier()
    c.phone(ALICE, sms=behaviour)
    msg = c.send_message("hi", to=ALICE)
    c.run()
    fault = FAULTS[behaviour]
    assert (msg.status, msg.error_code, msg.error_message) == (
        fault.status,
        fault.code,
        fault.message,
    )
    if fault.status == "failed":  # never left the platform: no sending, no charge
        assert [s for _, s in msg.history] == ["queued", "failed"] and msg.price == 0
    else:
        assert [s for _, s in msg.history] == ["queued", "sending", "sent", "undelivered"]
        assert msg.price == Decimal("0.0079")


def test_known_codes_match_twilio():
    codes = {k: f.code for k, f in FAULTS.items()}
    assert codes == {
        "unreachable": 30003, "blocked": 30004, "unknown": 30005, "landline": 30006,
        "filtered": 30007, "overflow": 30001,
    }  # fmt: skip


def test_rules_match_patterns_and_the_last_added_wins():
    c = carrier()
    c.message_rule("+1555012*", "unreachable")
    c.sms_rule("+15550129", "deliver")  # the earlier name still works
    a, b, d = (c.send_message("hi", to=n) for n in ("+15550120", "+15550129", "+15550130"))
    c.run()
    assert [m.status for m in (a, b, d)] == ["undelivered", "delivered", "delivered"]
    with pytest.raises(ConfigurationError, match="landline"):
        c.message_rule("+1555*", "lanline")


def test_unconfigured_numbers_are_delivered_as_before():
    result = run_flow(lambda call: call.message("link", to="+447700900123"))
    assert [m.status for m in result.messages] == ["delivered"]


# -- status callbacks ----------------------------------------------------------------------------
def test_status_callback_gets_twilio_parameters_for_every_status_after_queued():
    c = carrier()
    c.phone(ALICE, sms="unreachable")
    seen = []
    msg = c.send_message("hi", to=ALICE, from_=SHOP, status_callback=seen.append)
    c.run()
    assert [p["MessageStatus"] for p in seen] == ["sending", "sent", "undelivered"]
    last = seen[-1]
    assert last == {
        "MessageSid": msg.sid, "SmsSid": msg.sid, "AccountSid": c.account_sid, "From": SHOP,
        "To": ALICE, "MessageStatus": "undelivered", "SmsStatus": "undelivered",
        "ApiVersion": "2010-04-01", "ErrorCode": "30003",
    }  # fmt: skip
    assert "ErrorCode" not in seen[0]


def test_url_status_callbacks_are_recorded_and_go_through_the_webhook_hook():
    c = carrier()
    posted = []
    c.sms.webhook = lambda url, params: posted.append((url, params["MessageStatus"]))
    msg = c.send_message("hi", to=ALICE, status_callback="https://example.com/sms-status")
    c.run()
    assert posted == [
        ("https://example.com/sms-status", s) for s in ("sending", "sent", "delivered")
    ]
    assert [(t, url, p["MessageStatus"]) for t, url, p in msg.callbacks][-1] == (
        2.2,
        "https://example.com/sms-status",
        "delivered",
    )


def test_a_failing_callback_is_traced_and_delivery_goes_on():
    c = carrier()
    msg = c.send_message("hi", to=ALICE, status_callback=lambda p: 1 / 0)
    c.run()
    assert msg.status == "delivered"
    errors = c.trace.errors()
    assert len(errors) == 3 and "status callback" in errors[0]["message"]


def test_a_callback_that_is_neither_callable_nor_url_is_refused():
    with pytest.raises(ConfigurationError, match="status_callback"):
        carrier().send_message("hi", to=ALICE, status_callback="example.com/cb")


# -- inbound routing ------------------------------------------------------------------------------
def test_on_message_handler_receives_inbound_and_its_replies_go_back():
    c = carrier()
    got = []

    @c.on_message(SHOP)
    def bot(msg):
        got.append(msg.webhook_params())
        return [f"echo: {msg.body}", "bye"]

    result = c.text(SHOP, "ping", from_=ALICE)
    inbound, *replies = result.messages
    assert (inbound.direction, inbound.status) == ("inbound", "received")
    assert [(m.body, m.direction, m.from_, m.to, m.status) for m in replies] == [
        ("echo: ping", "outbound-reply", SHOP, ALICE, "delivered"),
        ("bye", "outbound-reply", SHOP, ALICE, "delivered"),
    ]
    assert got[0]["Body"] == "ping" and got[0]["NumSegments"] == "1"
    assert got[0]["SmsStatus"] == "received" and got[0]["From"] == ALICE


def test_handler_takes_precedence_over_the_numbers_app_and_errors_are_traced():
    c = carrier()
    c.app(SHOP, lambda call: call.say("from the flow"))
    c.on_message(SHOP, lambda msg: 1 / 0)
    result = c.text(SHOP, "hi")
    assert result.sessions == [] and len(result.messages) == 1
    assert "message handler" in c.trace.errors()[0]["message"]


def test_inbound_to_a_number_nobody_has_is_undelivered_30005():
    c = carrier()
    [msg] = c.text("+15559999", "anyone there?").messages
    assert (msg.direction, msg.status, msg.error_code) == ("inbound", "undelivered", 30005)
    assert msg.price == 0


def test_inbound_to_a_phone_or_app_without_a_flow_is_kept_as_received():
    c = carrier()
    c.phone(ALICE)
    [msg] = c.text(ALICE, "hello").messages
    assert (msg.status, msg.error_code) == ("received", None)


def test_a_message_from_one_app_to_another_is_delivered_then_received_there():
    c = carrier()
    seen = []
    c.on_message("+15550200", seen.append)
    out = c.send_message("stock low", to="+15550200", from_=SHOP)
    c.run()
    assert out.status == "delivered"
    [inbound] = seen
    assert (inbound.direction, inbound.from_, inbound.to, inbound.body) == (
        "inbound",
        SHOP,
        "+15550200",
        "stock low",
    )
    assert inbound.sid != out.sid


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body, code, words",
    [
        ("", 21602, "empty"),
        ("   \n", 21602, "white space"),
        ("a" * 1601, 21617, "1 over the 1,600-character limit"),
        ("bad \ud800 half", None, "lone surrogate U+D800 at index 4"),
        ("tab\there", None, "U+0009 TAB at index 3"),
        (b"bytes", 21602, "decode"),
    ],
)
def test_bad_bodies_raise_message_error_at_send_time(body, code, words):
    c = carrier()
    with pytest.raises(MessageError, match=re.escape(words)) as info:
        c.send_message(body, to=ALICE)
    assert info.value.code == code
    assert len(c.messages) == 0 and len(c.trace) == 0


@pytest.mark.parametrize(
    "kw, code, words",
    [
        ({"to": "12"}, 21211, "'To' number is not valid"),
        ({"to": "+1555"}, 21211, "too short"),
        ({"to": "sip:alice@example.com"}, 21211, "cannot take SMS"),
        ({"to": ALICE, "from_": "not a number"}, 21212, "'From' number"),
    ],
)
def test_bad_numbers_raise_message_error_with_twilio_codes(kw, code, words):
    with pytest.raises(MessageError, match=re.escape(words)) as info:
        carrier().send_message("hi", **kw)
    assert info.value.code == code


def test_short_codes_are_accepted():
    msg = carrier().send_message("STOP", to="12345")
    assert msg.to == "12345"


@pytest.mark.parametrize("body", ["", " ", "\x00", "x" * 1601])
def test_a_flow_sending_a_bad_body_fails_with_the_error_in_its_trace(body):
    result = run_flow(lambda call: call.message(body, to=call.caller_id))
    assert isinstance(result.error, MessageError) and result.status == "failed"
    [err] = result.trace.errors()
    assert err["error"] == "MessageError" and err["message"] == str(result.error)
    assert result.messages == []


def test_a_flow_texting_an_impossible_number_fails_with_21211():
    result = run_flow(lambda call: call.message("hi", to="+1 555"))
    assert result.error.code == 21211 and result.status == "failed"


# -- the log --------------------------------------------------------------------------------------
def test_message_log_filters_counts_and_totals():
    c = carrier()
    c.phone(ALICE, sms="landline")
    c.send_message("hi", to=ALICE)
    c.send_message("a" * 200, to="+15550124")
    c.send_message("😀", to="+15550124", from_=SHOP)
    c.run()
    log = c.messages
    assert log.count(status="delivered") == 2 and log.count(status="undelivered") == 1
    assert [m.body for m in log.where(from_=SHOP)] == ["😀"]
    assert len(log.where(status=("delivered", "undelivered"), encoding="GSM-7")) == 2
    t = log.totals()
    assert (t.messages, t.segments, t.price, t.currency) == (3, 4, Decimal("0.0316"), "USD")
    assert t.by_status == {"undelivered": 1, "delivered": 2}
    assert t.by_encoding == {"GSM-7": 2, "UCS-2": 1}
    assert log.find(log[1].sid[:12]) is log[1]
    assert isinstance(log[1:], type(log)) and log.to_list()[0]["error_code"] == 30006
    with pytest.raises(KeyError, match="no message"):
        log.find("SMnope")


def test_message_log_text_and_html_tables():
    c = carrier()
    c.phone(ALICE, sms="filtered")
    c.send_message("Sale <today> only", to=ALICE)
    c.run()
    text = repr(c.messages)
    assert text.splitlines()[0].split() == [
        "sid", "from", "to", "direction", "status", "segs", "encoding", "price", "error", "body",
    ]  # fmt: skip
    assert "undelivered" in text and "30007" in text
    assert text.endswith("total: 1 message, 1 segment, estimated 0.0079 USD (1 undelivered)")
    html = c.messages._repr_html_()
    assert "<table class='telenb-messages'>" in html and "Sale &lt;today&gt; only" in html
    assert repr(telenb.Carrier().messages) == "<MessageLog: no messages>"


def test_trace_summaries_say_what_happened_to_a_message():
    c = carrier()
    c.phone(ALICE, sms="landline")
    c.send_message("hello", to=ALICE, from_=SHOP)
    c.run()
    lines = [e.summary() for e in c.trace]
    assert lines[0].endswith('queued +15550100 -> +15550123  "hello"  (GSM-7, 1 segment)')
    assert lines[1].endswith("sending +15550100 -> +15550123")
    assert lines[-1].endswith("undelivered +15550100 -> +15550123  error 30006: Landline or "
                              "unreachable carrier")  # fmt: skip


def test_messages_from_a_voice_flow_belong_to_the_call():
    def flow(call):
        call.say("I'll text you a link.")
        call.message("https://shop.example/red", to=call.caller_id)

    result = run_flow(flow, seed=5)
    [msg] = result.messages
    assert (msg.direction, msg.call_sid, msg.from_) == ("outbound-call", result.sid, APP)
    assert msg.status == "delivered" and "bubble" in msg._repr_html_()
    assert "+15550100 -> +15550199 delivered GSM-7 1 segment" in repr(msg)


def _sendable(body: str) -> bool:
    try:
        segments(body)
    except MessageError:
        return False
    return bool(body.strip())


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(st.characters(codec="utf-8"), min_size=1, max_size=400).filter(_sendable),
    per_segment=st.decimals(min_value=0, max_value=1, places=4),
)
def test_every_message_agrees_with_telenb_sms(body, per_segment):
    c = carrier()
    c.sms.price_per_segment = per_segment
    msg = c.send_message(body, to=ALICE)
    seg = segments(body)
    assert (msg.encoding, msg.num_segments) == (seg.encoding, seg.num_segments)
    assert msg.price == price(seg, per_segment).total == per_segment * seg.num_segments
    c.run()
    assert msg.status == "delivered" and c.messages.totals().segments == seg.num_segments
