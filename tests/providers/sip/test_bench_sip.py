"""`bench/sip.py` at a tiny scale: two calls straight at a worker and two through Kamailio.

The bench's figures are timings and are never asserted; this checks that the run completes
with its table and summary, that every call was answered (by each worker behind the
dispatcher in turn) with zero failures, and that the RTP peer received and measured the
audio: 20 ms PCMU packets, a whole prompt's worth per call, none lost on loopback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from telenb.providers.sip.kamailio import kamailio_binary

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")
NO_SIPP = "sipp (Debian sip-tester) is not installed"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("sipp"), reason=NO_SIPP),
    pytest.mark.skipif(kamailio_binary() is None, reason="Debian's kamailio is not installed"),
]
ROOT = Path(__file__).resolve().parents[3]
ROW = re.compile(
    r"^(?P<door>direct \(1 worker\)|kamailio \(2 workers\))\s+(?P<rate>[\d.]+)\s+(?P<calls>\d+)"
    r"\s+(?P<ok>\d+)\s+(?P<failed>\d+)\s+(?P<conc>\d+)\s+(?P<setup>[\d.]+)\s+(?P<pkts>\d+)"
    r"\s+(?P<lost>\d+)\s+(?P<jit>[\d.]+)\s+(?P<jmax>[\d.]+)\s+(?P<cpu>[\d.]+)\s+(?P<share>[\d/]+)$"
)


def test_the_bench_runs_two_calls_each_way_with_zero_failures():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sip.py"), "--rates", "2", "--calls", "2",
         "--hold", "1"],
        capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-1500:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("SIP load on loopback, ")
    rows = [m.groupdict() for line in lines if (m := ROW.match(line))]
    assert [r["door"] for r in rows] == ["direct (1 worker)", "kamailio (2 workers)"]
    for r in rows:
        assert (r["calls"], r["ok"], r["failed"]) == ("2", "2", "0")
        assert int(r["lost"]) == 0
        # two 1 s prompts at 50 packets a second (plus the silence around them)
        assert int(r["pkts"]) >= 2 * 50
    assert rows[0]["share"] == "2"
    assert rows[1]["share"] == "1/1"  # the least loaded worker each time: one call each
    assert "direct (1 worker): sustained 2 calls/s with zero failed calls" in proc.stdout
    assert "kamailio (2 workers): sustained 2 calls/s with zero failed calls" in proc.stdout
    assert "in all steps: 0; dispatcher / direct sustained rate: 1.00x" in proc.stdout
