"""The SIP backend's rails: pjsua2 stays out of the kernel, outbound calls need the allow-list."""

from __future__ import annotations

import subprocess
import sys

import pytest

from telenb.errors import ConfigurationError
from telenb.providers.sip.backend import bare_uri, user_of

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def test_uri_helpers():
    assert user_of('"Shop" <sip:shop@127.0.0.1:5070;transport=udp>') == "shop"
    assert user_of("shop") == "shop"
    assert bare_uri('"A" <sip:alice@127.0.0.1:5080;transport=udp>') == "sip:alice@127.0.0.1:5080"


def test_pjsua2_is_only_imported_in_the_worker(tmp_path):
    code = (
        "import sys, telenb\n"
        "b = telenb.connect('sip', listen='127.0.0.1:0')\n"
        "assert b.worker.alive\n"
        "b.close()\n"
        "print('pjsua2' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_outbound_call_outside_the_allow_list_is_refused(sip_backend):
    backend = sip_backend(allow=["sip:*@127.0.0.1:5999"])
    assert backend.allowed("sip:alice@127.0.0.1:5999")
    assert not backend.allowed("sip:alice@127.0.0.2:5999")
    with pytest.raises(ConfigurationError, match="allow-list"):
        backend.call("sip:mallory@198.51.100.7", lambda call: call.say("hi"))
    assert backend.results == []  # nothing was sent to the worker


def test_listen_must_be_host_and_port():
    import telenb

    with pytest.raises(ConfigurationError, match="HOST:PORT"):
        telenb.connect("sip", listen="loopback")
