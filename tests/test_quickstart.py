"""The README's Quick start main job gives the same bytes on every supported Python.

The digests below were taken on CPython 3.11, 3.12 and 3.13 (scripts/test-pythons.sh runs this
file on each): the output is computed in virtual time from the seed alone, so nothing in it
may depend on the interpreter, the machine or the wall clock.
"""

import hashlib
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUICK_START = [
    "run",
    "examples/dress_shop.py",
    "--to",
    "+15550100",
    "--caller",
    "say: purple; say: red",
]
# sha256 of what `telenb run ...` prints, and of the trace it writes with --json
STDOUT_SHA256 = "c7e0401756cb76ce06799f1bbc4ad6a370ff62f2c2c1ab23391182e6bc00e1d0"
TRACE_SHA256 = "f54dfa45e992c6c278accb5fe63b0974c107a4de4f173c8ef26bcf68afcf9772"


def _run(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "telenb.cli", *QUICK_START, *extra], capture_output=True, cwd=REPO
    )


def test_the_main_job_prints_the_same_bytes_on_every_python(tmp_path):
    trace = tmp_path / "trace.json"
    out = _run("--json", str(trace))
    assert out.returncode == 0, out.stderr.decode()
    got = hashlib.sha256(out.stdout).hexdigest()
    assert got == STDOUT_SHA256, (
        f"the Quick start output changed (sha256 {got}); if the change is meant, check it reads "
        f"as the README says and update STDOUT_SHA256 here:\n{out.stdout.decode()}"
    )
    got = hashlib.sha256(trace.read_bytes()).hexdigest()
    assert got == TRACE_SHA256, f"the Quick start --json trace changed (sha256 {got})"


def test_the_digest_covers_what_the_readme_promises():
    """A digest of the wrong output would pin nothing: the run tells the README's story."""
    out = _run().stdout.decode()
    story = [
        'say        "Hello, how are you today?"',
        'input      caller speech "purple"',
        'result     badChoice "purple"  attempt 1',
        'say        "I didn\'t understand."',
        'result     choice "red"  attempt 2',
        "[delivered]: Your red dress: https://shop.example/red",
    ]
    positions = [out.find(line) for line in story]
    assert -1 not in positions and positions == sorted(positions), out
