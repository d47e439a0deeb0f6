"""TwiML Applications, AvailablePhoneNumbers and buying a number, through the real SDK,
against Twilio's documented parameters (twilio.com/docs/usage/api/applications,
.../phone-numbers/api/availablephonenumberlocal-resource); and an unmodified call-tracking
app that buys its numbers through a TwiML Application."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

import telenb
from telenb.providers.twilio import offline, offline_client, twilio_account

ORIGIN = "https://tracking.example"
FORWARD = "<Response><Say>Thanks for calling.</Say></Response>"


@pytest.fixture
def carrier():
    return telenb.Carrier(seed=11)


@pytest.fixture
def client(carrier):
    return offline_client(carrier)


def test_applications_create_fetch_list_update_delete(client, carrier):
    made = client.applications.create(
        friendly_name="Tracking", voice_url=f"{ORIGIN}/voice", voice_method="GET",
        sms_url=f"{ORIGIN}/sms",
    )  # fmt: skip
    assert made.sid.startswith("AP") and len(made.sid) == 34
    assert (made.friendly_name, made.voice_url, made.voice_method) == (
        "Tracking", f"{ORIGIN}/voice", "GET")  # fmt: skip
    assert (made.sms_url, made.sms_method, made.voice_fallback_url) == (
        f"{ORIGIN}/sms",
        "POST",
        None,
    )
    assert made.account_sid == carrier.account_sid and made.uri.endswith(f"/{made.sid}.json")
    other = client.applications.create(friendly_name="Other")
    assert [a.sid for a in client.applications.list()] == [other.sid, made.sid]  # newest first
    assert [a.sid for a in client.applications.list(friendly_name="Tracking")] == [made.sid]
    assert [a.sid for a in client.applications.list(page_size=1, limit=5)] == [other.sid, made.sid]
    changed = client.applications(made.sid).update(voice_url=f"{ORIGIN}/v2")
    assert changed.voice_url == f"{ORIGIN}/v2" and changed.voice_method == "GET"
    assert client.applications(made.sid).fetch().voice_url == f"{ORIGIN}/v2"
    assert client.applications(other.sid).delete() is True
    with pytest.raises(TwilioRestException) as err:
        client.applications(other.sid).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as err:
        client.applications.create(friendly_name="x", voice_method="PUT")
    assert (err.value.status, err.value.code) == (400, 21209)


def test_a_number_with_a_voice_application_is_answered_by_its_url(client, carrier):
    acct = twilio_account(carrier)
    acct.web.mount(ORIGIN, {"/voice": FORWARD, "/v2": "<Response><Say>Moved.</Say></Response>"})
    ap = client.applications.create(friendly_name="Tracking", voice_url=f"{ORIGIN}/voice")
    number = client.incoming_phone_numbers.create(
        phone_number="+14155550100", voice_application_sid=ap.sid
    )
    assert number.voice_application_sid == ap.sid and number.voice_url is None
    result = carrier.call("+14155550100", caller="wait: 3s")
    assert result.trace.said() == ["Thanks for calling."]
    client.applications(ap.sid).update(voice_url=f"{ORIGIN}/v2")  # every number follows
    assert carrier.call("+14155550100", caller="wait: 3s").trace.said() == ["Moved."]
    with pytest.raises(TwilioRestException) as err:
        client.incoming_phone_numbers(number.sid).update(voice_application_sid="AP" + "0" * 32)
    assert (err.value.status, err.value.code) == (400, 21218)


def test_application_sid_on_calls_create_runs_the_applications_twiml(client, carrier):
    acct = twilio_account(carrier)
    acct.add_number("+15550100")
    acct.web.mount(ORIGIN, {"/voice": FORWARD, "/status": ""})
    carrier.phone("+15550123", script="wait: 5s")
    ap = client.applications.create(voice_url=f"{ORIGIN}/voice", status_callback=f"{ORIGIN}/status")
    call = client.calls.create(to="+15550123", from_="+15550100", application_sid=ap.sid)
    carrier.run()
    assert client.calls(call.sid).fetch().status == "completed"
    hooks = [(e["url"], e["purpose"]) for e in carrier.trace.filter("webhook", call.sid)]
    assert hooks[0][0] == f"{ORIGIN}/voice"
    assert hooks[-1] == (f"{ORIGIN}/status", "callback:completed")  # the application's
    with pytest.raises(TwilioRestException) as err:
        client.calls.create(to="+15550123", from_="+15550100", application_sid="AP" + "1" * 32)
    assert (err.value.status, err.value.code, err.value.msg.split(": ")[-1]) == (
        400, 21218, "Invalid ApplicationSid")  # fmt: skip


def test_sms_application_sid_routes_texts_to_the_applications_sms_url(client, carrier):
    acct = twilio_account(carrier)
    reply = "<Response><Message>Got it</Message></Response>"
    acct.web.mount(ORIGIN, {"/sms": reply})
    ap = client.applications.create(sms_url=f"{ORIGIN}/sms")
    client.incoming_phone_numbers.create(phone_number="+14155550101", sms_application_sid=ap.sid)
    carrier.send_message("hello", to="+14155550101", from_="+15550123")
    carrier.run()
    hooks = [e for e in carrier.trace.filter("webhook") if e["purpose"] == "sms"]
    assert [e["url"] for e in hooks] == [f"{ORIGIN}/sms"]
    assert [m.body for m in carrier.messages if m.to == "+15550123"] == ["Got it"]


def test_available_local_numbers_with_twilios_filters(client, carrier):
    local = client.available_phone_numbers("US").local
    sf = local.list(area_code="415", limit=3)
    assert [n.phone_number for n in sf] == ["+14155550100", "+14155550101", "+14155550102"]
    first = sf[0]
    assert (first.friendly_name, first.locality, first.region, first.iso_country) == (
        "(415) 555-0100", "San Francisco", "CA", "US")  # fmt: skip
    assert first.capabilities == {"MMS": True, "SMS": True, "voice": True, "fax": False}
    ny = local.list(in_region="NY")
    assert ny and {n.region for n in ny} == {"NY"}
    assert {n.phone_number[2:5] for n in ny} == {"212", "646", "718"}
    assert [n.phone_number for n in local.list(contains="510555019*")] == [
        f"+1510555019{d}" for d in range(10)
    ]
    assert [n.phone_number for n in local.list(area_code="415", contains="JKL0199")] == [
        "+14155550199"  # letters are keypad digits: JKL = 555
    ]
    assert local.list(area_code="999") == []
    with pytest.raises(TwilioException, match=r'HTTP 400 .*"code": 21451'):
        local.list(area_code="41")
    client.incoming_phone_numbers.create(phone_number="+14155550100")  # bought: not offered
    assert local.list(area_code="415", limit=1)[0].phone_number == "+14155550101"


def test_toll_free_and_mobile_numbers(client):
    toll = client.available_phone_numbers("US").toll_free.list(area_code="888", limit=2)
    assert [n.phone_number for n in toll] == ["+18885550100", "+18885550101"]
    assert toll[0].locality is None and toll[0].region is None
    mobile = client.available_phone_numbers("GB").mobile.list(limit=1)
    assert [n.phone_number for n in mobile] == ["+447700900100"]
    with pytest.raises(TwilioException, match="HTTP 404"):  # the SDK's error for a list
        client.available_phone_numbers("US").mobile.list()
    country = client.available_phone_numbers("US").fetch()
    assert country.country_code == "US" and "Local" in country.subresource_uris


EXAMPLE = Path(__file__).resolve().parents[4] / "examples"


def test_the_call_tracking_app_runs_unmodified(carrier, monkeypatch):
    """The app builds its Client from the environment at import, finds or creates its TwiML
    Application, buys a tracking number in an area code with it, and logs each call."""
    monkeypatch.syspath_prepend(str(EXAMPLE.parent))
    carrier.phone("+15550123", script="say: Dress shop, how can I help; wait: 2s")
    with offline(carrier):
        sys.modules.pop("examples.twilio_call_tracking", None)
        tracking = importlib.import_module("examples.twilio_call_tracking")
        try:
            twilio_account(carrier).web.mount(ORIGIN, tracking.app)
            web = tracking.app.test_client()
            offers = web.get("/available-numbers?area_code=415").get_json()
            assert offers[0] == {"number": "+14155550100", "locality": "San Francisco"}
            source = {"area_code": "415", "forwarding_number": "+15550123"}
            bought = web.post("/lead-sources", data={**source, "name": "Billboard"})
            radio = web.post("/lead-sources", data={**source, "name": "Radio"})
            assert bought.status_code == 201 and radio.status_code == 201
            billboard, radio_no = bought.get_json()["number"], radio.get_json()["number"]
            assert (billboard, radio_no) == ("+14155550100", "+14155550101")
            client = tracking.client
            (ap,) = client.applications.list()
            assert ap.friendly_name == "Call tracking app"  # created once, then found
            numbers = client.incoming_phone_numbers.list()
            assert {n.voice_application_sid for n in numbers} == {ap.sid}
            result = carrier.call(billboard, caller="wait: 6s", from_="+12125550142")
            carrier.call(radio_no, caller="wait: 6s", from_="+12125550143")
            carrier.call(billboard, caller="wait: 6s", from_="+12125550144")
            forwarded = [leg for leg in carrier.legs if leg.parent is result.leg]
            assert [(leg.to, leg.status) for leg in forwarded] == [("+15550123", "completed")]
            assert web.get("/statistics").get_json() == {"Billboard": 2, "Radio": 1}
            assert [lead.phone_number for lead in tracking.LEADS] == [
                "+12125550142", "+12125550143", "+12125550144"]  # fmt: skip
        finally:
            sys.modules.pop("examples.twilio_call_tracking", None)
