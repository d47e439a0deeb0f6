"""The Phone widget in real JupyterLab and chromium: a live call to a flow, keys, prompt
audio played with WebAudio, the kernel answering other cells meanwhile."""

from __future__ import annotations

import re

SETUP = """
import numpy as np
import telenb
from telenb.audio import Audio

def tone(path, seconds, freq):
    t = np.arange(round(8000 * seconds)) / 8000
    Audio((0.2 * np.sin(2 * np.pi * freq * t)).astype(np.float32), 8000).save(path)
    return path

MENU = tone("menu.wav", 1.5, 440)    # "press 1 for sales, 2 for support"
THANKS = tone("thanks.wav", 0.5, 660)
carrier = telenb.Carrier(seed=7, fidelity="audio")

@carrier.app("+15550100")
def menu(call):
    r = call.ask(MENU, choices="sales(1), support(2)", mode="dtmf", timeout=30)
    call.log(f"chose {r.value}")
    call.say(THANKS)

print("ready")
"""

PHONE = """
%load_ext telenb
phone = %tel phone +15550100
phone
"""

WHILE_LIVE = "print('kernel free while', phone.status)"
AFTER = "print(phone.result.results(), phone.result.trace.filter('input')[0]['value'])"


def test_phone_calls_a_flow_plays_prompts_and_keys_reach_the_flow(open_notebook):
    nb = open_notebook([SETUP, PHONE, WHILE_LIVE, AFTER])
    assert "ready" in nb.run(0)
    nb.run(1)
    phone = nb.output(1).locator(".telenb-phone")
    phone.wait_for()
    assert phone.get_attribute("data-status") == "idle"

    phone.locator(".tp-call").click()
    nb.wait_js("document.querySelector('.telenb-phone').dataset.status === 'in-progress'")
    # the menu prompt reached the browser and an AudioBufferSourceNode started playing it
    played = nb.wait_js(
        "window.__telenb_played && window.__telenb_played.length >= 1 && window.__telenb_played"
    )
    assert played[0]["rate"] == 8000
    assert 1.5 * 8000 <= played[0]["samples"] <= 1.6 * 8000  # 1.5 s (+ channel delay)

    # the kernel runs another cell while the live call is up
    assert "kernel free while in-progress" in nb.run(2)
    # the menu plays to its end in the browser; then the caller presses 2
    nb.wait_js("window.__telenb_played[0].ended")
    assert not nb.js("window.__telenb_played[0].stopped")
    phone.locator(".tp-key[data-key='2']").click()
    transcript = phone.locator(".tp-transcript")
    nb.wait_text(transcript, "chose support")
    nb.wait_js("document.querySelector('.telenb-phone').dataset.status === 'completed'")
    lines = transcript.inner_text()
    assert re.search(r"input\s+caller dtmf \"2\"", lines), lines
    assert re.search(r"result\s+choice \"support\"", lines), lines
    # the thank-you prompt played too
    played = nb.js("window.__telenb_played")
    assert len(played) == 2 and 0.5 * 8000 <= played[1]["samples"] <= 0.6 * 8000
    assert phone.locator(".tp-timer").inner_text() == "0:02"  # 1.5 s menu, a key, 0.5 s

    # and the kernel agrees: the key crossed the line as DTMF and the detector heard a 2
    assert "[('choice', 'support')] 2" in nb.run(3)
