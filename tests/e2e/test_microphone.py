"""Talking to a flow through the browser microphone: chromium's fake capture device plays a
WAV of the word "red", the Phone's AudioWorklet streams it to the kernel, the endpointer cuts
the utterance, and in audio fidelity it crosses the G.711 channel to the flow's recogniser,
which must match it against the question's choices."""

from __future__ import annotations

import re

SETUP = """
%load_ext telenb
import telenb

carrier = telenb.Carrier(seed=1, fidelity="audio")

@carrier.app("+15550100")
def colour(call):
    r = call.ask("Say red or blue.", choices="red, blue", timeout=20)
    call.say(f"You said {r.value}.")

phone = %tel phone +15550100
phone
"""
CHECK = """
print(phone.mic_samples > 8000, phone.utterances[0].rate, phone.result.results())
"""


def test_microphone_speech_is_recognised_and_matched_by_the_flow(open_notebook):
    nb = open_notebook([SETUP, CHECK])
    nb.run(0)
    phone = nb.output(0).locator(".telenb-phone")
    phone.locator(".tp-call").click()
    nb.wait_js("document.querySelector('.telenb-phone').dataset.status === 'in-progress'")
    # the synthesised question plays in the browser
    played = nb.wait_js("(window.__telenb_played || []).length >= 1 && window.__telenb_played")
    assert played[0]["text"] == "Say red or blue." and played[0]["samples"] > 0.5 * 8000

    phone.locator(".tp-mic").click()
    nb.wait_js("document.querySelector('.telenb-phone').dataset.mic === 'on'")
    stats = nb.wait_js(
        "window.__telenb_mic && window.__telenb_mic.chunks > 3 && window.__telenb_mic"
    )
    assert stats["rate"] >= 8000
    transcript = phone.locator(".tp-transcript")
    nb.wait_text(transcript, 'result   choice "red"', timeout=30_000)
    assert re.search(r'input\s+caller speech "<speech \d\.\d\ds>"', transcript.inner_text())
    nb.wait_js("document.querySelector('.telenb-phone').dataset.status === 'completed'")
    nb.wait_js("document.querySelector('.telenb-phone').dataset.mic === 'off'")  # call over
    played = nb.js("window.__telenb_played")
    assert played[-1]["text"] == "You said red."
    assert nb.run(1).strip() == "True 8000 [('choice', 'red')]"
