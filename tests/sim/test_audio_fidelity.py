"""Audio fidelity: real audio crosses the channel; keypad answers are real DTMF."""

import numpy as np
import pytest

import telenb
from telenb.audio import Audio, Channel, detect_dtmf
from telenb.errors import ConfigurationError
from telenb.sim.audio_media import AudioMedia

from .helpers import example_flow

APP = "+15550100"


@pytest.fixture
def menu_wav(tmp_path):
    path = tmp_path / "menu.wav"
    t = np.arange(8000 * 2) / 8000
    Audio((0.1 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 8000).save(path)
    return str(path)


def keypad_carrier(prompt, channel=None, **options):
    media = AudioMedia(channel=channel) if channel is not None else None
    carrier = telenb.Carrier(seed=3, fidelity="audio", media=media)
    got = []

    @carrier.app(APP)
    def flow(call):
        got.append(call.ask(prompt, choices="[4 DIGITS]", mode="dtmf", **options))
        call.wait(0.5)  # the last tone is still sounding when the 4th digit is detected

    return carrier, got


def test_keypad_answers_are_real_dtmf_heard_through_g711(menu_wav):
    carrier, got = keypad_carrier(menu_wav)
    result = carrier.call(APP, caller="press: 4711")
    assert (got[0].name, got[0].value) == ("choice", "4711")
    # the caller's side of the call recording holds the tones the detector can find again
    left = result.audio.channel(0)
    assert "".join(e.digit for e in detect_dtmf(left)) == "4711"


def test_a_channel_that_destroys_the_tones_loses_the_digits(menu_wav):
    noisy = Channel(codec="pcmu", noise_dbfs=-3)  # noise far louder than the tones
    carrier, got = keypad_carrier(menu_wav, channel=noisy, timeout=3)
    carrier.call(APP, caller="press: 4711")
    assert got[0].name in ("timeout", "badChoice") and got[0].value != "4711"


def test_played_prompt_durations_come_from_the_file(menu_wav):
    carrier, _ = keypad_carrier(menu_wav)
    result = carrier.call(APP, caller="press: 1234")
    ask = result.trace.filter("ask")[0]
    assert ask["duration"] == pytest.approx(2.0)
    assert result.trace.filter("input")[0].t > 2.0  # answered after the prompt


def test_the_call_keeps_a_stereo_recording(menu_wav):
    carrier, _ = keypad_carrier(menu_wav)
    result = carrier.call(APP, caller="press: 1234")
    audio = result.audio
    assert audio.channels == 2 and audio.rate == 8000
    assert audio.duration == pytest.approx(result.duration, abs=1e-3)
    right = audio.channel(1).slice(0.2, 1.8)  # the menu tone, as the caller heard it
    spectrum = np.abs(np.fft.rfft(right.samples))
    assert np.argmax(spectrum) * 8000 / len(right.samples) == pytest.approx(440, abs=5)


def test_same_seed_same_audio_bytes(menu_wav):
    def once():
        carrier, _ = keypad_carrier(
            menu_wav, channel=Channel(codec="pcmu", loss=0.05, noise_dbfs=-45)
        )
        return carrier.call(APP, caller="press: 5555").audio.to_pcm16()

    assert once() == once()


def test_text_fidelity_has_no_call_audio():
    carrier = telenb.Carrier()
    carrier.app(APP, lambda call: None)
    assert carrier.call(APP).audio is None


# -- real speech: TTS prompts and caller speech, recognised through the channel -------------------
dress_shop = example_flow("dress_shop.py", "dress_shop")


def test_dress_shop_in_audio_fidelity_hears_purple_then_red():
    pytest.importorskip("faster_whisper", reason="telenb[whisper] is not installed")
    carrier = telenb.Carrier(seed=7, fidelity="audio", recognizer="whisper")
    carrier.app(APP, dress_shop)
    result = carrier.call(APP, caller=telenb.Caller("say: purple; say: red"))
    assert [n for n, _ in result.results()] == ["badChoice", "choice"]
    assert result.results()[1] == ("choice", "red")
    assert result.messages[0].body.endswith("/red")
    # the same flow, the same trace shape as in text fidelity
    text = telenb.Carrier(seed=7)
    text.app(APP, dress_shop)
    plain = text.call(APP, caller=telenb.Caller("say: purple; say: red"))
    assert [e.kind for e in result.trace] == [e.kind for e in plain.trace]


def test_the_pip_only_recogniser_hears_the_choices():
    carrier = telenb.Carrier(seed=2, fidelity="audio", recognizer="pocketsphinx")
    got = []
    carrier.app(
        APP, lambda call: got.append(call.ask("Colour?", choices="black, red, blue, green"))
    )
    for word in ["red", "green"]:
        carrier.call(APP, caller=f"say: {word}")
    assert [(e.name, e.value) for e in got] == [("choice", "red"), ("choice", "green")]
    assert all(0 < e.choice.confidence <= 1 for e in got)


def test_prompts_are_real_speech_with_their_own_durations():
    from telenb.audio import speech_segments
    from telenb.sim.media import speech_duration

    carrier = telenb.Carrier(seed=1, fidelity="audio")
    carrier.app(APP, lambda call: call.say("Welcome to the telenb help line.", voice="Kate"))
    result = carrier.call(APP)
    say = result.trace.filter("say")[0]
    assert say["voice"] == "Kate"
    assert say["duration"] != speech_duration("Welcome to the telenb help line.")
    heard = result.audio.channel(1)
    segments = speech_segments(heard)
    assert segments and sum(s.end - s.start for s in segments) > 0.8
    assert heard.rate == 8000 and heard.level_dbfs() > -40


def test_record_writes_the_callers_voice_where_asked_and_transcribes_it(tmp_path):
    pytest.importorskip("faster_whisper", reason="telenb[whisper] is not installed")
    path = tmp_path / "messages" / "note.wav"
    carrier = telenb.Carrier(seed=4, fidelity="audio", recognizer="whisper")
    got = []
    carrier.app(
        APP,
        lambda call: got.append(
            call.record(
                "Leave a message after the tone.",
                path=str(path),
                transcribe=True,
                silence_timeout=2,
            )
        ),
    )
    carrier.call(APP, caller="say: please call me back tomorrow morning")
    rec = got[0].recording
    assert got[0].name == "record" and path.exists()
    saved = Audio.load(path)
    assert saved.rate == 8000 and saved.duration == pytest.approx(rec.duration, abs=0.01)
    assert saved.level_dbfs() > -45  # speech, not silence
    words = got[0].transcription.lower()
    assert "call me back" in words and "tomorrow" in words


def test_a_carrier_switches_to_audio_fidelity_before_its_first_call():
    carrier = telenb.Carrier(seed=2)
    got = []
    carrier.app(APP, lambda call: got.append(call.ask("Colour?", choices="red, green")))
    carrier.set_fidelity("audio", recognizer="pocketsphinx")
    result = carrier.call(APP, caller="say: green")
    assert (got[0].name, got[0].value) == ("choice", "green")
    assert result.audio is not None and result.audio.duration > 1  # the call was heard
    with pytest.raises(ConfigurationError, match="before the carrier's first"):
        carrier.set_fidelity("text")
    with pytest.raises(ConfigurationError, match="'text' or 'audio'"):
        telenb.Carrier().set_fidelity("video")
