"""Live calls and the Phone widget's kernel side, on a real asyncio loop (no browser)."""

import asyncio

import numpy as np
import pytest

import telenb
from telenb.audio import Audio
from telenb.notebook.live import LiveCall
from telenb.notebook.mic import Endpointer

APP = "+15550100"
FAST = 20.0  # simulated seconds per wall second, to keep the tests quick


def menu_carrier(**options):
    carrier = telenb.Carrier(seed=5, **options)

    @carrier.app(APP)
    def menu(call):
        r = call.ask(
            "Press 1 for sales or 2 for support.",
            choices="sales(1), support(2)",
            mode="dtmf",
            timeout=10,
        )
        call.say(f"You chose {r.value}.")

    return carrier


async def until(condition, timeout=5.0):
    """Wait on the loop (not busy: sleeps between looks) until condition() holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.01)


def test_a_live_call_takes_keys_and_goes_back_to_virtual_time():
    carrier = menu_carrier()

    async def main():
        live = LiveCall(carrier, APP, speed=FAST, speak_prompts=False).start()
        assert carrier.realtime
        await until(lambda: any(e.kind == "prompt" for e in live.events))
        assert [e.audio for e in live.events if e.kind == "prompt"] == [None]  # words only
        await until(lambda: live.elapsed > 3.5)  # the prompt has played out
        live.press("2")
        return await live.wait()

    result = asyncio.run(main())
    assert result.results() == [("choice", "support")]
    assert result.said()[-1] == "You chose support."
    assert not carrier.realtime  # back to virtual time once the call is over
    assert carrier.call(APP, caller="press: 1").results() == [("choice", "sales")]


def test_live_events_give_status_prompts_and_a_transcript():
    carrier = menu_carrier()
    seen = []

    async def main():
        live = LiveCall(carrier, APP, speed=FAST)
        live.listeners.append(seen.append)
        live.start()
        await until(lambda: live.status == "in-progress")
        live.say("one")  # text fidelity: typed speech; the question takes keys only
        live.hangup()
        return live, await live.wait()

    live, result = asyncio.run(main())
    assert (seen[-1].kind, seen[-1].text) == ("done", "completed")
    assert [e.text for e in seen if e.kind == "status"][:2] == ["initiated", "ringing"]
    prompts = [e for e in seen if e.kind == "prompt"]
    # text fidelity has no prompt audio; the live call synthesises it so the person hears it
    assert prompts[0].text.startswith("Press 1") and prompts[0].audio.rate == 8000
    assert prompts[0].audio.duration > 1.0
    lines = live.transcript()
    assert any("ask" in line and "Press 1" in line for line in lines)
    assert any("hangup" in line and "caller" in line for line in lines)
    assert result.results() == [("hangup", "")]


def test_a_live_call_needs_a_running_loop():
    with pytest.raises(RuntimeError, match="running asyncio loop"):
        LiveCall(menu_carrier(), APP).start()


def burst(rate, seconds, freq=300.0, level=0.3):
    t = np.arange(round(rate * seconds)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def pcm_chunks(samples, rate, ms=100):
    pcm = Audio(samples, rate).to_pcm16()
    step = round(rate * ms / 1000) * 2
    return [pcm[i : i + step] for i in range(0, len(pcm), step)]


def test_the_endpointer_cuts_one_utterance_at_8khz():
    rate = 48000
    quiet = np.random.default_rng(1).normal(0, 0.001, rate).astype(np.float32)  # -60 dBFS
    signal = np.concatenate([quiet, burst(rate, 0.6), quiet, quiet])
    ep = Endpointer()
    out = []
    for chunk in pcm_chunks(signal, rate):
        out += ep.feed(chunk, rate)
    assert len(out) == 1 and out[0].rate == 8000
    # the speech plus a little before (pre-roll) and after (tail), not the 0.7 s of silence
    assert 0.6 < out[0].duration < 1.2
    assert ep.received == signal.size and not ep.speaking
    assert ep.flush() == []


def test_the_endpointer_ignores_a_click_and_flushes_speech_in_progress():
    rate = 16000
    ep = Endpointer()
    click = np.concatenate([np.zeros(rate // 2, np.float32), burst(rate, 0.04)])
    assert [u for c in pcm_chunks(click, rate) for u in ep.feed(c, rate)] == []
    assert [u for c in pcm_chunks(burst(rate, 0.5), rate) for u in ep.feed(c, rate)] == []
    assert ep.speaking
    (utt,) = ep.flush()
    assert utt.rate == 8000 and utt.duration >= 0.5
