"""Faults stay inside the call that caused them (issue 12, section 3, the simulator).

Each row is a fault seen to escape `carrier.call()`, leave a leg `in-progress` for ever, or
raise a bare Python error; each must now end its own call `failed` (or be refused with a
telenb error that says what to do) while the carrier and other calls go on."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

import telenb
from telenb.audio import Audio
from telenb.errors import AudioError, ConfigurationError, GrammarError
from telenb.flow.grammar import parse

APP = "+15550100"
FIDELITIES = ["text", "audio"]


def _bad_targets(tmp: Path) -> dict[str, str]:
    (tmp / "afile").write_text("not a folder")
    return {
        "unsupported extension": str(tmp / "message.xyz"),
        "folder under a file": str(tmp / "afile" / "message.wav"),
        "nul in the path": "message\x00.wav",
    }


BAD = ["unsupported extension", "folder under a file", "nul in the path"]


def _error_events(result):
    return [e for e in result.trace.events if e.kind == "error"]


@pytest.mark.parametrize("fidelity", FIDELITIES)
@pytest.mark.parametrize("case", BAD)
def test_a_recording_that_cannot_be_kept_fails_its_call_in_both_fidelities(
    tmp_path, fidelity, case
):
    path = _bad_targets(tmp_path)[case]
    c = telenb.Carrier(seed=1, fidelity=fidelity)
    c.app(APP, lambda call: call.record("Leave a message.", path=path, max_time=2))
    result = c.call(APP, caller="say: hello there")
    assert result.status == "failed", result.trace.text()
    assert isinstance(result.error, ConfigurationError)
    assert _error_events(result), "the error is in the trace"
    assert all(leg.ended for leg in c.legs)  # nothing left in-progress


def test_a_good_recording_path_still_works_and_missing_folders_are_made(tmp_path):
    c = telenb.Carrier(seed=1, fidelity="audio")
    path = tmp_path / "new" / "folder" / "m.wav"
    c.app(APP, lambda call: call.record("Leave a message.", path=str(path), max_time=2))
    assert c.call(APP, caller="say: hello there").status == "completed"
    assert Audio.load(path).duration > 0


TROPO_UPLOAD = """\
answer()
event = record("Leave a message after the beep.", {
    "recordURI": "http://example.com/upload.php", "maxTime": 5, "beep": True})
