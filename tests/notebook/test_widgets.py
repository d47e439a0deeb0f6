"""The Call log and Audio inspector widgets' kernel side (the browser half: tests/e2e)."""

import asyncio

import numpy as np
import pytest

import telenb
from telenb.audio import Audio, generate_dtmf, inspect
from telenb.notebook.calllog import CallLogWidget
from telenb.notebook.inspector import COLUMNS, AudioInspector

APP = "+15550100"


def shop(seed=3, **options):
    carrier = telenb.Carrier(seed=seed, **options)
    carrier.app(APP, lambda call: call.ask("Colour?", choices="red, blue", timeout=2))
    return carrier


def test_call_log_follows_the_carrier_and_opens_a_call():
    carrier = shop()
    log = CallLogWidget(carrier)
    assert log.rows == [] and log.total == 0
    first = carrier.call(APP, caller="say: blue")
    carrier.call("+15559999")  # not in service
    assert [r["status"] for r in log.rows] == ["completed", "failed"]
    assert log.rows[0]["from"] == "+15550199" and log.rows[0]["duration"] > 0
    log.selected = first.sid
    assert log.detail["sid"] == first.sid and log.detail["header"] == first.header()
    kinds = [kind for _t, _sid, kind, _text in log.detail["events"]]
    assert kinds == first.trace.kinds()
    assert log.recording == b"" and "text fidelity" in log.detail["note"]
    log.selected = ""
    assert log.detail == {}


def test_call_log_gives_the_recording_in_audio_fidelity(tmp_path):
    menu = tmp_path / "menu.wav"
    Audio(np.full(4000, 0.05, np.float32), 8000).save(menu)
    carrier = telenb.Carrier(seed=1, fidelity="audio")
    carrier.app(APP, lambda call: call.ask(str(menu), choices="[2 DIGITS]", mode="dtmf"))
    result = carrier.call(APP, caller="press: 42")
    log = CallLogWidget(carrier)
    log.selected = result.sid
    assert log.recording[:4] == b"RIFF" and log.detail["note"] == ""
    assert Audio.load(_wav(tmp_path, log.recording)).channels == 2


def _wav(tmp_path, data):
    path = tmp_path / "got.wav"
    path.write_bytes(data)
    return path


def test_call_log_refreshes_in_batches_on_the_loop():
    carrier = shop()
    log = CallLogWidget(carrier)
    updates = []
    log.observe(lambda change: updates.append(len(change["new"])), names="rows")

    async def main():
        for _ in range(20):
            carrier.call(APP, caller="say: red")
        assert updates == []  # nothing sent while the cell is still running
        await asyncio.sleep(0.4)

    asyncio.run(main())
    assert updates == [20]


def test_call_log_without_javascript_is_the_plain_table():
    carrier = shop()
    carrier.call(APP, caller="say: red")
    log = CallLogWidget(carrier)
    data, _ = log._repr_mimebundle_()
    assert data["text/plain"] == repr(carrier.calls)
    assert data["text/html"] == carrier.calls._repr_html_()


@pytest.fixture
def keys_wav(tmp_path):
    rng = np.random.default_rng(0)
    noise = Audio((0.2 * rng.standard_normal(4000)).astype(np.float32), 8000)  # 0.5 s "speech"
    audio = Audio.silence(0.3) + generate_dtmf("19", rate=8000) + Audio.silence(0.3) + noise
    path = tmp_path / "keys.wav"
    audio.pad(0, 0.3).save(path)
    return path


def test_inspector_marks_digits_and_speech_and_plays_a_selection(keys_wav):
    widget = AudioInspector(keys_wav)
    static = inspect(keys_wav)
    assert [d["digit"] for d in widget.dtmf] == ["1", "9"]
    assert widget.dtmf[0]["start"] == static[0].dtmf[0].start
    assert len(widget.speech) == len(static[0].speech) >= 1
    assert len(widget.envelope) == COLUMNS * 2 * 4  # float32 min/max per column
    nf, nt = widget.spec_shape
    assert len(widget.spectrogram) == nf * nt and widget.max_hz == 4000
    assert len(widget.pcm) == 2 * round(widget.duration * 8000) and widget.pcm_rate == 8000
    d = widget.dtmf[1]
    widget.select(d["end"], d["start"])  # either order
    sel = widget.selected_audio
    assert sel.duration == pytest.approx(d["end"] - d["start"], abs=1e-3)
    assert "".join(e.digit for e in telenb.audio.detect_dtmf(sel.pad(0.05, 0.05))) == "9"


def test_inspector_without_javascript_shows_the_static_inspection(keys_wav):
    widget = AudioInspector(keys_wav, label="keys")
    data, _ = widget._repr_mimebundle_()
    assert data["text/plain"] == repr(inspect(keys_wav, labels=("keys",)))
    assert "<img src='data:image/png;base64," in data["text/html"]
