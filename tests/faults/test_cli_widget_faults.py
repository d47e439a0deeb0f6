"""Faults in the widgets and the command line (issue 12 §5), as a matrix.

Each row once misled or crashed: a phone stuck after a failed dial, a microphone buffer that
grew without bound, a transcript re-sent whole on every line, CLI messages in quotes,
telenb/runpy frames around a user's error, no file:line for a failing flow, `.tmp` names,
tracebacks for a folder, a binary file or a hopeless Erlang question.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import telenb
from telenb.notebook.mic import Endpointer
from telenb.notebook.phone import MAX_LINES, Phone

REPO = Path(__file__).resolve().parents[2]
APP = "+15550100"


def telenb_cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "telenb.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


FILES = {
    "badimport.py": "import nosuchmod_xyz_telenb\n",
    "zero.py": "def f(call):\n    x = 1\n    call.say(str(x / 0))\n",
    "noflow.py": "x = 1\n",
    "two.py": "def f(call):\n    g()\ndef g():\n    pass\n",
    "ok.py": "def f(call):\n    call.say('hi')\n",
    "binary.py": b"\xff\xfe bad bytes\n",
}

# (name, argv, exit code, must be in stderr, must not be in stderr)
CLI_CASES = [
    ("keyerror-quotes-noflow", ["run", "noflow.py", "--to", APP], 2,
     ["telenb: noflow.py defines no Carrier and no function"], ["'noflow.py", "Traceback"]),
    ("keyerror-quotes-two-flows", ["run", "two.py", "--to", APP], 2,
     ["2 flow functions (f, g)"], ["'two.py", "Traceback"]),
    ("keyerror-quotes-erlang", ["erlang", "--erlangs", "7"], 2,
     ["telenb: give --trunks N"], ["'give", "Traceback"]),
    ("import-error-user-frames", ["run", "badimport.py", "--to", APP], 1,
     ['File "badimport.py", line 1, in <module>', "ModuleNotFoundError"],
     ["runpy", "telenb/cli.py"]),
    ("flow-error-file-line", ["run", "zero.py", "--to", APP], 1,
     ["the flow raised ZeroDivisionError at zero.py:3 in f: division by zero",
      'File "zero.py", line 3, in f', "call.say(str(x / 0))"],
     ["telenb/flow", "runtime.py", "greenlet"]),
    ("json-missing-folder", ["run", "ok.py", "--to", APP, "--json", "nodir/sub/t.json"], 2,
     ["the folder nodir/sub does not exist"], [".tmp", "Traceback"]),
    ("json-is-a-folder", ["run", "ok.py", "--to", APP, "--json", "."], 2,
     ["is a folder"], [".tmp", "Traceback"]),
    ("run-a-folder", ["run", ".", "--to", APP], 2,
     ["is a folder: give the Python file"], ["Traceback", "__main__"]),
    ("run-empty-path", ["run", "", "--to", APP], 2, ["is a folder"], ["Traceback"]),
    ("binary-file", ["run", "binary.py", "--to", APP], 2,
     ["binary.py is not UTF-8 text (byte 0xff at offset 0)"], ["Traceback"]),
    ("erlang-inf", ["erlang", "--erlangs", "inf", "--trunks", "3"], 2,
     ["finite number >= 0 Erlangs, not inf"], ["nan", "Traceback"]),
    ("erlang-negative-blocking", ["erlang", "--erlangs", "-1", "--blocking", "0.01"], 2,
     ["not -1.0"], ["ZeroDivisionError", "Traceback"]),
    ("erlang-hopeless-hang", ["erlang", "--erlangs", "1e300", "--blocking", "0.01"], 2,
     ["needs more than 1,000,000 trunks"], ["Traceback"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    for name, text in FILES.items():
        (d / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return d


@pytest.mark.parametrize(
    ("argv", "code", "present", "absent"),
    [pytest.param(*c[1:], id=c[0]) for c in CLI_CASES],
)
def test_cli_fault(files, argv, code, present, absent):
    out = telenb_cli(*argv, cwd=files)
    assert out.returncode == code, out.stderr
    for text in present:
        assert text in out.stderr, out.stderr
    for text in absent:
        assert text not in out.stderr, out.stderr


def test_cli_huge_trunk_count_answers_at_once(files):
    out = telenb_cli("erlang", "--erlangs", "7", "--trunks", "1000000000", cwd=files)
    assert out.returncode == 0 and "0.000000 blocking" in out.stdout, out.stderr


# -- widgets --------------------------------------------------------------------------------


class FakeFrontEnd:
    def __init__(self, phone):
        self.sent = []
        phone.send = lambda content, buffers=None: self.sent.append(content)


def test_phone_failed_dial_frees_the_phone():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, lambda call: call.say("hi"))
    phone = Phone("12", carrier, speed=20.0)
    FakeFrontEnd(phone)

    async def main():
        phone._on_msg(phone, {"type": "dial"}, [])
        assert phone.live is None and phone.status == "idle"
        phone._on_msg(phone, {"type": "hangup"}, [])  # nothing up: nothing to complain about
        assert phone.transcript == [phone.transcript[0]] and "too short" in phone.transcript[0]
        phone._on_msg(phone, {"type": "dial", "number": APP}, [])
        return await phone.live.wait()

    assert asyncio.run(main()).status == "completed"
    assert not any("already up" in line for line in phone.transcript)


MIC_RATES = [10**9, 10**12, 0, -48000, 4000, 192001, float("nan"), float("inf"), 44100.5,
             "48000", None, True]  # fmt: skip


@pytest.mark.parametrize("rate", MIC_RATES, ids=repr)
def test_mic_absurd_rate_is_refused(rate):
    ep = Endpointer()
    with pytest.raises(ValueError, match="microphone sample rate"):
        ep.feed(np.zeros(4800, "<i2").tobytes(), rate)
    assert ep.received == 0 and ep._pending.size == 0


def test_mic_bad_rate_through_the_phone_is_a_line_not_growth():
    phone = Phone(APP, telenb.Carrier(seed=1))
    FakeFrontEnd(phone)
    chunk = memoryview(np.zeros(4800, "<i2").tobytes())
    for _ in range(50):
        phone._on_msg(phone, {"type": "mic", "rate": 10**9}, [chunk])
    assert phone.mic_samples == 0
    assert phone.transcript[-1] == "mic: microphone sample rate 1e+09 Hz is outside 8000..192000 Hz"


@pytest.mark.parametrize(
    ("pcm", "match"),
    [(b"\x00" * 4801, "not 16-bit PCM"), (b"\x00" * 2 * 48001, "longer than 1 s")],
    ids=["odd-bytes", "huge-chunk"],
)
def test_mic_bad_chunks_are_refused(pcm, match):
    with pytest.raises(ValueError, match=match):
        Endpointer().feed(pcm, 48000)


def test_mic_pending_buffer_stays_below_one_frame():
    ep = Endpointer()
    for _ in range(200):
        ep.feed(np.zeros(4799, "<i2").tobytes(), 192000)
        assert ep._pending.size < 192000 * 20 // 1000


def test_transcript_and_utterances_off_call_are_bounded_and_sent_as_increments():
    from telenb.audio import Audio

    phone = Phone(APP, telenb.Carrier(seed=1))
    browser = FakeFrontEnd(phone)
    blip = Audio(np.zeros(800, np.float32), 8000)
    for _ in range(MAX_LINES + 100):
        phone._utterance(blip)
    assert len(phone.transcript) == MAX_LINES
    assert len(phone.utterances) <= 20
    lines = [m for m in browser.sent if m["type"] == "lines"]
    # each line is sent once, numbered, on its own: never the whole transcript again
    assert [m["first"] for m in lines] == list(range(MAX_LINES + 100))
    assert all(len(m["lines"]) == 1 for m in lines)
    phone._on_msg(phone, {"type": "sync"}, [])  # a new view catches up with what is kept
    sync = browser.sent[-1]
    assert sync["type"] == "transcript" and sync["first"] == 100
    assert len(sync["lines"]) == MAX_LINES
    assert "transcript" not in phone.keys  # no longer a synced trait re-sent whole


def test_phone_js_handles_the_messages_python_sends():
    from telenb.notebook._widget import static

    js = static("phone.js").read_text(encoding="utf-8")
    for kind in ('"lines"', '"transcript"', 'type: "sync"', 'model.get("max_lines")'):
        assert kind in js
    assert 'model.get("transcript")' not in js
