"""pytest fixtures for testing Twilio apps offline (loaded as the `telenb_twilio` plugin).

def test_reminder_texts_the_customer(twilio_offline):
    myapp.send_reminder("+15550123")              # the app's own twilio Client
    assert twilio_offline.carrier.messages[-1].body.startswith("Reminder")
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .sdk import offline


@pytest.fixture
def twilio_offline() -> Iterator[offline]:
    """A fresh simulated carrier (seed 0) with every `twilio.rest.Client` wired to it and the
    TWILIO_* environment set to its account; `.carrier` and `.account` are at hand."""
    from ....sim.carrier import Carrier

    with offline(Carrier(seed=0)) as active:
        yield active
