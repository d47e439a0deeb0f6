"""A live call in a real IPython kernel: the kernel's own loop drives it, so other cells run
meanwhile and the call goes on while the kernel is idle (no asyncio.run, no nest_asyncio)."""

import os
import time
from pathlib import Path

import pytest

jupyter_client = pytest.importorskip("jupyter_client")

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def kernel(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "IPYTHONDIR": str(tmp_path / "ipython")}
    km = jupyter_client.KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def run(kc, code, timeout=30):
    """Execute code; return (stdout, seconds until the kernel was idle again)."""
    start = time.monotonic()
    msg_id = kc.execute(code)
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            raise AssertionError("\n".join(content["traceback"]))
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(out), time.monotonic() - start


def test_cells_run_while_a_live_call_is_up_and_the_call_ends_on_its_own(kernel):
    run(
        kernel,
        "import telenb\n"
        "from telenb.notebook.live import LiveCall\n"
        "c = telenb.Carrier(seed=1)\n"
        "c.app('+15550100', lambda call: (call.say('hold on'), call.wait(2)))\n",
    )
    out, _ = run(kernel, "live = LiveCall(c, '+15550100').start()\nprint(live.status)")
    assert out.split() == ["ringing"]  # start() returned before the call was answered
    out, _ = run(kernel, "print(live.status, c.realtime, 6 * 7)")
    assert out.split() == ["in-progress", "True", "42"]  # a cell ran while the call is up
    time.sleep(3.5)  # the kernel is idle: its loop keeps the call going
    out, _ = run(kernel, "print(live.status, c.realtime, live.result.duration)")
    status, realtime, duration = out.split()
    assert (status, realtime) == ("completed", "False")  # over, and back to virtual time
    assert 2.9 <= float(duration) < 3.4  # 'hold on' (0.95 s) then 2 s, on the wall clock
    out, _ = run(kernel, "r = await LiveCall(c, '+15550100').start().wait()\nprint(r.status)")
    assert out.split() == ["completed"]
