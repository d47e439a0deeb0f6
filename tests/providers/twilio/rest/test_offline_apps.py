"""An app's own `twilio.rest.Client`, built the way real apps build it, runs offline."""

from __future__ import annotations

import sys
import textwrap

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

import telenb
from telenb.errors import ConfigurationError
from telenb.providers.twilio import offline, twilio_account

APP = """
import os
from twilio.rest import Client

client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])

def remind(to):
    return client.messages.create(to=to, from_="+15550100", body="Reminder: your dress is ready")
"""


@pytest.fixture
def carrier():
    c = telenb.Carrier(seed=3)
    twilio_account(c).add_number("+15550100")
    return c


@pytest.fixture
def app_module(tmp_path, monkeypatch):
    """A module that builds its client from the environment when imported."""
    (tmp_path / "reminder_app.py").write_text(APP)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "reminder_app"
    sys.modules.pop("reminder_app", None)


def test_a_client_built_from_the_environment_at_import_reaches_the_carrier(carrier, app_module):
    with offline(carrier):
        app = __import__(app_module)
        msg = app.remind("+15550123")
    carrier.run()
    assert msg.sid.startswith("SM") and msg.status == "queued"
    (sent,) = carrier.messages
    assert (sent.sid, sent.to, sent.body) == (msg.sid, "+15550123", "Reminder: your dress is ready")
    assert sent.status == "delivered"


def test_a_client_made_before_with_the_apps_own_credentials_is_mapped(carrier, monkeypatch):
    real_sid, real_token = "AC" + "1" * 32, "f" * 32
    early = Client(real_sid, real_token)  # e.g. created at import, before the test
    with offline(carrier, credentials={real_sid: real_token}):
        call = early.calls.create(to="+15550123", from_="+15550100", twiml="<Response/>")
        assert call.account_sid == carrier.account_sid
    assert call.sid.startswith("CA") and carrier.legs[0].sid == call.sid


def test_wrong_credentials_fail_as_on_twilio_and_nothing_leaks_out(carrier):
    original = TwilioHttpClient.request
    with offline(carrier):
        stranger = Client("AC" + "2" * 32, "0" * 32)
        with pytest.raises(TwilioRestException) as err:
            stranger.messages.create(to="+15550123", from_="+15550100", body="hi")
        assert err.value.status == 401 and err.value.code == 20003
    assert TwilioHttpClient.request is original  # restored
    assert "TWILIO_AUTH_TOKEN" not in repr(offline(carrier))


def test_api_keys_and_the_environment_are_restored(carrier, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACmine")
    key, secret = "SK" + "3" * 32, "s" * 32

    @offline(carrier, api_keys={key: secret})
    def send():
        import os

        assert os.environ["TWILIO_ACCOUNT_SID"] == carrier.account_sid
        client = Client(key, secret, carrier.account_sid)
        return client.messages.create(to="+15550123", from_="+15550100", body="via key")

    assert send().body == "via key"
    import os

    assert os.environ["TWILIO_ACCOUNT_SID"] == "ACmine"


def test_mappings_must_name_the_right_kind_of_sid(carrier):
    with pytest.raises(ConfigurationError, match="Account SIDs"):
        offline(carrier, credentials={"SKx": "y"})
    with pytest.raises(ConfigurationError, match="API key SIDs"):
        offline(carrier, api_keys={"ACx": "y"})


def test_the_pytest_fixture_runs_an_apps_client_offline(pytester):
    pytester.makepyfile(
        textwrap.dedent(
            """
            import os
            from twilio.rest import Client
            from telenb.providers.twilio import twilio_account

            def test_texts(twilio_offline):
                twilio_account(twilio_offline.carrier).add_number("+15550100")
                client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
                client.messages.create(to="+15550123", from_="+15550100", body="hello")
                assert [m.body for m in twilio_offline.carrier.messages] == ["hello"]
            """
        )
    )
    result = pytester.runpytest_subprocess("-q")  # the plugin loads from its entry point
    result.assert_outcomes(passed=1)
