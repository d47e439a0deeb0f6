"""REGISTER with digest authentication against a sipp registrar on loopback.

RFC 3261 section 10.2 (REGISTER, Expires), 10.2.2 (removing a binding with Expires: 0) and
22 (a 401 with a Digest WWW-Authenticate challenge, answered by a request carrying
Authorization).  The registrar is `scenarios/uas_registrar_digest.xml`: sipp's `verifyauth`
action recomputes the digest from the user name and password it was given (-key authuser,
-key authpass) and the scenario answers 200 only when they match, 403 otherwise.
"""

from __future__ import annotations

import logging
import socket
import time

import pytest

from telenb.errors import ConfigurationError
from telenb.providers.sip.registration import (
    Registration,
    RegistrationFailed,
    parse_aor,
    read_password,
)

from .conftest import SCENARIOS

REGISTRAR = SCENARIOS / "uas_registrar_digest.xml"
SECRET = "Tr0ub4dor-and-3"  # the registrar's password for user 1001


def dress_shop(call):
    event = call.ask("Press one for dresses or two for shoes.", choices="1, 2", timeout=8)
    call.say(f"You chose {event.value}.")
    call.hangup()


def _registrar(sipp_peer, password: str = SECRET):
    return sipp_peer(REGISTRAR, None, timeout=60,
                     extra=("-key", "authuser", "1001", "-key", "authpass", password))  # fmt: skip


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text
        assert "wrong-password" not in text


def test_aor_and_password_checks_need_no_network():
    assert parse_aor("sip:1001@127.0.0.1:5090") == ("1001", "127.0.0.1:5090")
    with pytest.raises(ConfigurationError, match="sip:USER@HOST"):
        parse_aor("127.0.0.1:5090")
    with pytest.raises(ConfigurationError, match=r"SIP_X \(it is empty\)"):
        read_password("SIP_X", "sip:127.0.0.1:5090", env={"SIP_X": ""})
    with pytest.raises(ConfigurationError, match="environment variable"):
        read_password("not a name", "sip:127.0.0.1:5090", env={})
    assert read_password("SIP_X", "sip:r", env={"SIP_X": SECRET}) == SECRET
    reg = Registration("1", "sip:1001@h", "sip:h", "1001", "SIP_X", 60)
    assert repr(reg) == (
        "<Registration sip:1001@h at sip:h: registering; user 1001, password from $SIP_X>"
    )


def test_registers_with_the_right_password_answers_calls_and_unregisters_on_close(
    sip_backend, sipp_peer, monkeypatch, capfd, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SIP_PASSWORD", SECRET)
    registrar = _registrar(sipp_peer)
    backend = sip_backend()
    aor = f"sip:1001@127.0.0.1:{registrar.port}"
    reg = backend.register(aor, password_env="SIP_PASSWORD", expires=120, flow=dress_shop)
    assert reg.registered and reg.code == 200
    assert reg.granted == 120  # the registrar echoes the Expires it was asked for
    assert f"at sip:127.0.0.1:{registrar.port}: registered (200 OK), expires 120 s" in repr(reg)
    states = [(e["state"], e["code"]) for e in backend.trace_log.filter("registration")]
    assert states == [("registered", 200)]
    # a call for the registered AOR's user runs the flow given to register()
    caller = sipp_peer(SCENARIOS / "uac_pcmu_dtmf.xml", backend.listen, service="1001")
    result = backend.wait(40)
    assert caller.wait(30) == 0
    assert result.to.startswith("sip:1001@") and result.results() == [("choice", "1")]
    _no_secret(repr(backend), repr(reg), backend.trace_log.to_json(), result.trace.to_json())
    backend.close()  # REGISTER with Expires: 0, which the scenario requires before it ends
    assert registrar.wait(20) == 0, registrar.proc.stderr.read().decode()[-400:]
    assert reg.state == "unregistered"
    assert backend.trace_log.filter("registration")[-1]["state"] == "unregistered"
    out, err = capfd.readouterr()
    _no_secret(out, err, caplog.text, repr(reg))


def test_the_binding_is_refreshed_before_it_expires(sip_backend, sipp_peer, monkeypatch):
    """pjsua re-REGISTERs before the granted expiry runs out (RFC 3261 10.2.4), answering the
    registrar's fresh 401 challenge with the same credentials."""
    monkeypatch.setenv("SIP_PASSWORD", SECRET)
    registrar = _registrar(sipp_peer)
    backend = sip_backend()
    reg = backend.register(f"sip:1001@127.0.0.1:{registrar.port}", password_env="SIP_PASSWORD",
                           expires=7)  # fmt: skip
    assert reg.granted == 7
    deadline = time.monotonic() + 10
    while len(backend.trace_log.filter("registration")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    refreshes = backend.trace_log.filter("registration")
    assert [(e["state"], e["code"]) for e in refreshes] == [("registered", 200)] * 2
    assert 0.5 <= refreshes[1].t - refreshes[0].t < 7.0  # renewed before the 7 s ran out
    backend.close()
    assert registrar.wait(20) == 0  # the refresh's digest was valid, then the unregistration
    assert reg.state == "unregistered"


def test_a_dead_worker_leaves_no_registration_claimed(sip_backend, sipp_peer, monkeypatch):
    monkeypatch.setenv("SIP_PASSWORD", SECRET)
    registrar = _registrar(sipp_peer)
    backend = sip_backend()
    reg = backend.register(f"sip:1001@127.0.0.1:{registrar.port}", password_env="SIP_PASSWORD")
    backend.worker.proc.kill()
    assert reg.wait(5, ("failed",)) and reg.reason == "the SIP worker exited"
    assert backend.trace_log.filter("registration")[-1]["state"] == "failed"


def test_wrong_password_is_refused_with_403_naming_the_registrar(
    sip_backend, sipp_peer, monkeypatch, capfd, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SIP_PASSWORD", "wrong-password")
    registrar = _registrar(sipp_peer)
    backend = sip_backend()
    with pytest.raises(RegistrationFailed) as failed:
        backend.register(f"sip:1001@127.0.0.1:{registrar.port}", password_env="SIP_PASSWORD")
    assert isinstance(failed.value, ConfigurationError) and failed.value.code == 403
    message = str(failed.value)
    assert f"at sip:127.0.0.1:{registrar.port} failed: SIP 403 Forbidden" in message
    assert "$SIP_PASSWORD" in message
    assert registrar.wait(20) == 0  # it verified the digest and sent its 403
    [reg] = backend.registrations
    assert reg.state == "failed" and not reg.registered
    out, err = capfd.readouterr()
    _no_secret(message, repr(backend), backend.trace_log.to_json(), out, err, caplog.text)


def test_a_missing_password_variable_fails_before_any_packet(sip_backend, monkeypatch):
    monkeypatch.delenv("SIP_PASSWORD", raising=False)
    backend = sip_backend()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as registrar:
        registrar.bind(("127.0.0.1", 0))
        registrar.settimeout(1.0)
        port = registrar.getsockname()[1]
        with pytest.raises(ConfigurationError, match="set the environment variable SIP_PASSWORD"):
            backend.register(f"sip:1001@127.0.0.1:{port}", password_env="SIP_PASSWORD")
        with pytest.raises(TimeoutError):  # socket.timeout: no REGISTER arrived
            registrar.recvfrom(4096)
    assert backend.registrations == [] and len(backend.trace_log) == 0
