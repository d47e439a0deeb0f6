"""jambonz webhook rules on the simulator: GET call hooks, stale signatures, invalid
actionHook answers reported to the status hook, retries asked for by the URL hash."""

from __future__ import annotations

import json

import pytest

import telenb
from telenb.providers.jambonz import SignatureError, jambonz_application, verify
from telenb.providers.jambonz.sim.webhooks import body_of

APP = "+15550100"


def test_a_get_call_hook_carries_the_call_in_the_query_and_is_signed():
    seen = []

    def app(request):
        seen.append((request.method, dict(request), dict(request.headers)))
        return [{"verb": "say", "text": "Hi"}]

    carrier = telenb.Carrier(seed=2)
    japp = jambonz_application(carrier)
    carrier.app(APP, jambonz=app, url="/call", method="GET")
    r = carrier.call(APP, caller="wait: 3s")
    assert r.said() == ["Hi"]
    method, params, headers = seen[0]
    assert method == "GET" and params["call_status"] == "trying" and params["to"] == APP
    [hook] = r.trace.filter("webhook")
    signed = body_of(hook["params"])  # the payload's JSON, as the feature server signs it
    assert verify(headers, japp.webhook_secret, signed, now=japp.timestamp_seconds())


def test_a_signature_checked_against_the_wall_clock_is_stale():
    """The simulator signs with its virtual clock (2025-01-01 + call time), so runs are
    byte-identical; an app that checks the age against today's clock refuses them."""
    seen = []

    def app(request):
        seen.append(request)
        return [{"verb": "say", "text": "Hi"}]

    carrier = telenb.Carrier(seed=2)
    japp = jambonz_application(carrier)
    carrier.app(APP, jambonz=app, url="/call")
    carrier.call(APP, caller="wait: 3s")
    [hook] = carrier.trace.filter("webhook")
    body = body_of(hook["params"])
    headers = seen[0].headers
    assert verify(headers, japp.webhook_secret, body, now=japp.timestamp_seconds())
    with pytest.raises(SignatureError, match="tolerance"):
        verify(headers, japp.webhook_secret, body)


def test_an_invalid_action_hook_answer_goes_to_the_status_hook_and_the_app_goes_on():
    status = []

    def app(request):
        if request.path == "/status":
            status.append(dict(request))
            return ""
        if request.path == "/menu":
            return [{"verb": "hangupp"}]
        return [
            {"verb": "gather", "actionHook": "/menu", "numDigits": 1},
            {"verb": "say", "text": "Still here."},
        ]

    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, jambonz=app, url="/call", status_hook="/status")
    r = carrier.call(APP, caller="press: 5")
    assert r.said() == ["Still here."]
    [error] = [s for s in status if "error" in s]
    assert error["error"] == "invalid actionHook response"
    assert error["reason"] == "invalid instruction: hangupp"
    assert [s["call_status"] for s in status if "error" not in s] == ["in-progress", "completed"]


def test_a_failing_call_hook_is_retried_only_when_the_hash_asks():
    answers = iter([503, 503, 200])

    def app(request):
        code = next(answers)
        return (json.dumps([{"verb": "say", "text": "Third time."}]), code)

    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, jambonz=app, url="/call#rc=2&rp=5xx")
    r = carrier.call(APP, caller="wait: 3s")
    assert [h["status"] for h in r.trace.filter("webhook")] == [503, 503, 200]
    assert r.said() == ["Third time."]

    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, jambonz=lambda req: ("", 503), url="/call")
    r = carrier.call(APP, caller="wait: 3s")
    assert len(r.trace.filter("webhook")) == 1 and r.status == "failed"
