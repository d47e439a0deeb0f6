"""pytest fixtures for testing Twilio apps offline (loaded as the `telenb_twilio` plugin).

def test_reminder_texts_the_customer(twilio_offline):
    myapp.send_reminder("+15550123")              # the app's own twilio Client
    assert twilio_offline.carrier.messages[-1].body.startswith("Reminder")
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ....sim.carrier import Carrier
from .sdk import offline


@pytest.fixture
def twilio_carrier() -> Any:
    """The carrier `twilio_offline` wires clients to: a fresh `Carrier(seed=0)`. Override
    this fixture to give your own (with its numbers and apps)."""

    return Carrier(seed=0)


@pytest.fixture
def twilio_offline(twilio_carrier: Any) -> Iterator[offline]:
    """Every `twilio.rest.Client` wired to `twilio_carrier` for the test, and the TWILIO_*
    environment set to its account; `.carrier` and `.account` are at hand."""
    with offline(twilio_carrier) as active:
        yield active
