"""REGISTER against Debian's Kamailio as registrar, then a call for the AOR routed to the flow.

Kamailio (`telenb.providers.sip.kamailio`) challenges the REGISTER with 401 and a Digest
WWW-Authenticate (`www_challenge`), checks the answer with `pv_www_authenticate` against the
password in its environment (403 on a wrong one, the auth module's -2 "invalid password"),
and `save("location")` keeps the binding in usrloc's memory.  An INVITE for the AOR is then
looked up in usrloc (`lookup("location")`) and relayed to telenb's Contact, record-routed
(RFC 3261 16.6), so the caller's ACK follows the route set through Kamailio.
"""

from __future__ import annotations

import signal
import subprocess

import pytest

from telenb.providers.sip.registration import RegistrationFailed

from .conftest import SCENARIOS
from .test_register import SECRET, _no_secret, dress_shop

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def _registrar(kamailio):
    return kamailio(users={"1001": "KAMAILIO_SECRET"}, env={"KAMAILIO_SECRET": SECRET})


def test_registers_at_kamailio_and_a_call_for_the_aor_reaches_the_flow(
    kamailio, sip_backend, sipp_peer, monkeypatch, tmp_path
):
    monkeypatch.setenv("SIP_PASSWORD", SECRET)
    k = _registrar(kamailio)
    assert SECRET not in k.cfg.read_text()  # Kamailio reads it from $env(KAMAILIO_SECRET)
    backend = sip_backend()
    reg = backend.register(f"sip:1001@{k.address}", password_env="SIP_PASSWORD", expires=120,
                           flow=dress_shop)  # fmt: skip
    assert reg.registered and reg.code == 200 and reg.granted == 120
    # sipp calls the AOR at Kamailio, never telenb's own address: only usrloc knows where it is
    caller = sipp_peer(SCENARIOS / "uac_via_proxy.xml", k.address, service="1001")
    result = backend.wait(40)
    assert caller.wait(30) == 0, caller.proc.stderr.read().decode()[-400:]
    assert result.status == "completed" and result.results() == [("choice", "1")]
    assert result.to.startswith("sip:1001@127.0.0.1")  # the To the caller wrote
    assert result.trace.filter("input")[0]["value"] == "1"
    _no_secret(repr(reg), backend.trace_log.to_json(), result.trace.to_json())
    backend.close()  # Expires: 0 removes the binding: the AOR is unknown again
    assert reg.state == "unregistered"
    scenario = tmp_path / "rejected.xml"
    scenario.write_text((SCENARIOS / "uac_rejected.xml").read_text().replace("CODE", "404"))
    gone = sipp_peer(scenario, k.address, service="1001")
    assert gone.wait(20) == 0  # sipp got exactly 404: lookup("location") found no binding
    assert k.proc.poll() is None  # and Kamailio is still serving


def test_a_wrong_password_is_refused_by_kamailio_with_403(kamailio, sip_backend, monkeypatch):
    monkeypatch.setenv("SIP_PASSWORD", "wrong-password")
    k = _registrar(kamailio)
    backend = sip_backend()
    with pytest.raises(RegistrationFailed) as failed:
        backend.register(f"sip:1001@{k.address}", password_env="SIP_PASSWORD")
    assert failed.value.code == 403
    assert f"at sip:{k.address} failed: SIP 403 Forbidden" in str(failed.value)
    assert backend.registrations[0].state == "failed"


def test_an_unknown_user_is_refused_too(kamailio, sip_backend, monkeypatch):
    """Kamailio knows only 1001: user 1002 with 1001's password is not let in."""
    monkeypatch.setenv("SIP_PASSWORD", SECRET)
    k = _registrar(kamailio)
    backend = sip_backend()
    with pytest.raises(RegistrationFailed) as failed:
        backend.register(f"sip:1002@{k.address}", password_env="SIP_PASSWORD")
    assert failed.value.code == 403


def test_kamailio_is_stopped_with_its_children(kamailio):
    k = _registrar(kamailio)
    children = subprocess.run(["pgrep", "-s", str(k.pid)], capture_output=True, text=True)
    assert len(children.stdout.split()) > 1  # the main process and its UDP receivers
    # SIGTERM, then SIGKILL to the group if Kamailio is still shutting down after the timeout
    # (on a loaded machine its children can take longer): either way, nothing is left
    assert k.stop(timeout=5) in (0, -signal.SIGKILL)
    # no process of its session still runs (ps's own view; a zombie child waiting for
    # whoever adopted it to reap it holds no port, memory or file)
    ps = subprocess.run(["ps", "-e", "-o", "sid=,stat="], capture_output=True, text=True)
    left = [line for line in ps.stdout.splitlines()
            if line.split()[0] == str(k.pid) and not line.split()[1].startswith("Z")]  # fmt: skip
    assert left == []
