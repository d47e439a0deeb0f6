"""Messaging Services with a number pool: MessagingServiceSid on Messages create picks the
sender (sticky per recipient, then by country), through the real SDK."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

import telenb
from telenb.providers.twilio import offline_client


@pytest.fixture
def carrier():
    return telenb.Carrier(seed=31)


def test_a_service_sends_from_its_pool(carrier):
    client = offline_client(carrier)
    us = client.incoming_phone_numbers.create(phone_number="+14155550100")
    uk = client.incoming_phone_numbers.create(phone_number="+442079460958")
    service = client.messaging.v1.services.create(friendly_name="Reminders")
    assert service.sid.startswith("MG") and service.friendly_name == "Reminders"
    pool = client.messaging.v1.services(service.sid).phone_numbers
    assert pool.create(phone_number_sid=uk.sid).phone_number == "+442079460958"
    pool.create(phone_number_sid=us.sid)
    assert [n.phone_number for n in pool.list()] == ["+442079460958", "+14155550100"]
    to_us = client.messages.create(to="+15550123", messaging_service_sid=service.sid, body="a")
    to_uk = client.messages.create(to="+447700900123", messaging_service_sid=service.sid, body="b")
    assert (to_us.from_, to_us.messaging_service_sid) == ("+14155550100", service.sid)
    assert to_uk.from_ == "+442079460958"
    pool(uk.sid).delete()
    again = client.messages.create(to="+447700900123", messaging_service_sid=service.sid, body="c")
    assert again.from_ == "+14155550100"  # the sticky sender left the pool
    assert client.messages(to_us.sid).fetch().messaging_service_sid == service.sid
    with pytest.raises(TwilioRestException) as err:
        pool.create(phone_number_sid="PN" + "0" * 32)
    assert (err.value.status, err.value.code) == (400, 21421)


@pytest.mark.parametrize(
    ("sid", "code"), [("MG" + "0" * 32, 21701), ("XX123", 21705), ("empty", 21704)]
)
def test_messaging_service_errors(carrier, sid, code):
    client = offline_client(carrier)
    if sid == "empty":
        sid = client.messaging.v1.services.create(friendly_name="Empty").sid
    with pytest.raises(TwilioRestException) as err:
        client.messages.create(to="+15550123", messaging_service_sid=sid, body="x")
    assert (err.value.status, err.value.code) == (400, code)
