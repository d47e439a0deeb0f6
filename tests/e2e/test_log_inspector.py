"""The Call log and Audio inspector widgets in real JupyterLab and chromium."""

from __future__ import annotations

CALLS = """
%load_ext telenb
import numpy as np
import telenb
from telenb.audio import Audio

t = np.arange(8000) / 8000
Audio((0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 8000).save("menu.wav")
carrier = telenb.Carrier(seed=3, fidelity="audio")
carrier.app("+15550100", lambda call: call.ask("menu.wav", choices="[2 DIGITS]", mode="dtmf"))
carrier.call("+15550100", caller="press: 42")
carrier.call("+15550100", caller="press: 7; hangup")
carrier.call("+15559999")  # not in service
log = %tel log
log
"""
MORE = "carrier.call('+15550100', caller='press: 99').status"

INSPECT = """
%load_ext telenb
from telenb.audio import Audio, generate_dtmf
(Audio.silence(0.3) + generate_dtmf("159", tone_ms=100, gap_ms=150)).pad(0, 0.3).save("keys.wav")
insp = %inspect keys.wav
insp
"""
SELECTED = """
from telenb.audio import detect_dtmf
print(insp.selection, [e.digit for e in detect_dtmf(insp.selected_audio.pad(0.05, 0.05))])
"""


def test_call_log_sorts_opens_a_call_and_follows_new_calls(open_notebook):
    nb = open_notebook([CALLS, MORE])
    nb.run(0)
    log = nb.output(0).locator(".telenb-log")
    log.wait_for()
    rows = log.locator("tbody tr")
    assert rows.count() == 3
    statuses = [r.get_attribute("data-status") for r in rows.all()]
    assert statuses == ["completed", "completed", "failed"]  # by start time

    log.locator("th[data-key='status']").click()  # sort by status, then reverse
    log.locator("th[data-key='status']").click()
    assert [r.get_attribute("data-status") for r in rows.all()] == [
        "failed",
        "completed",
        "completed",
    ]

    first = log.locator("tbody tr[data-status='completed']").first
    sid = first.get_attribute("data-sid")
    first.click()
    detail = log.locator(f".tl-detail[data-sid='{sid}']")
    detail.wait_for()
    kinds = [k.get_attribute("data-kind") for k in detail.locator("tr").all()]
    assert kinds[0] == "status" and "ask" in kinds and "result" in kinds
    assert "selected" in (first.get_attribute("class") or "")
    # audio fidelity: the call's stereo recording, playable in the widget
    player = detail.locator("audio.tl-player")
    assert player.get_attribute("src").startswith("blob:")
    duration = nb.wait_js(
        "(() => { const a = document.querySelector('audio.tl-player');"
        " return a.readyState >= 1 && a.duration; })()"
    )
    assert duration > 1.0

    # a call placed later appears without re-running the log cell
    assert "'completed'" in nb.run(1)
    nb.wait_js("document.querySelector('.telenb-log').dataset.rows === '4'")


def test_inspector_marks_digits_and_plays_a_clicked_digit(open_notebook):
    nb = open_notebook([INSPECT, SELECTED])
    nb.run(0)
    insp = nb.output(0).locator(".telenb-inspector")
    insp.wait_for()
    markers = insp.locator(".ti-marker")
    assert [m.inner_text() for m in markers.all()] == ["1", "5", "9"]
    assert insp.locator("canvas.ti-spec").bounding_box()["width"] == 800
    assert "DTMF: 159" in insp.locator(".ti-info").inner_text()

    markers.nth(1).click()  # the 5: selects its span and plays it
    played = nb.wait_js(
        "(window.__telenb_played || []).filter(p => p.source === 'inspector').length &&"
        " window.__telenb_played"
    )
    clip = [p for p in played if p["source"] == "inspector"][-1]
    assert clip["rate"] == 8000
    assert 0.09 * 8000 <= clip["samples"] <= 0.12 * 8000  # about the 100 ms tone
    assert insp.get_attribute("data-selection")

    # drag a selection on the canvas: the kernel sees it
    box = insp.locator(".ti-overlay").bounding_box()
    nb.page.mouse.move(box["x"] + 5, box["y"] + 50)
    nb.page.mouse.down()
    nb.page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 50, steps=5)
    nb.page.mouse.up()
    text = nb.run(1)
    assert "['1']" in text  # the first third holds only the 1
