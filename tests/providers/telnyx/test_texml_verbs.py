"""TeXML's own verbs on the simulator: <HttpRequest> and <AIGather> (TwiML has neither,
the compatibility table says)."""

from __future__ import annotations

import base64
import json

import pytest
from flask import Flask, jsonify, request

import telenb
from telenb.providers.telnyx import telnyx_account
from telenb.providers.telnyx.texml_verbs import extract

pytest.importorskip("cryptography", reason="Telnyx signs with Ed25519 (the telnyx extra)")

NUMBER = "+15550100"
CRM = "https://crm.example.test"


def crm(seen: list) -> Flask:
    """An external API that the TeXML calls, without an application server of its own."""
    app = Flask("crm")

    @app.post("/lookup")
    def lookup():
        seen.append({"headers": dict(request.headers), "body": request.get_data(as_text=True)})
        return jsonify({"contact": {"name": {"first": "Ada", "last": "Lovelace"}}})

    return app


def texml_app(seen: dict, doc: str) -> dict:
    def first(req):
        return doc

    def after(req):
        seen["action"].append(dict(req))
        name = req.get("first_name", "stranger")
        return f"<Response><Say>Hello {name}</Say></Response>"

    return {"/texml": first, "/after": after}


HTTP_REQUEST = """<Response>
  <HttpRequest async="false" action="/after">
    <Request url="https://crm.example.test/lookup" method="POST">
      <Headers>
        <Header><Key>Authorization</Key><Value>Bearer API_key</Value></Header>
        <Header><Key>Content-Type</Key><Value>application/json</Value></Header>
      </Headers>
      <Body><![CDATA[{"from":"{{From}}"}]]></Body>
    </Request>
    <Response>
      <Type>JSON</Type>
      <StatusCode>200</StatusCode>
      <Content>
        <Field><Name>contact.name.first</Name><Value>first_name</Value></Field>
        <Field><Name>contact.name.last</Name><Value>last_name</Value></Field>
      </Content>
    </Response>
  </HttpRequest>
  <Say>not reached</Say>
</Response>"""


def run(doc: str, *, caller: str = ""):
    carrier = telenb.Carrier(seed=6)
    account = telnyx_account(carrier)
    api: list = []
    account.web.mount(CRM, crm(api))
    seen: dict[str, list] = {"action": []}
    carrier.app(NUMBER, texml=texml_app(seen, doc), url="/texml")
    return carrier.call(NUMBER, caller=caller), api, seen


def test_http_request_sends_headers_and_body_and_maps_the_answer_to_the_action():
    """HttpRequest: <Request url method> with <Headers> and a <Body> whose {{From}} is the
    call's From (dynamic parameters); async="false" waits for the answer and sends the
    action callback AccountSid, CallSid, CallSidLegacy and the <Response> fields, each
    <Name> a path in the JSON answer sent as its <Value>; the action's TeXML runs next."""
    result, api, seen = run(HTTP_REQUEST)
    (call,) = api
    assert call["headers"]["Authorization"] == "Bearer API_key"
    assert json.loads(call["body"]) == {"from": "+15550199"}
    (action,) = seen["action"]
    assert (action["first_name"], action["last_name"]) == ("Ada", "Lovelace")
    assert action["CallSid"] == action["CallSidLegacy"] and action["AccountSid"]
    assert result.trace.said() == ["Hello Ada"]


def test_async_http_request_does_not_wait_or_call_back():
    """async="true": TeXML does not wait for the answer; no callback; the next verb runs."""
    doc = HTTP_REQUEST.replace('async="false"', 'async="true"')
    result, api, seen = run(doc)
    assert len(api) == 1 and seen["action"] == []
    assert result.trace.said() == ["not reached"]


def test_an_unexpected_status_sends_the_callback_without_the_fields():
    """<StatusCode> names the answer the mapping is for: another status maps nothing."""
    doc = HTTP_REQUEST.replace("<StatusCode>200</StatusCode>", "<StatusCode>201</StatusCode>")
    result, _, seen = run(doc)
    assert "first_name" not in seen["action"][0]
    assert result.trace.said() == ["Hello stranger"]


