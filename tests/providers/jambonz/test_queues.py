"""enqueue with a waitHook, dequeue by an agent's call, and each side's actionHook."""

from __future__ import annotations

import pytest

import telenb

APP, AGENT_LINE = "+15550100", "+15550111"


@pytest.mark.parametrize("agent_hangs_up", [True, False])
def test_an_agent_dequeues_a_waiting_caller(agent_hangs_up):
    seen: dict[str, list] = {"wait": [], "enq": [], "deq": []}

    def caller_app(request):
        if request.path == "/wait":
            seen["wait"].append(dict(request))
            return [{"verb": "say", "text": "Please hold."}, {"verb": "pause", "length": 5}]
        if request.path == "/enqueued":
            seen["enq"].append(dict(request))
            return [{"verb": "say", "text": "Thanks, bye."}]
        return [{"verb": "enqueue", "name": "support", "waitHook": "/wait",
                 "actionHook": "/enqueued"}]  # fmt: skip

    def agent_app(request):
        if request.path == "/dequeued":
            seen["deq"].append(dict(request))
            return []
        return [{"verb": "dequeue", "name": "support", "actionHook": "/dequeued"}]

    carrier = telenb.Carrier(seed=5)
    carrier.app(APP, jambonz=caller_app, url="/call")
    carrier.app(AGENT_LINE, jambonz=agent_app, url="/agent")
    caller = "wait: 30s" if agent_hangs_up else "wait: 12s; hangup"
    agent = "say: hello; wait: 5s; hangup" if agent_hangs_up else "wait: 30s"
    waiting = carrier.call(APP, caller=caller, from_="+15550199", run=False)
    carrier.run(until=8)
    carrier.call(AGENT_LINE, caller=agent, from_="+15550198", run=False)
    carrier.run()
    assert waiting.said()[0] == "Please hold."
    assert seen["wait"] and seen["wait"][0]["queue_position"] == 0
    assert seen["wait"][0]["queue_size"] == 1
    if agent_hangs_up:  # the caller's app goes on after the bridge
        assert seen["enq"][0]["queue_result"] == "bridged"
        assert waiting.said()[-1] == "Thanks, bye."
    else:  # the agent's app goes on
        assert seen["deq"][0]["dequeue_result"] == "complete"


def test_leave_takes_the_caller_out():
    seen = []

    def app(request):
        if request.path == "/wait":
            return [{"verb": "say", "text": "Nobody is here."}, {"verb": "leave"}]
        if request.path == "/enqueued":
            seen.append(dict(request))
            return [{"verb": "say", "text": "Try later."}]
        return [{"verb": "enqueue", "name": "q", "waitHook": "/wait", "actionHook": "/enqueued"}]

    carrier = telenb.Carrier(seed=5)
    carrier.app(APP, jambonz=app, url="/call")
    r = carrier.call(APP, caller="wait: 20s")
    assert seen[0]["queue_result"] == "leave"
    assert r.said() == ["Nobody is here.", "Try later."]
