"""The magics, driven through a real IPython InteractiveShell."""

import subprocess
import sys

import pytest
from IPython.core.error import UsageError

import telenb
from telenb.sim.results import CallLog, CallResult


@pytest.fixture
def shell(ipython):
    ipython.run_cell("import telenb\ncarrier = telenb.Carrier(seed=7)")
    return ipython


def test_load_ext_is_light():
    heavy = [
        "numpy",
        "scipy",
        "twilio",
        "matplotlib",
        "soundfile",
        "phonenumbers",
        "vosk",
        "pocketsphinx",
        "telenb.sim",
        "telenb.speech",
        "telenb.audio.core",
        "anywidget",
        "ipywidgets",
        "telenb.notebook.phone",
        "telenb.notebook.calllog",
        "telenb.notebook.inspector",
        "telenb.notebook.live",
    ]
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "sh = InteractiveShell.instance()\n"
        "sh.run_line_magic('load_ext', 'telenb')\n"
        "import sys\n"
        f"print([m for m in {heavy!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_flow_cell_registers_and_tel_call_places_a_call(shell):
    shell.run_cell_magic(
        "flow",
        "+15550100 --name shop",
        ("r = call.ask('Which colour?', choices='red, blue')\ncall.say(f'You chose {r.value}.')\n"),
    )
    result = shell.run_line_magic("tel", 'call +15550100 --caller "say: blue"')
    assert isinstance(result, CallResult)
    assert result.said() == ["Which colour?", "You chose blue."]
    assert result.carrier is shell.user_ns["carrier"]  # the carrier made last is the session's
    assert result.carrier.apps["+15550100"].name == "shop"


def test_flow_cells_see_the_user_namespace(shell):
    shell.run_cell("GREETING = 'Ahoy'\ndef shout(s):\n    return s.upper()")
    shell.run_cell_magic("flow", "+15550100", "call.say(shout(GREETING))")
    result = shell.run_line_magic("tel", "call +15550100")
    assert result.said() == ["AHOY"]


def test_tropo_cell_runs_a_python2_script(shell):
    shell.run_cell_magic(
        "tropo",
        "+15550101",
        (
            "answer()\n"
            "r = ask('Say yes', {'choices': 'yes, no', 'repeat': 2})\n"
            "print 'got', r.value\n"
        ),
    )
    result = shell.run_line_magic("tel", 'call +15550101 --caller "say: yes"')
    assert result.trace.filter("log")[0]["message"] == "got yes"


def test_tel_calls_and_trace_by_sid_prefix(shell):
    shell.run_cell_magic("flow", "+15550100", "call.say('hi')")
    first = shell.run_line_magic("tel", "call +15550100")
    log = shell.run_line_magic("tel", "calls")
    assert isinstance(log, CallLog) and len(log) == 1
    traced = shell.run_line_magic("tel", f"trace {first.sid[:10]}")
    assert traced.sid == first.sid and traced.said() == ["hi"]
    with pytest.raises(KeyError, match="no call"):
        shell.run_line_magic("tel", "trace CAffff")


def test_tel_config_starts_a_fresh_carrier(shell):
    c = shell.run_line_magic("tel", "config --seed 11")
    assert isinstance(c, telenb.Carrier) and c.seed == 11
    assert shell.run_line_magic("tel", "config") is c


def test_tel_use_picks_a_carrier_from_the_namespace(shell):
    shell.run_cell("other = telenb.Carrier(seed=1)\nlast = telenb.Carrier(seed=2)")
    assert shell.run_line_magic("tel", "use other") is shell.user_ns["other"]
    with pytest.raises(UsageError):
        shell.run_line_magic("tel", "use nothing_here")


def test_help_and_usage_errors(shell):
    helped = shell.run_line_magic("tel", "help")
    assert "%%tropo NUMBER" in repr(helped) and "%tel phone NUMBER" in repr(helped)
    assert "<pre>" in helped._repr_html_()
    with pytest.raises(UsageError, match="unknown %tel command"):
        shell.run_line_magic("tel", "dance")
    with pytest.raises(UsageError):
        shell.run_line_magic("tel", "call")  # the number is required


def test_line_magics_expand_variables(shell):
    shell.run_cell_magic("flow", "+15550100", "call.ask('Q?', choices='a, b')")
    shell.run_cell("num = '+15550100'\nscript = 'say: b'")
    result = shell.run_cell('r = %tel call {num} --caller "{script}"').result
    r = shell.user_ns["r"]
    assert r.results() == [("choice", "b")] and result is None