def test_a_request_to_the_internet_is_unreachable_offline_and_the_call_goes_on():
    """Offline nothing outside the simulated web and 127.0.0.1 answers: a warning."""
    doc = HTTP_REQUEST.replace("https://crm.example.test/lookup", "https://api.elsewhere.com/x")
    result, api, seen = run(doc)
    assert api == [] and seen["action"][0].get("first_name") is None
    assert any("HttpRequest" in e["message"] for e in result.trace.filter("warning"))


AI_GATHER = """<Response>
  <AIGather action="/gathered">
    <Greeting>Please tell me your age and the city you live in.</Greeting>
    <Parameters>{"type":"object","properties":{"age":{"type":"integer"},
      "city":{"type":"string","enum":["Paris","Dublin","Chicago"]}},
      "required":["age","city"]}</Parameters>
  </AIGather>
</Response>"""


def ai_run(caller: str):
    carrier = telenb.Carrier(seed=6)
    got: list[dict] = []
    app = {"/texml": lambda req: AI_GATHER, "/gathered": lambda req: got.append(dict(req)) or ""}
    carrier.app(NUMBER, texml=app, url="/texml")
    result = carrier.call(NUMBER, caller=caller)
    return result, got


def test_ai_gather_greets_hears_and_sends_the_base64_result_and_history():
    """TexmlAiGatherWebhook: AccountSid, CallSid, CallSidLegacy, ConnectionId, From, To,
    Status "valid", Base64MessageHistory ([{role, content}]) and Base64Result ({status,
    result}), as base64 JSON; the <Greeting> is read to the caller first."""
    result, got = ai_run("say: I am 29 and I live in Paris")
    assert result.trace.said()[0] == "Please tell me your age and the city you live in."
    (cb,) = got
    for name in ("AccountSid", "CallSid", "CallSidLegacy", "ConnectionId", "From", "To"):
        assert cb[name]
    assert cb["Status"] == "valid"
    history = json.loads(base64.b64decode(cb["Base64MessageHistory"]))
    assert history == [
        {"role": "assistant", "content": "Please tell me your age and the city you live in."},
        {"role": "user", "content": "I am 29 and I live in Paris"},
    ]
    assert json.loads(base64.b64decode(cb["Base64Result"])) == {
        "status": "valid", "result": {"age": 29, "city": "Paris"},
    }  # fmt: skip


def test_ai_gather_missing_a_required_parameter_is_invalid():
    """telenb's offline limitation: one answer, no follow-up question; a required
    parameter it could not fill makes Status "invalid"; what it did fill is sent."""
    _, got = ai_run("say: I am 29")
    assert got[0]["Status"] == "invalid"
    assert json.loads(base64.b64decode(got[0]["Base64Result"]))["result"] == {"age": 29}


def test_an_extractor_of_ones_own_replaces_the_offline_one():
    """ai_extractor(text, schema) stands in for the model (a test double for an LLM)."""
    carrier = telenb.Carrier(seed=6)
    telnyx_account(carrier).ai_extractor = lambda text, schema: {"age": 40, "city": "Dublin"}
    got: list[dict] = []
    app = {"/texml": lambda req: AI_GATHER, "/gathered": lambda req: got.append(dict(req)) or ""}
    carrier.app(NUMBER, texml=app, url="/texml")
    carrier.call(NUMBER, caller="say: forty, from Dublin")
    assert json.loads(base64.b64decode(got[0]["Base64Result"]))["result"]["age"] == 40


def test_extract_reads_numbers_enums_booleans_and_a_lone_string():
    schema = {"properties": {"n": {"type": "number"}, "ok": {"type": "boolean"},
                             "note": {"type": "string"}}}  # fmt: skip
    assert extract("yes, 2.5 please", schema) == {"n": 2.5, "ok": True, "note": "yes, 2.5 please"}
