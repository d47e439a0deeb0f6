"""<Dial sequential> and <Dial hangupOnStar>, as Twilio documents them."""

import pytest

from ...helpers import AGENT, events, run_twiml, warnings, webhooks

FIRST, SECOND = "+15550111", "+15550112"


def doc(*verbs: str) -> str:
    return "<Response>" + "".join(verbs) + "</Response>"


def seq_dial(sequential: str = "true", timeout: int = 10) -> dict:
    return {
        "/": doc(
            f'<Dial sequential="{sequential}" timeout="{timeout}" action="/after">'
            f"<Number>{FIRST}</Number><Number>{SECOND}</Number><Number>{AGENT}</Number></Dial>"
        ),
        "/after": doc("<Hangup/>"),
    }


def test_sequential_tries_each_number_in_order_for_its_own_timeout():
    def setup(carrier):
        carrier.phone(FIRST, behaviour="no-answer")
        carrier.phone(SECOND, behaviour="busy")
        carrier.phone(AGENT, ring=3, script="say: Sales; wait: 2s; hangup")

    r = run_twiml(seq_dial(), "", setup=setup)
    first, second, agent = r.legs[1:]
    assert [leg.to for leg in r.legs[1:]] == [FIRST, SECOND, AGENT]
    assert first.status == "no-answer" and second.status == "busy" and agent.answered
    # each placed only once the previous one failed: the first rang for the whole timeout
    assert second.created == pytest.approx(first.ended_at)
    assert first.ended_at - first.created == pytest.approx(10.0)
    assert agent.created == pytest.approx(second.ended_at)
    after = webhooks(r)[-1][2]
    assert after["DialCallStatus"] == "completed" and after["DialCallSid"] == agent.sid


def test_sequential_reports_the_last_attempt_when_nobody_answers():
    def setup(carrier):
        carrier.phone(FIRST, behaviour="busy")
        carrier.phone(SECOND, behaviour="busy")
        carrier.phone(AGENT, behaviour="no-answer")

    r = run_twiml(seq_dial(timeout=5), "", setup=setup)
    after = webhooks(r)[-1][2]
    assert after["DialCallStatus"] == "no-answer" and after["DialCallSid"] == r.legs[3].sid
    assert len(r.legs) == 4


def test_without_sequential_all_ring_at_once():
    def setup(carrier):
        for n in (FIRST, SECOND, AGENT):
            carrier.phone(n, ring=2 if n == AGENT else 6)

    r = run_twiml(seq_dial("false"), "", setup=setup)
    created = {leg.created for leg in r.legs[1:]}
    assert len(created) == 1


def test_sequential_value_is_checked():
    r = run_twiml(seq_dial("sometimes"), "", setup=lambda c: c.phone(FIRST))
    assert any(code == 13218 for code, _m in warnings(r))


STAR = {
    "/": doc(
        f'<Dial hangupOnStar="true" action="/after"><Number>{AGENT}</Number></Dial>',
        "<Say>unreached</Say>",
    ),
    "/after": doc("<Say>You left the call. Goodbye.</Say>"),
}


def test_hangup_on_star_leaves_the_bridge_and_the_caller_goes_on():
    r = run_twiml(
        STAR, "wait: 8s; press: *; wait: 10s", setup=lambda c: c.phone(AGENT, script="say: Hi")
    )
    caller, agent = r.legs[0], r.legs[1]
    assert agent.ended and agent.cause == "the caller pressed * (hangupOnStar)"
    [star] = events(r, "hangup-on-star")
    assert agent.ended_at == pytest.approx(star.t)
    after = webhooks(r)[-1][2]
    assert after["DialCallStatus"] == "completed" and after["CallSid"] == caller.sid
    assert r.said() == ["You left the call. Goodbye."]
    assert caller.ended_at > agent.ended_at


def test_star_from_the_callee_or_without_hangup_on_star_does_nothing():
    r = run_twiml(
        STAR, "wait: 20s; hangup", setup=lambda c: c.phone(AGENT, script="wait: 5s; press: *")
    )
    assert not events(r, "hangup-on-star") and r.legs[1].cause != "hangupOnStar"
    plain = {"/": doc(f"<Dial>{AGENT}</Dial>")}
    r = run_twiml(plain, "wait: 6s; press: *; wait: 5s; hangup", setup=lambda c: c.phone(AGENT))
    assert not events(r, "hangup-on-star")
    assert r.legs[1].ended_at == pytest.approx(r.legs[0].ended_at)
