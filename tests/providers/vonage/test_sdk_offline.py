"""The vonage SDK offline: its requests reach the simulated carrier through a transport
adapter; the JWT the SDK signs is verified with the application's public key."""

import pytest

vonage = pytest.importorskip("vonage", reason="the vonage extra is not installed")

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

import telenb  # noqa: E402
from telenb.providers.vonage.rest.offline import offline  # noqa: E402

APP_ID = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"


def keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def client_and_carrier():
    private, public = keys()
    client = vonage.Vonage(vonage.Auth(application_id=APP_ID, private_key=private))
    carrier = telenb.Carrier(seed=3)
    carrier.phone("+15550123", script="")
    return client, carrier, offline(client, carrier, public_key=public)


def test_create_call_runs_the_ncco_on_the_carrier_with_a_signed_jwt():
    from vonage_voice import CreateCallRequest

    client, carrier, adapter = client_and_carrier()
    response = client.voice.create_call(
        CreateCallRequest(
            to=[{"type": "phone", "number": "15550123"}],
            from_={"type": "phone", "number": "15550100"},
            ncco=[{"action": "talk", "text": "Your order has shipped"}],
        )
    )
    seen = adapter.requests[0]
    assert (seen.method, seen.path) == ("POST", "/v1/calls")
    assert seen.body["to"] == [{"type": "phone", "number": "15550123"}]
    assert seen.body["ncco"] == [{"action": "talk", "text": "Your order has shipped"}]
    assert seen.claims["application_id"] == APP_ID and seen.claims["exp"] > seen.claims["iat"]
    assert response.status == "started" and response.direction == "outbound"
    said = [e["text"] for e in carrier.trace if e.kind == "say"]
    assert said == ["Your order has shipped"]


def test_messages_sms_and_an_unsigned_request_is_refused():
    from vonage_messages import Sms

    client, carrier, adapter = client_and_carrier()
    out = client.messages.send(Sms(to="15550123", from_="15550100", text="Hi from the SDK"))
    seen = adapter.requests[-1]
    assert seen.body == {
        "to": "15550123", "from": "15550100", "text": "Hi from the SDK",
        "channel": "sms", "message_type": "text",
    }  # fmt: skip
    assert out.message_uuid
    assert [m.body for m in carrier.messages] == ["Hi from the SDK"]
    _, other_public = keys()
    adapter.public_key = other_public
    from vonage_http_client.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        client.messages.send(Sms(to="15550123", from_="15550100", text="again"))
    assert [m.body for m in carrier.messages] == ["Hi from the SDK"]