say("Thanks, your message is " + str(event.value))
hangup()
"""


def test_a_tropo_record_uri_url_keeps_the_recording_and_notes_the_upload(tmp_path):
    script = tmp_path / "voicemail.py"
    script.write_text(TROPO_UPLOAD)
    c = telenb.Carrier(seed=1)
    c.app(APP, script=str(script))
    result = c.call(APP, caller="say: call me back")
    assert result.status == "completed", result.trace.text()
    [rec] = c.recordings
    assert rec.meta["upload"]["url"] == "http://example.com/upload.php"
    assert rec.meta["upload"]["sent"] is False
    assert any("your message is" in s for s in result.said())


def test_an_exception_in_a_clock_event_fails_that_call_only():
    """A reactive caller whose function raises: its call fails, the next call is fine."""

    def caller(heard):
        raise ZeroDivisionError("the caller's own bug")

    c = telenb.Carrier(seed=1)
    c.app(APP, lambda call: call.ask("Red or blue?", choices="red, blue", timeout=2))
    bad = c.call(APP, caller=telenb.Caller(caller))
    assert bad.status == "failed"
    assert any("ZeroDivisionError" in str(e.data) for e in _error_events(bad))
    good = c.call(APP, caller="say: red")
    assert good.status == "completed"


@pytest.mark.parametrize(
    ("raiser", "name"),
    [("raise SystemExit(3)", "SystemExit"), ("raise GeneratorExit()", "GeneratorExit"),
     ("import sys; sys.exit()", "SystemExit")],
)  # fmt: skip
def test_system_exit_and_generator_exit_in_a_flow_fail_its_call(raiser, name):
    namespace: dict = {}
    exec(f"def flow(call):\n    call.say('Hi.')\n    {raiser}\n", namespace)
    c = telenb.Carrier(seed=1)
    c.app(APP, namespace["flow"])
    result = c.call(APP, caller="")
    assert result.status == "failed" and type(result.error).__name__ == name
    assert _error_events(result)
    assert c.call(APP, caller="").said() == ["Hi."]  # the carrier goes on


def test_keyboard_interrupt_ends_the_call_then_stops_the_run():
    def flow(call):
        call.say("Hi.")
        raise KeyboardInterrupt

    c = telenb.Carrier(seed=1)
    c.app(APP, flow)
    with pytest.raises(KeyboardInterrupt):
        c.call(APP, caller="")
    assert all(leg.ended for leg in c.legs)


@pytest.mark.parametrize(
    ("choices", "column"),
    [("[" + "1" * 5000 + " DIGITS]", 1), ("[1001 DIGITS]", 1), ("[2-99999999999 DIGITS]", 3)],
    ids=["5000-digit count", "over the limit", "huge upper bound"],
)
def test_a_huge_digit_count_is_a_grammar_error_at_its_column(choices, column):
    with pytest.raises(GrammarError) as info:
        parse(choices)
    assert "too large" in str(info.value)
    assert info.value.position == column


def _wav_header(frames: int, channels: int = 1, rate: int = 8000) -> bytes:
    data = frames * channels * 2
    return (
        b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16)
        + b"data" + struct.pack("<I", data)
    )  # fmt: skip


def test_audio_load_refuses_a_huge_file_from_its_header(tmp_path):
    """A 2 GB file with a valid header: refused before any sample is read (sparse file)."""
    path = tmp_path / "huge.wav"
    frames = 1_000_000_000
    with open(path, "wb") as f:
        f.write(_wav_header(frames))
        f.truncate(44 + frames * 2)  # sparse: no disk used
    with pytest.raises(AudioError, match=r"over the 1\.00 GiB limit"):
        Audio.load(path)
    with pytest.raises(AudioError, match="limit"):
        Audio.load(path, max_bytes=10_000)


def test_the_audio_size_limit_comes_from_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "short.wav"
    Audio.silence(1.0).save(path)  # 8000 frames = 32000 bytes as float32
    monkeypatch.setenv("TELENB_AUDIO_MAX_BYTES", "1000")
    with pytest.raises(AudioError, match="TELENB_AUDIO_MAX_BYTES"):
        Audio.load(path)
    monkeypatch.setenv("TELENB_AUDIO_MAX_BYTES", "lots")
    with pytest.raises(ConfigurationError, match="whole number of bytes"):
        Audio.load(path)
    monkeypatch.setenv("TELENB_AUDIO_MAX_BYTES", "100_000")
    assert Audio.load(path).duration == pytest.approx(1.0)


LOOPS = {
    "transfer to itself": lambda c: c.app(APP, lambda call: call.transfer(APP, timeout=5)),
    "ring A->B->A": lambda c: (
        c.app(APP, lambda call: call.transfer("+15550101", timeout=5)),
        c.app("+15550101", lambda call: call.transfer(APP, timeout=5)),
    ),
    "TwiML Dial to itself": lambda c: c.app(
        APP, twiml=f"<Response><Dial timeout='5'>{APP}</Dial></Response>"
    ),
}


@pytest.mark.parametrize("case", list(LOOPS))
def test_a_call_that_loops_is_stopped_by_a_hop_limit(case):
    c = telenb.Carrier(seed=1, max_forwards=10)
    LOOPS[case](c)
    result = c.call(APP, caller="")  # returns: no RecursionError, no hang
    hops = [e for e in c.trace.events if e.kind == "error" and e.get("error") == "TooManyHops"]
    assert hops and "SIP 483" in hops[0]["message"]
    assert len(c.legs) <= 12  # the caller's leg, ten forwards, the refused one
    assert all(leg.ended for leg in c.legs)
    assert result.leg.ended


def test_the_default_hop_limit_is_sip_max_forwards_70():
    c = telenb.Carrier(seed=1)
    assert c.max_forwards == 70
    LOOPS["transfer to itself"](c)
    c.call(APP, caller="")
    assert len(c.legs) == 72
    with pytest.raises(ConfigurationError, match="max_forwards"):
        telenb.Carrier(max_forwards=0)


def test_a_flow_that_redirects_its_own_call_to_itself_is_stopped():
    c = telenb.Carrier(seed=1)

    def again(call):
        c.redirect_call(call.sid, again)  # takes effect at once, while this flow waits
        call.wait(5)

    c.app(APP, again)
    result = c.call(APP, caller="")  # returns: no hang
    loops = [e for e in c.trace.events if e.kind == "error" and e.get("error") == "RedirectLoop"]
    assert loops and result.status == "failed"
    assert all(leg.ended for leg in c.legs)
