"""A telenb flow answers sipp (Debian sip-tester) on loopback: PCMU, an RFC 2833 key, reject."""

from __future__ import annotations

import pytest

from .conftest import SCENARIOS

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def dress_shop(call):
    event = call.ask("Press one for dresses or two for shoes.", choices="1, 2", timeout=8)
    call.say(f"You chose {event.value}.")
    call.hangup()


def test_flow_answers_sipp_and_hears_its_rfc2833_key(sip_backend, sipp_peer):
    backend = sip_backend()
    backend.answer(f"sip:shop@{backend.listen}", dress_shop)
    peer = sipp_peer(SCENARIOS / "uac_pcmu_dtmf.xml", backend.listen)
    result = backend.wait(40)
    assert peer.wait(30) == 0, peer.proc.stderr.read().decode()[-400:]  # it got our BYE
    assert result.status == "completed" and result.error is None
    assert result.statuses() == ["ringing", "in-progress", "completed"]
    assert result.codec == "PCMU"
    assert [e["value"] for e in result.trace.filter("input")] == ["1"]
    assert result.results() == [("choice", "1")]
    assert result.said() == ["Press one for dresses or two for shoes.", "You chose 1."]
    hangup = result.trace.filter("hangup")[0]
    assert hangup["by"] == "flow"
    assert result.direction == "inbound" and result.from_.startswith("sip:sipp@127.0.0.1")
    assert result.duration > 1.0  # the prompt played in real time before the key came


@pytest.mark.parametrize(
    ("reason", "code", "status"), [("busy", 486, "busy"), ("rejected", 603, "no-answer")]
)
def test_reject_sends_the_sip_code_and_the_twilio_status(
    sip_backend, sipp_peer, tmp_path, reason, code, status
):
    backend = sip_backend()
    backend.answer("shop", lambda call: call.reject(reason=reason))
    scenario = tmp_path / "rejected.xml"
    scenario.write_text((SCENARIOS / "uac_rejected.xml").read_text().replace("CODE", str(code)))
    peer = sipp_peer(scenario, backend.listen)
    result = backend.wait(20)
    assert peer.wait(20) == 0  # sipp received exactly `code` to its INVITE
    assert result.status == status
    assert result.statuses() == ["ringing", status]
    assert result.duration == 0.0


def test_unknown_user_gets_404_and_the_worker_carries_on(sip_backend, sipp_peer, tmp_path):
    backend = sip_backend()
    backend.answer("shop", dress_shop)
    scenario = tmp_path / "rejected.xml"
    scenario.write_text((SCENARIOS / "uac_rejected.xml").read_text().replace("CODE", "404"))
    peer = sipp_peer(scenario, backend.listen, service="nobody")
    result = backend.wait(20)
    assert peer.wait(20) == 0
    assert result.status == "failed" and "404" in result.trace.filter("status")[-1]["cause"]
    peer2 = sipp_peer(SCENARIOS / "uac_pcmu_dtmf.xml", backend.listen)
    assert backend.wait(40).results() == [("choice", "1")]
    assert peer2.wait(30) == 0
