"""Lookups v2 (validity and formats from phonenumbers) and Verify v2 (a code texted on the
carrier, then checked), through the real SDK."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

import telenb
from telenb.providers.twilio import offline, offline_client


@pytest.fixture
def carrier():
    return telenb.Carrier(seed=29)


@pytest.mark.parametrize(
    ("number", "country", "valid", "errors", "e164", "national", "cc"),
    [
        ("+14155550100", None, True, [], "+14155550100", "(415) 555-0100", "US"),
        ("(212) 555-0142", "US", True, [], "+12125550142", "(212) 555-0142", "US"),
        ("020 7946 0958", "GB", True, [], "+442079460958", "020 7946 0958", "GB"),
        ("+1415", None, False, ["TOO_SHORT"], "+1415", None, None),
        ("+44770090012", None, False, ["INVALID_BUT_POSSIBLE"], "+44770090012", None, None),
        ("hello", None, False, ["NOT_A_NUMBER"], "hello", None, None),
        ("+9991234567", None, False, ["INVALID_COUNTRY_CODE"], "+9991234567", None, None),
    ],
)
def test_lookup_v2_validity_and_formats(carrier, number, country, valid, errors, e164,
                                        national, cc):  # fmt: skip
    phone_numbers = offline_client(carrier).lookups.v2.phone_numbers(number)
    got = phone_numbers.fetch(country_code=country) if country else phone_numbers.fetch()
    assert (got.valid, got.validation_errors, got.phone_number) == (valid, errors, e164)
    assert (got.national_format, got.country_code) == (national, cc)
    assert got.line_type_intelligence is None and got.caller_name is None  # not requested


def test_verify_texts_a_code_and_checks_it(carrier):
    client = offline_client(carrier)
    service = client.verify.v2.services.create(friendly_name="Dress Shop")
    assert service.sid.startswith("VA") and service.code_length == 6
    sent = client.verify.v2.services(service.sid).verifications.create(
        to="+15550123", channel="sms"
    )
    assert (sent.status, sent.valid, sent.to, sent.channel) == (
        "pending",
        False,
        "+15550123",
        "sms",
    )
    carrier.run()
    (text,) = carrier.messages
    assert text.to == "+15550123" and text.status == "delivered"
    assert text.body.startswith("Your Dress Shop verification code is: ")
    code = text.body.rsplit(" ", 1)[1]
    assert len(code) == 6 and code.isdigit()
    checks = client.verify.v2.services(service.sid).verification_checks
    wrong = "0" * 6 if code != "0" * 6 else "1" * 6
    assert checks.create(to="+15550123", code=wrong).status == "pending"
    ok = checks.create(to="+15550123", code=code)
    assert (ok.status, ok.valid, ok.sid) == ("approved", True, sent.sid)
    with pytest.raises(TwilioRestException) as err:  # nothing pending any more
        checks.create(to="+15550123", code=code)
    assert (err.value.status, err.value.code) == (404, 20404)


def test_verify_limits_checks_and_expires_codes(carrier):
    client = offline_client(carrier)
    service = client.verify.v2.services.create(friendly_name="Shop", code_length=4)
    v = client.verify.v2.services(service.sid)
    v.verifications.create(to="+15550123", channel="sms")
    for _ in range(5):
        assert v.verification_checks.create(to="+15550123", code="xxxx").status == "pending"
    with pytest.raises(TwilioRestException) as err:
        v.verification_checks.create(to="+15550123", code="xxxx")
    assert (err.value.status, err.value.code) == (429, 60202)
    v.verifications.create(to="+15550124", channel="sms")
    carrier.run(until=carrier.clock.now + 601)
    code = carrier.messages[-1].body.rsplit(" ", 1)[1]
    with pytest.raises(TwilioRestException) as err:
        v.verification_checks.create(to="+15550124", code=code)
    assert err.value.status == 404


def test_an_apps_own_client_verifies_offline(carrier):
    with offline(carrier):
        from twilio.rest import Client

        client = Client()
        service = client.verify.v2.services.create(friendly_name="Login")
        client.verify.v2.services(service.sid).verifications.create(to="+15550123", channel="sms")
        with pytest.raises(TwilioRestException) as err:  # wrong credentials on verify too
            Client("AC" + "5" * 32, "x" * 32).verify.v2.services(service.sid).fetch()
        assert (err.value.status, err.value.code) == (401, 20003)
    assert carrier.messages[-1].body.startswith("Your Login verification code is: ")
