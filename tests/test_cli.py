"""The `telenb` command, run as a user would run it."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def telenb(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "telenb.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_readme_demo_command(tmp_path):
    out = telenb(
        "run",
        "examples/dress_shop.py",
        "--to",
        "+15550100",
        "--caller",
        "say: purple; say: red",
        "--json",
        str(tmp_path / "trace.json"),
    )
    assert out.returncode == 0, out.stderr
    assert 'badChoice "purple"' in out.stdout and 'choice "red"' in out.stdout
    assert "message SM" in out.stdout and "[delivered]" in out.stdout
    events = json.loads((tmp_path / "trace.json").read_text())
    assert events[0]["status"] == "initiated" and events[-1]["status"] == "delivered"


def test_fidelity_option_applies_to_the_files_own_carrier(tmp_path):
    """examples/dress_shop.py makes its own Carrier; --fidelity audio must still apply."""
    trace = tmp_path / "trace.json"
    args = ["run", "examples/dress_shop.py", "--to", "+15550100", "--caller", "say: red"]
    out = telenb(*args, "--fidelity", "audio", "--json", str(trace))
    assert out.returncode == 0, out.stderr
    events = json.loads(trace.read_text())
    heard = [(e["name"], e["value"]) for e in events if e["kind"] == "result"]
    assert heard == [("choice", "red")]
    assert telenb(*args, "--json", str(trace)).returncode == 0
    text_events = json.loads(trace.read_text())
    # audio fidelity times prompts by their synthesised audio, text fidelity by an estimate
    says = [[e["duration"] for e in evs if e["kind"] == "say"] for evs in (events, text_events)]
    assert says[0] != says[1]


AUDIO_DEMO = ["run", "examples/dress_shop.py", "--to", "+15550100", "--caller",
              "say: purple; say: red", "--fidelity", "audio"]  # fmt: skip


def _results(trace: Path) -> list[tuple[str, str]]:
    events = json.loads(trace.read_text())
    return [(e["name"], e["value"]) for e in events if e["kind"] == "result"]


def test_the_audio_demo_hears_purple_as_a_bad_choice_then_red(tmp_path):
    """Issue 18 §3: the README's `--fidelity audio` demo with the default install.  Tropo's
    ask: speech outside the choices is a bad choice (``on_bad_choice``), then the retry's
    "red" is the choice.  The default recogniser (Whisper) must reject "purple", which
    pocketsphinx hears as "blue"."""
    trace = tmp_path / "trace.json"
    out = telenb(*AUDIO_DEMO, "--json", str(trace))
    assert out.returncode == 0, out.stderr
    said = out.stdout
    story = [
        'ask        "What color dress do you want?',
        'input      caller speech "purple"',
        "result     badChoice",
        'say        "I didn\'t understand."',
        'result     choice "red"  attempt 2',
        'say        "Then you should get a red dress! I\'ll text you a link."',
        "[delivered]: Your red dress: https://shop.example/red",
    ]
    positions = [said.find(line) for line in story]
    assert -1 not in positions and positions == sorted(positions), said
    assert "blue dress" not in said
    results = _results(trace)
    assert [n for n, _ in results] == ["badChoice", "choice"] and results[1][1] == "red"


def test_asr_option_picks_the_light_recogniser(tmp_path):
    """--asr pocketsphinx: the light engine, which picks the closest choice whatever was
    said (its JSGF grammar has no out-of-grammar path), so "purple" becomes a choice."""
    trace = tmp_path / "trace.json"
    args = AUDIO_DEMO[:-2]
    out = telenb(*args, "--asr", "pocketsphinx", "--json", str(trace))
    assert out.returncode == 0, out.stderr
    results = _results(trace)
    assert [n for n, _ in results] == ["choice"], results
    bad = telenb(*args, "--asr", "pocketsphinx", "--fidelity", "text")
    assert bad.returncode != 0 and "--asr" in bad.stderr


def test_output_is_deterministic():
    args = ("run", "examples/dress_shop.py", "--to", "+15550100", "--caller", "say: red")
    assert telenb(*args).stdout == telenb(*args).stdout


def test_tropo_scripts_are_detected():
    out = telenb("run", "examples/tropo/pizza.py", "--to", "+15550100", "--caller", "press: 2")
    assert out.returncode == 0, out.stderr
    assert "One medium pizza coming up." in out.stdout


def test_a_file_with_one_flow_function(tmp_path):
    (tmp_path / "hello.py").write_text("def hello(call):\n    call.say('Hello from a file')\n")
    out = telenb("run", str(tmp_path / "hello.py"), "--to", "+15550100")
    assert out.returncode == 0 and "Hello from a file" in out.stdout


def test_errors_are_one_clear_line():
    out = telenb("run", "examples/dress_shop.py", "--to", "12")
    assert out.returncode == 2 and out.stderr.startswith("telenb: '12' is too short")
    out = telenb("run", "nowhere.py", "--to", "+15550100")
    assert out.returncode == 2 and "no such file" in out.stderr


def test_a_failing_flow_exits_nonzero(tmp_path):
    (tmp_path / "bad.py").write_text("def bad(call):\n    call.say(1/0)\n")
    out = telenb("run", str(tmp_path / "bad.py"), "--to", "+15550100")
    assert out.returncode == 1 and "ZeroDivisionError" in out.stderr


def test_erlang_command():
    out = telenb("erlang", "--erlangs", "7", "--trunks", "10", "--blocking", "0.01")
    assert "14 trunks" in out.stdout and "0.078741" in out.stdout


def test_voices_and_models_commands():
    out = telenb("voices")
    assert out.returncode == 0 and "Daniel" in out.stdout and "Polly.Joanna" in out.stdout
    out = telenb("models", "list")
    assert out.returncode == 0 and "whisper" in out.stdout and "vosk" in out.stdout
    out = telenb("models", "--help")
    assert out.returncode == 0 and "download" in out.stdout
