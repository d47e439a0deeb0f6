"""offline(carrier)'s scope: nested carriers, clients made inside used after the exit,
exceptions, API keys made through the Keys resource, and Twilio's 401 for wrong ones."""

from __future__ import annotations

import pytest
from twilio.base.client_base import ClientBase
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

import telenb
from telenb.providers.twilio import offline, twilio_account


def carrier(seed: int):
    c = telenb.Carrier(seed=seed)
    twilio_account(c).add_number("+15550100")
    return c


def text(client: Client, body: str):
    return client.messages.create(to="+15550123", from_="+15550100", body=body)


def test_nested_uses_reach_the_innermost_carrier_and_unwind_in_order():
    outer, inner = carrier(1), carrier(2)
    with offline(outer):
        first = Client()  # from the environment: the outer account
        with offline(inner):
            second = Client()
            text(second, "inner")
            with pytest.raises(TwilioRestException) as err:  # outer's credentials, inner carrier
                text(first, "outer's client inside")
            assert (err.value.status, err.value.code) == (401, 20003)
        text(first, "outer")
    assert [m.body for m in inner.messages] == ["inner"]
    assert [m.body for m in outer.messages] == ["outer"]


def test_everything_is_restored_after_an_exception():
    request, init = TwilioHttpClient.__dict__["request"], ClientBase.__dict__["__init__"]
    c = carrier(3)
    with pytest.raises(RuntimeError), offline(c), offline(c):
        raise RuntimeError("the app failed")
    assert TwilioHttpClient.__dict__["request"] is request
    assert ClientBase.__dict__["__init__"] is init


def test_a_client_made_inside_goes_back_to_the_network_after_the_exit(monkeypatch):
    sent = []

    def network(self, method, url, *args, **kwargs):  # stands in for the real network
        sent.append(url)
        raise ConnectionError("no network in tests")

    monkeypatch.setattr(TwilioHttpClient, "request", network)
    c = carrier(4)
    with offline(c):
        made_inside = Client()
        text(made_inside, "offline")
    assert [m.body for m in c.messages] == ["offline"] and sent == []
    with pytest.raises(ConnectionError):
        text(made_inside, "after")
    assert len(sent) == 1 and sent[0].startswith("https://api.twilio.com/2010-04-01/Accounts/")
    assert len(c.messages) == 1


def test_keys_made_through_the_rest_api_authenticate_until_deleted():
    c = carrier(5)
    acct = twilio_account(c)
    with offline(c):
        admin = Client()
        key = admin.new_keys.create(friendly_name="reminders")
        assert key.sid.startswith("SK") and len(key.secret) == 32
        app_client = Client(key.sid, key.secret, acct.account_sid)  # as Twilio's docs show
        assert text(app_client, "via key").account_sid == acct.account_sid
        listed = admin.keys.list()
        assert [(k.sid, k.friendly_name) for k in listed] == [(key.sid, "reminders")]
        assert admin.keys(key.sid).fetch().friendly_name == "reminders"
        assert admin.keys(key.sid).update(friendly_name="sms").friendly_name == "sms"
        assert admin.keys(key.sid).delete() is True
        with pytest.raises(TwilioRestException) as err:
            text(app_client, "after delete")
        assert (err.value.status, err.value.code) == (401, 20003)
        assert err.value.msg == "Unable to create record: Authenticate"  # the SDK's wording
        with pytest.raises(TwilioRestException) as err:
            admin.keys(key.sid).fetch()
        assert err.value.status == 404 and err.value.code == 20404


def test_wrong_credentials_get_twilios_401_body_and_challenge():
    c = carrier(6)
    with offline(c) as active:
        stranger = Client("AC" + "9" * 32, "0" * 32)
        with pytest.raises(TwilioRestException):
            text(stranger, "hi")
        response = active.client._test_only_last_response
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'
    import json

    assert json.loads(response.text) == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert len(c.messages) == 0


def test_a_decorated_function_may_call_itself():
    c = carrier(7)
    guard = offline(c)

    @guard
    def send(n: int) -> None:
        text(Client(), f"n={n}")
        if n:
            send(n - 1)

    send(2)
    assert [m.body for m in c.messages] == ["n=2", "n=1", "n=0"]
    assert TwilioHttpClient.__dict__["request"].__name__ == "request"


def test_the_fixture_takes_the_projects_own_carrier(pytester):
    pytester.makepyfile(
        """
        import pytest
        import telenb
        from twilio.rest import Client
        from telenb.providers.twilio import twilio_account

        @pytest.fixture
        def twilio_carrier():
            carrier = telenb.Carrier(seed=42)
            twilio_account(carrier).add_number("+15550100")
            return carrier

        def test_texts(twilio_offline):
            assert twilio_offline.carrier.seed == 42
            Client().messages.create(to="+15550123", from_="+15550100", body="hi")
            assert [m.body for m in twilio_offline.carrier.messages] == ["hi"]
        """
    )
    pytester.runpytest("-q").assert_outcomes(passed=1)  # the plugin this session loaded


def test_subaccounts_have_their_own_credentials_and_the_parent_reaches_them():
    c = carrier(8)
    acct = twilio_account(c)
    with offline(c):
        parent = Client()
        sub = parent.api.accounts.create(friendly_name="Customer 1")
        assert sub.sid.startswith("AC") and sub.sid != acct.account_sid
        assert (sub.owner_account_sid, sub.status, sub.friendly_name) == (
            acct.account_sid, "active", "Customer 1")  # fmt: skip
        assert len(sub.auth_token) == 32  # shown at creation
        assert [a.sid for a in parent.api.accounts.list()] == [acct.account_sid, sub.sid]
        own = Client(sub.sid, sub.auth_token)
        assert own.api.accounts(sub.sid).fetch().friendly_name == "Customer 1"
        msg = own.messages.create(to="+15550123", from_="+15550100", body="from the sub")
        assert msg.account_sid == sub.sid and sub.sid in msg.uri
        via_parent = Client(acct.account_sid, acct.auth_token, sub.sid)
        assert via_parent.messages(msg.sid).fetch().body == "from the sub"
        with pytest.raises(TwilioRestException) as err:  # sub credentials on the parent
            Client(sub.sid, sub.auth_token).api.accounts(acct.account_sid).fetch()
        assert (err.value.status, err.value.code) == (401, 20003)
        parent.api.accounts(sub.sid).update(status="suspended")
        with pytest.raises(TwilioRestException) as err:
            own.messages.create(to="+15550123", from_="+15550100", body="suspended")
        assert (err.value.status, err.value.code) == (401, 20003)
    assert [m.body for m in c.messages] == ["from the sub"]
