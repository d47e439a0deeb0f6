"""Transfer a call (POST Call/{uuid}/, the SDK's calls.update / calls.transfer) and MMS
(type mms with media_urls) through the plivo SDK offline.

What plivo/plivo-examples-python taught (voice/transfer_api.py, run here in our own words):
a GetDigits with redirect=false posts the key to its action, whose handler calls
``client.calls.transfer(legs="aleg", aleg_url=..., call_uuid=CallUUID)`` with the CallUUID
of the webhook; Plivo answers ``{"message": "call transfered", "api_id": ...}`` and the call
then runs the XML of aleg_url.
"""

from __future__ import annotations

import pytest

plivo = pytest.importorskip("plivo", reason="plivo SDK not installed")
from plivo import exceptions  # noqa: E402

import telenb  # noqa: E402
from telenb.providers.plivo import offline_client  # noqa: E402

APP, CUSTOMER, AGENT = "+15550100", "+15550123", "+15550124"
ORIGIN = "https://15550100.plivo.test"


def shop(carrier, client_box: list, answers: list):
    def answer(req):
        return (
            "<Response><GetDigits action='/transfer_action' method='POST' numDigits='1' "
            "timeout='7' redirect='false'><Speak>Press 1 to transfer this call</Speak>"
            "</GetDigits><Wait length='10'/><Speak>Input not received</Speak></Response>"
        )

    def transfer_action(req):
        if req.get("Digits") == "1":
            answers.append(client_box[0].calls.transfer(
                legs="aleg", aleg_url=f"{ORIGIN}/connect", call_uuid=req["CallUUID"]))  # fmt: skip
        return "<Response/>"

    def connect(req):
        return "<Response><Speak>Connecting your call</Speak></Response>"

    return {"/answer": answer, "/transfer_action": transfer_action, "/connect": connect}


def test_a_key_transfers_the_a_leg_to_new_xml():
    """Transfer a call: legs "aleg" (the default) transfers call_uuid to aleg_url (fetched
    with aleg_method, POST by default); the answer is "call transfered"; the verbs left in
    the old XML do not run."""
    carrier = telenb.Carrier(seed=12)
    client = offline_client(carrier)
    answers: list = []
    carrier.app(APP, plivo=shop(carrier, [client], answers), url="/answer")
    result = carrier.call(APP, caller="press: 1")
    (reply,) = answers
    assert reply.message == "call transfered" and reply.api_id
    said = result.trace.said()
    assert said[-1] == "Connecting your call" and "Input not received" not in said
    method, path, body = client.offline.requests[-1]
    assert (method, body["legs"], body["aleg_url"]) == ("POST", "aleg", f"{ORIGIN}/connect")
    assert path.endswith("/Call/" + path.rstrip("/").rsplit("/", 1)[-1] + "/")
    fetched = [e["url"] for e in result.trace.filter("webhook")]
    assert f"{ORIGIN}/connect" in fetched


def bridged():
    carrier = telenb.Carrier(seed=12)
    client = offline_client(carrier)
    app = {
        "/answer": "<Response><Dial><Number>15550124</Number></Dial></Response>",
        "/agent": "<Response><Speak>Agent, the caller has left</Speak></Response>",
        "/caller": "<Response><Speak>Please hold for a supervisor</Speak></Response>",
    }
    carrier.app(APP, plivo=app, url="/answer")
    carrier.phone(AGENT, script="wait: 60s")
    return carrier, client


def test_both_legs_are_transferred_to_their_own_urls():
    """legs "both" transfers call_uuid to aleg_url and its bridged leg to bleg_url."""
    carrier, client = bridged()
    replies = []

    def transfer():
        [uuid] = [u for u in client.live_calls.list_ids().calls
                  if client.live_calls.get(u).direction == "inbound"]  # fmt: skip
        urls = {"aleg_url": f"{ORIGIN}/caller", "bleg_url": f"{ORIGIN}/agent"}
        replies.append(client.calls.update(uuid, legs="both", **urls))

    carrier.clock.schedule(15, transfer)
    result = carrier.call(APP, caller="wait: 40s")
    assert replies[0].message == "call transfered"
    said = result.trace.said()
    assert "Please hold for a supervisor" in said and "Agent, the caller has left" in said


def test_bleg_without_a_bridged_call_and_a_missing_url_are_refused():
    """bleg transfers "the bridged leg (if found)"; legs aleg or both need aleg_url."""
    carrier = telenb.Carrier(seed=12)
    client = offline_client(carrier)
    carrier.app(APP, plivo={"/answer": "<Response><Wait length='30'/></Response>"}, url="/answer")
    errors: list = []

    def attempt():
        [uuid] = client.live_calls.list_ids().calls
        for kwargs in ({"legs": "bleg", "bleg_url": f"{ORIGIN}/x"}, {"legs": "aleg"}):
            try:
                client.calls.update(uuid, **kwargs)
            except exceptions.PlivoRestError as exc:
                errors.append(type(exc).__name__)

    carrier.clock.schedule(5, attempt)
    result = carrier.call(APP, caller="wait: 20s")
    assert errors == ["ResourceNotFoundError", "ValidationError"]
    assert result.root.status == "completed"


def test_an_mms_carries_its_media_urls():
    """Send a message: type "mms" with media_urls sends an MMS (text optional); the
    Message object's message_type is mms."""
    carrier = telenb.Carrier(seed=12)
    carrier.phone(CUSTOMER, script="")
    client = offline_client(carrier, numbers=[APP])
    r = client.messages.create(src=APP, dst=CUSTOMER, text="Your receipt", type_="mms",
                               media_urls=["https://example.test/receipt.png"])  # fmt: skip
    carrier.run()
    msg = carrier.messages[-1]
    assert [m.url for m in msg.media] == ["https://example.test/receipt.png"]
    assert client.messages.get(r.message_uuid[0]).message_type == "mms"
    sms = client.messages.create(src=APP, dst=CUSTOMER, text="plain")
    carrier.run()
    assert client.messages.get(sms.message_uuid[0]).message_type == "sms"


def test_media_belongs_to_mms_only():
    """media_urls are the MMS's; an sms with them, or an mms without any, is refused."""
    carrier = telenb.Carrier(seed=12)
    client = offline_client(carrier, numbers=[APP])
    with pytest.raises(exceptions.PlivoRestError):
        client.messages.create(src=APP, dst=CUSTOMER, text="x", media_urls=["https://e.test/a"])
    with pytest.raises(exceptions.PlivoRestError):
        client.messages.create(src=APP, dst=CUSTOMER, text="x", type_="mms")
    assert list(carrier.messages) == []
