"""Engine support for live calls: switching clocks, trace listeners, recorded caller speech."""

import asyncio
import time
from types import SimpleNamespace

import numpy as np
import pytest

import telenb
from telenb.audio import Audio
from telenb.errors import ConfigurationError
from telenb.sim.clock import Clock, RealtimeClock
from telenb.sim.media import TextMedia

APP = "+15550100"


def test_realtime_clock_can_start_at_a_given_time():
    clock = RealtimeClock(speed=1.0, start=100.0)
    assert clock.now == 100.0
    assert 100.0 <= clock.elapsed() < 100.5


def test_time_spent_computing_an_event_is_not_simulated_time():
    clock, seen = RealtimeClock(speed=1.0), []
    clock.at(0.0, time.sleep, 0.3)  # e.g. synthesising a long prompt
    clock.at(0.0, lambda: seen.append(clock.elapsed()))
    clock.run()
    assert seen[0] < 0.1  # the person's timeline did not move while the network computed


def test_a_clock_adopts_another_clocks_pending_events():
    old, seen = Clock(), []
    old.at(2.0, seen.append, "b")
    keep = old.at(1.0, seen.append, "a")
    old.cancel(old.at(1.5, seen.append, "x"))
    new = Clock(start=0.5)
    new.adopt(old)
    assert old.peek() is None
    new.run()
    assert seen == ["a", "b"] and keep[2] is not None


def test_switching_to_real_time_keeps_time_and_pending_events():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, lambda call: call.say("hi"))
    carrier.call(APP)
    t = carrier.clock.now
    msg = carrier.send_message("later", to="+15550123")  # delivery steps are pending
    carrier.set_realtime(True, speed=50.0)
    assert carrier.realtime and isinstance(carrier.clock, RealtimeClock)
    assert carrier.clock.now == t
    carrier.run_until(lambda: msg.status == "delivered")  # runs on the wall clock, 50x
    carrier.set_realtime(False)
    assert not carrier.realtime and carrier.clock.now >= t
    # virtual time again: a call runs without waiting
    start = time.monotonic()
    result = carrier.call(APP)
    assert result.status == "completed" and time.monotonic() - start < 0.5


def test_clocks_cannot_switch_during_a_call():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, lambda call: call.wait(5))
    result = carrier.call(APP, run=False)
    with pytest.raises(ConfigurationError, match="active"):
        carrier.set_realtime(True)
    carrier.run_until(lambda: result.done)
    carrier.set_realtime(True)
    assert carrier.realtime


def test_a_live_call_runs_on_the_asyncio_loop_without_blocking_it():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, lambda call: call.wait(2))
    carrier.set_realtime(True, speed=10.0)
    ticks = []

    async def main():
        result = carrier.call(APP, run=False)
        driver = asyncio.get_running_loop().create_task(
            carrier.clock.run_async(stop=lambda: result.done)
        )
        while not driver.done():  # the loop stays free for other work meanwhile
            ticks.append(result.status)
            await asyncio.sleep(0.02)
        return result

    result = asyncio.run(main())
    assert result.status == "completed" and result.duration == pytest.approx(2.0, abs=0.2)
    assert len(ticks) > 5 and "in-progress" in ticks


def test_trace_listeners_hear_every_event_as_it_happens():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, lambda call: call.say("hello"))
    seen = []
    carrier.trace.listeners.append(lambda ev: seen.append((ev.kind, len(carrier.trace))))
    carrier.call(APP)
    assert [k for k, _ in seen] == carrier.trace.kinds()
    assert [n for _, n in seen] == list(range(1, len(carrier.trace) + 1))


class EarMedia(TextMedia):
    """Text fidelity with a stand-in recogniser that 'hears' red in an 8 kHz burst."""

    heard: list

    def recognize(self, utterance, ask, leg=None):
        self.heard.append(utterance)
        loud = utterance.audio is not None and utterance.audio.level_dbfs() > -30
        return ("red" if loud else ""), 0.8


def test_recorded_speech_reaches_the_question_and_its_recogniser():
    media = EarMedia()
    media.heard = []
    carrier = telenb.Carrier(seed=1, media=media)
    got = []

    @carrier.app(APP)
    def flow(call):
        got.append(call.ask("Which colour?", choices="red, blue", timeout=5))

    result = carrier.call(APP, run=False)
    carrier.run(until=2.0)  # the prompt has ended; the question is listening
    t = np.arange(16000 * 0.5) / 16000
    burst = Audio((0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32), 16000)
    end = result.leg.party_speak_audio(burst, carrier.clock.now)
    assert end == pytest.approx(carrier.clock.now + 0.5)
    carrier.run_until(lambda: result.done)
    assert (got[0].name, got[0].value) == ("choice", "red")
    utt = media.heard[0]
    assert utt.audio.rate == 8000 and utt.duration == pytest.approx(0.5)
    heard = result.trace.filter("input")[0]
    assert heard["value"] == "<speech 0.50s>" and heard["mode"] == "speech"


def colour_call(monkeypatch, recognize):
    """A text-fidelity question answered with recorded speech; `recognize` stands in for the
    speech layer's recogniser."""
    import telenb.speech

    monkeypatch.setattr(telenb.speech, "recognize", recognize, raising=False)
    carrier = telenb.Carrier(seed=1)
    got = []
    carrier.app(APP, lambda call: got.append(call.ask("Colour?", choices="red, blue", timeout=5)))
    result = carrier.call(APP, run=False)
    carrier.run(until=1.5)
    result.leg.party_speak_audio(Audio(np.full(4000, 0.1, np.float32), 8000), carrier.clock.now)
    carrier.run_until(lambda: result.done)
    return got[0]


def test_text_fidelity_hands_recorded_speech_to_the_speech_layer(monkeypatch):
    seen = []

    def recognize(audio, grammar=None, engine=None, min_confidence=None):
        seen.append((audio.rate, audio.frames, str(grammar), engine, min_confidence))
        return SimpleNamespace(text="blue", answer="blue", confidence=0.7)

    event = colour_call(monkeypatch, recognize)
    assert (event.name, event.value) == ("choice", "blue")
    # the question's own min_confidence reaches the recogniser (ask's default, 0.3)
    assert seen == [(8000, 4000, "red, blue", None, 0.3)]


def test_a_recogniser_crash_is_the_questions_error_event(monkeypatch):
    def recognize(audio, grammar=None, engine=None, min_confidence=None):
        raise RuntimeError("model missing")

    event = colour_call(monkeypatch, recognize)
    assert event.name == "error" and "model missing" in event.error
