"""Issue 15 §2 media on a real call with the strict pjsua2 peer: keys sent as tones (in-band
DTMF, no RFC 4733) heard by telenb's own detector, and the stereo call recording."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from telenb.audio import Audio
from telenb.audio.dtmf import generate_dtmf
from telenb.speech import synthesize, transcribe

pytest.importorskip("pjsua2", reason="pjsua2-python (telenb[sip]) is not installed")


def _words(text: str) -> set[str]:
    return {w.strip(".,!?").lower() for w in text.split()}


def _onset(audio: Audio) -> float:
    """Seconds to the first 20 ms frame above -40 dBFS."""
    x = audio.samples
    for i in range(0, len(x) - 160, 160):
        if float(np.sqrt(np.mean(x[i : i + 160] ** 2))) > 0.01:
            return i / audio.rate
    return float("inf")


def _tones(tmp_path, digits: str):
    """Keys as a phone without RFC 4733 sends them: ITU-T Q.23 tone pairs in the audio,
    100 ms tones and 100 ms gaps (above Q.24's 40 ms minimum), made by telenb's generator."""
    path = tmp_path / "keys.wav"
    tones = generate_dtmf(digits, tone_ms=100, gap_ms=100, lead_ms=200, rate=8000)
    Audio.concat([tones, Audio.silence(0.3, 8000)]).save(path, subtype="PCM_16")
    return path


@pytest.mark.parametrize("record_calls", [True, False])
def test_keys_sent_as_tones_reach_a_dtmf_ask(sip_backend, pj_peer, tmp_path, record_calls):
    """Q.23 in-band DTMF over G.711 (RFC 3551 PCMU) with no telephone-event at all: Tropo's
    ``ask(choices="[4 DIGITS]", mode="dtmf")`` returns the keys, each heard once; also on a
    backend that keeps no call recordings (`record_calls=False`, as `telenb sip serve`)."""
    keys = _tones(tmp_path, "2580")
    peer = pj_peer()
    listening = threading.Event()
    got = {}

    def pin(call):
        call.say("Enter your code.")
        listening.set()
        got["event"] = call.ask(choices="[4 DIGITS]", mode="dtmf", timeout=20)
        call.hangup()

    backend = sip_backend(record_calls=record_calls)
    backend.answer("pin", pin)
    peer.send("call", uri=f"sip:pin@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert listening.wait(60)
    peer.send("play", path=str(keys))
    result = backend.wait(60)
    assert got["event"].name == "choice" and got["event"].value == "2580", result.trace.text()
    inputs = result.trace.filter("input")
    assert [(e["value"], e["via"]) for e in inputs] == [(d, "inband") for d in "2580"]
    assert (result.audio is not None) is record_calls


def test_keys_as_tones_end_a_recording_and_mode_any_hears_them(sip_backend, pj_peer, tmp_path):
    """Tropo `record(terminator="#")` stops at the key, and `ask(mode="any")` takes keys too:
    both from tones in the caller's audio."""
    hash_key, one = _tones(tmp_path, "#"), None
    peer = pj_peer()
    step = threading.Event()
    got = {}

    def vm(call):
        step.set()
        got["rec"] = call.record(beep=False, max_time=20, terminator="#")
        got["ask"] = call.ask(choices="1, 2", mode="any", timeout=20)
        call.hangup()

    backend = sip_backend()
    backend.answer("vm", vm)
    peer.send("call", uri=f"sip:vm@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert step.wait(60)
    peer.send("play", path=str(hash_key))
    peer.expect("played", 30)
    one = tmp_path / "one.wav"
    generate_dtmf("1", tone_ms=100, gap_ms=100, lead_ms=300, rate=8000).save(one, subtype="PCM_16")
    peer.send("play", path=str(one))
    result = backend.wait(60)
    assert got["rec"].name == "record", result.trace.text()
    assert got["rec"].recording.duration < 10  # the key ended it, not max_time
    assert got["ask"].name == "choice" and got["ask"].value == "1", result.trace.text()


def test_the_call_recording_is_stereo_caller_left_flow_right(sip_backend, pj_peer, tmp_path):
    """As the simulator's `CallResult.audio`: the whole call in two channels, left what the
    caller said, right what the flow played, lasting as long as the call."""
    answer = tmp_path / "answer.wav"
    Audio.concat([Audio.silence(0.3, 8000), synthesize("Please call me back tomorrow.", rate=8000)]
                 ).save(answer, subtype="PCM_16")  # fmt: skip
    peer = pj_peer()
    said = threading.Event()

    def shop(call):
        call.wait(1.5)  # silence first: the flow's channel keeps time while nothing plays
        call.say("Welcome to the flower shop.")
        said.set()
        call.wait(6)
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert said.wait(60)
    peer.send("play", path=str(answer))
    result = backend.wait(60)
    audio = result.audio
    assert audio is not None and audio.channels == 2 and audio.rate == 8000
    assert abs(audio.duration - result.duration) < 0.5, (audio.duration, result.duration)
    onset = [_onset(audio.channel(i)) for i in (0, 1)]
    assert 1.3 < onset[1] < 2.0, onset  # the prompt where the flow played it
    [say] = result.trace.filter("say")
    assert onset[0] > onset[1] + say["duration"] - 0.3, onset  # the answer came after it
    caller, flow = (_words(transcribe(audio.channel(i)).text) for i in (0, 1))
    assert {"call", "tomorrow"} <= caller and not {"flower", "shop"} & caller, caller
    assert {"flower", "shop"} <= flow and not {"call", "tomorrow"} & flow, flow


def test_a_phone_sending_both_tones_and_rfc4733_is_heard_once_per_key(sip_backend, pj_peer,
                                                                      tmp_path):  # fmt: skip
    """RFC 4733 §2.6 lets an endpoint send a key as telephone-events with the tones still in
    its audio; the flow must see each press once.  pjmedia's sender replaces the audio with
    the event packets while an event lasts, so the peer's tones follow its events closely."""
    peer = pj_peer()
    listening = threading.Event()
    got = {}

    def pin(call):
        listening.set()
        # up to 8 keys, until none for 2 s: every report the flow hears is counted
        got["event"] = call.ask(choices="[1-8 DIGITS]", mode="dtmf", timeout=20,
                                interdigit_timeout=2)  # fmt: skip
        call.hangup()

    backend = sip_backend()
    backend.answer("pin", pin)
    peer.send("call", uri=f"sip:pin@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert listening.wait(60)
    for digit in "36":
        tone = tmp_path / f"{digit}.wav"
        generate_dtmf(digit, tone_ms=120, gap_ms=100, rate=8000).save(tone, subtype="PCM_16")
        peer.send("dtmf", digits=digit)
        time.sleep(0.25)  # the event's 200 ms, then its tone
        peer.send("play", path=str(tone))
        peer.expect("played", 10)
    result = backend.wait(60)
    assert got["event"].value == "36", result.trace.text()
    assert [(e["value"], e["via"]) for e in result.trace.filter("input")] == [
        ("3", "rfc4733"), ("6", "rfc4733")]  # fmt: skip


def test_the_same_key_twice_both_ways_is_two_presses():
    """Each report stands for one press: RFC 4733 events and tones of "11" are two keys."""
    from telenb.providers.sip.tap import Presses

    presses = Presses()
    reports = [("1", "rfc4733", 0.0), ("1", "rfc4733", 0.2), ("1", "inband", 0.01),
               ("1", "inband", 0.22), ("1", "inband", 2.0), ("2", "rfc4733", 2.01)]  # fmt: skip
    assert [presses.key(*r) for r in reports] == [True, True, False, False, True, True]


def test_a_long_tone_and_its_late_event_are_one_press():
    """A 1.5 s tone whose telephone-event is known only from its end packets (RFC 4733
    §2.5.1.3, the start lost) arrives 1.5 s after the tone began: still one press."""
    from telenb.providers.sip.tap import Presses

    presses = Presses()
    assert presses.key("5", "inband", 10.0, 11.5)
    assert not presses.key("5", "rfc4733", 11.52)
    assert presses.key("5", "rfc4733", 12.5)  # a second press, after the tone


def _last_sound(audio: Audio) -> float:
    """Seconds to the end of the last 20 ms frame above -40 dBFS."""
    x = audio.samples
    for i in range(len(x) - 160, 0, -160):
        if float(np.sqrt(np.mean(x[i : i + 160] ** 2))) > 0.01:
            return (i + 160) / audio.rate
    return 0.0


def test_a_prompt_cut_by_barge_in_is_cut_in_the_call_recording(sip_backend, pj_peer,
                                                               tmp_path):  # fmt: skip
    """As on the simulator (its recorder keeps only what was played): when the caller speaks
    over the prompt (Tropo's bargein), the flow's channel stops where the prompt was cut."""
    answer = tmp_path / "answer.wav"
    Audio.concat([Audio.silence(0.3, 8000), synthesize("Hats.", rate=8000)]).save(
        answer, subtype="PCM_16")  # fmt: skip
    peer = pj_peer()
    asking = threading.Event()
    prompt = ("We sell dresses, shoes, hats, scarves and gloves for every season of the year. "
              "Which would you like to hear about today?")  # fmt: skip

    def shop(call):
        asking.set()
        call.ask(prompt, choices="hats, shoes", mode="speech", timeout=20)
        call.wait(2)
        call.hangup()

    backend = sip_backend()
    backend.answer("shop", shop)
    peer.send("call", uri=f"sip:shop@{backend.listen}")
    peer.expect("state", state="CONFIRMED")
    assert asking.wait(60)
    peer.send("play", path=str(answer))
    result = backend.wait(90)
    [media], [ask], [cut] = (result.trace.filter(k).events for k in ("media", "ask", "bargein"))
    start = ask.t - media.t  # the prompt's start in the recording (the tap starts at media)
    assert cut["after"] < ask["duration"] - 1.0, result.trace.text()
    end = _last_sound(result.audio.channel(1))
    assert start + cut["after"] - 0.5 < end < start + cut["after"] + 0.5, (start, cut, end)