def test_say_speaks_a_tropo_persona(shell):
    from telenb.audio import speech_segments

    spoken = shell.run_line_magic("say", "Your table is ready. --voice Daniel")
    assert spoken.voice.requested == "Daniel" and spoken.voice.language == "en-GB"
    assert spoken.audio.rate == 8000 and speech_segments(spoken.audio)
    html = spoken._repr_html_()
    assert "autoplay" in html and "data:audio/wav;base64," in html and "Daniel" in html
    assert (
        shell.run_line_magic("say", "Your table is ready. --voice Daniel").audio.to_pcm16()
        == spoken.audio.to_pcm16()
    )  # deterministic


def test_help_lists_every_magic_and_tel_command():
    from telenb.notebook.magics import HELP, TelenbMagics

    listed = HELP.split("\n")
    for kind, names in TelenbMagics.magics.items():
        for name in names:
            line_too = kind == "cell" and name in TelenbMagics.magics["line"]
            prefix = "%%" if kind == "cell" and not line_too else "%"
            assert any(line.strip().startswith(prefix + name) for line in listed), name
    commands = [n[5:] for n in dir(TelenbMagics) if n.startswith("_tel_")]
    for command in commands:
        assert any(line.strip().startswith(f"%tel {command}") for line in listed), command


def test_tel_phone_and_log_return_widgets_on_the_session_carrier(shell):
    from telenb.notebook.calllog import CallLogWidget
    from telenb.notebook.phone import Phone

    phone = shell.run_line_magic("tel", "phone +15550100 --from '+15550123' --speed 2")
    assert isinstance(phone, Phone) and phone.carrier is shell.user_ns["carrier"]
    assert (phone.number, phone.from_, phone.speed) == ("+15550100", "+15550123", 2.0)
    shell.run_cell_magic("flow", "+15550100", "call.say('hi')")
    shell.run_line_magic("tel", "call +15550100")
    log = shell.run_line_magic("tel", "log --limit 10")
    assert isinstance(log, CallLogWidget) and log.limit == 10
    assert [r["status"] for r in log.rows] == ["completed"]


def test_inspect_is_interactive_unless_static(shell, tmp_path):
    from telenb.audio import Audio, Inspection, generate_dtmf
    from telenb.notebook.inspector import AudioInspector

    path = tmp_path / "my keys.wav"
    generate_dtmf("42", rate=8000).pad(0.2, 0.2).save(path)
    widget = shell.run_line_magic("inspect", f'"{path}"')  # quotes are removed
    assert isinstance(widget, AudioInspector)
    assert [d["digit"] for d in widget.dtmf] == ["4", "2"]
    static = shell.run_line_magic("inspect", f"'{path}' --static")
    assert isinstance(static, Inspection) and isinstance(static[0].audio, Audio)
    with pytest.raises(UsageError):
        shell.run_line_magic("inspect", "")


def test_say_speaks_with_a_voice_and_free_text(shell):
    from telenb.audio import Audio

    audio = shell.run_line_magic("say", "Don't worry --voice Kate").audio  # an apostrophe is fine
    assert isinstance(audio, Audio) and audio.rate == 8000 and audio.duration > 0.5
    cell = shell.run_cell_magic("say", "--rate 16000", "Hello there.\n")
    assert cell.audio.rate == 16000
    with pytest.raises(UsageError):
        shell.run_line_magic("say", "--voice Kate")


def test_transcribe_a_file_against_choices(shell, tmp_path):
    from telenb.speech import synthesize

    path = tmp_path / "answer.wav"
    synthesize("blue", voice="woman").save(path)
    rec = shell.run_line_magic("transcribe", f'{path} --choices "black, red, blue, green"')
    assert rec.value == "blue" and 0 < rec.confidence <= 1
    free = shell.run_line_magic("transcribe", str(path))
    assert "blue" in free.text.lower()


def test_tel_voices_lists_tropo_and_twilio_names(shell):
    table = shell.run_line_magic("tel", "voices")
    names = {v.requested for v in table}
    assert {"Daniel", "Kate", "Polly.Joanna", "alice"} <= names


def test_transcribe_recognises_a_file_against_choices_or_freely(shell, tmp_path):
    from telenb.speech import synthesize

    path = tmp_path / "answer.wav"
    synthesize("red", rate=16000).pad(0.3, 0.3).save(path)
    rec = shell.run_line_magic("transcribe", f"'{path}' --choices 'red, blue'")
    assert rec.value == "red"
    free = shell.run_line_magic("transcribe", str(path))
    assert type(free).__name__ == "Transcript" and free.duration == pytest.approx(1.02, abs=0.01)


def test_the_testing_shell_fails_a_test_whose_cell_fails(ipython):
    """IPython prints a cell's error and carries on; the shared shell raises it instead."""
    with pytest.raises(ZeroDivisionError):
        ipython.run_cell("1 / 0")
    with pytest.raises(UsageError, match="no-such-option"):
        ipython.run_cell("%tel call +15550100 --no-such-option")
