"""`telenb sip serve FILE`: the command answers real SIP calls from sipp on loopback.

The command runs as a person runs it (a subprocess), prints one line per call, and stops on
SIGTERM with exit 0 after closing its worker (and unregistering: the registrar scenario only
ends after the REGISTER with Expires: 0 of RFC 3261 10.2.2).  Mistakes are one line and
exit 2, before any worker starts.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from telenb.cli import main

from .conftest import SCENARIOS, free_udp_port
from .test_register import SECRET, _registrar

FLOW = """
def dress_shop(call):
    event = call.ask("Press one for dresses or two for shoes.", choices="1, 2", timeout=8)
    call.say(f"You chose {event.value}.")
    call.hangup()
"""
ROOT = Path(__file__).resolve().parents[3]


class Served:
    """`telenb sip serve` as a child process, its stdout read line by line on a thread."""

    def __init__(self, *args: str, env: dict[str, str] | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "telenb.cli", "sip", "serve", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, timeout: float = 30) -> str:
        try:
            got = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line within {timeout} s; so far {self.seen}") from None
        self.seen.append(got)
        return got

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=20)
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)


@pytest.fixture
def served():
    pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
    started: list[Served] = []

    def start(*args: str, **kwargs) -> Served:
        s = Served(*args, **kwargs)
        started.append(s)
        return s

    yield start
    for s in started:
        s.kill()


@pytest.fixture
def flow_file(tmp_path):
    path = tmp_path / "shop.py"
    path.write_text(FLOW)
    return path


def test_serve_answers_a_call_prints_its_line_and_exits_0_on_sigterm(served, sipp_peer, flow_file):
    listen = f"127.0.0.1:{free_udp_port()}"
    app = served(str(flow_file), "--listen", listen, "--user", "shop")
    assert app.line() == (
        f"telenb: dress_shop answers SIP calls for user shop on {listen}; Ctrl-C or SIGTERM stops"
    )
    caller = sipp_peer(SCENARIOS / "uac_pcmu_dtmf.xml", listen)  # presses 1, waits for our BYE
    line = app.line(40)
    assert caller.wait(30) == 0
    head, status, duration = line.split("  ")
    assert head.startswith("call sip:sipp@127.0.0.1") and head.endswith(" -> sip:shop@127.0.0.1")
    assert status == "completed"
    assert duration.endswith("s") and float(duration[:-1]) > 1.0  # the prompt played first
    code, err = app.stop()
    assert code == 0, err
    assert app.line() == "telenb: stopped"


def test_serve_registers_never_prints_the_password_and_unregisters(served, sipp_peer, flow_file):
    registrar = _registrar(sipp_peer)
    aor = f"sip:1001@127.0.0.1:{registrar.port}"
    listen = f"127.0.0.1:{free_udp_port()}"
    args = ("--listen", listen, "--user", "shop", "--register", aor,
            "--password-env", "SHOP_SIP_PASSWORD")  # fmt: skip
    app = served(str(flow_file), *args, env={"SHOP_SIP_PASSWORD": SECRET})
    assert app.line() == f"registered {aor} at sip:127.0.0.1:{registrar.port} (expires 300 s)"
    assert app.line().startswith("telenb: dress_shop answers SIP calls for user shop")
    # the registered AOR's user is answered as well as --user's
    caller = sipp_peer(SCENARIOS / "uac_pcmu_dtmf.xml", listen, service="1001")
    assert " -> sip:1001@127.0.0.1" in app.line(40) and caller.wait(30) == 0
    code, err = app.stop()
    assert code == 0, err
    assert registrar.wait(20) == 0  # it got the unregistration before the worker ended
    assert app.line() == "telenb: stopped"
    assert all(SECRET not in text for text in [*app.seen, err])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--listen", "loopback"], "--listen is IP:PORT"),
        (["--listen", "127.0.0.1:70000"], "--listen is IP:PORT"),
        (["--register", "sip:1001@127.0.0.1:5090"], "--register needs --password-env"),
        (["--register", "sip:1001@127.0.0.1:5090", "--password-env", "TELENB_NO_SUCH_VAR"],
         "set the environment variable TELENB_NO_SUCH_VAR (it is not set); nothing was sent"),
    ],
)  # fmt: skip
def test_mistakes_are_one_line_and_exit_2(args, says, flow_file, capsys, monkeypatch):
    pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
    monkeypatch.delenv("TELENB_NO_SUCH_VAR", raising=False)
    assert main(["sip", "serve", str(flow_file), *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("telenb: ") and says in err and err.count("\n") == 1


def test_a_missing_file_or_one_without_a_flow_exits_2(tmp_path, capsys):
    pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
    assert main(["sip", "serve", str(tmp_path / "nope.py")]) == 2
    assert f"no such file: {tmp_path / 'nope.py'}" in capsys.readouterr().err
    (tmp_path / "empty.py").write_text("GREETING = 'hello'\n")
    assert main(["sip", "serve", str(tmp_path / "empty.py")]) == 2
    assert "defines no function: give it exactly one flow function" in capsys.readouterr().err
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n")
    assert main(["sip", "serve", str(tmp_path / "broken.py")]) == 1  # as `telenb run` does
    assert "RuntimeError: boom" in capsys.readouterr().err


def test_without_the_sip_extra_it_says_what_to_install(flow_file, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pjsua2", None)  # find_spec now finds nothing
    assert main(["sip", "serve", str(flow_file)]) == 2
    assert 'pip install "telenb[sip]"' in capsys.readouterr().err
