"""Talking to a flow through the browser microphone: chromium's fake capture device plays a
WAV, the Phone's AudioWorklet streams it to the kernel, the endpointer cuts the utterance,
and the flow's recogniser hears it."""

from __future__ import annotations

SETUP = """
%load_ext telenb
import telenb
from telenb.sim.media import TextMedia

class StandIn(TextMedia):
    # stand-in recogniser: any utterance louder than -30 dBFS is "red"
    def recognize(self, utterance, ask, leg=None):
        loud = utterance.audio is not None and utterance.audio.level_dbfs() > -30
        return ("red" if loud else ""), 0.9

carrier = telenb.Carrier(seed=1, media=StandIn())

@carrier.app("+15550100")
def colour(call):
    r = call.ask("Say a colour.", choices="red, blue", timeout=20)
    call.log(f"heard {r.value}")

phone = %tel phone +15550100
phone
"""
CHECK = "print(phone.mic_samples > 8000, len(phone.utterances), phone.utterances[0].rate)"


def test_microphone_speech_reaches_the_flow(open_notebook):
    nb = open_notebook([SETUP, CHECK])
    nb.run(0)
    phone = nb.output(0).locator(".telenb-phone")
    phone.locator(".tp-call").click()
    nb.wait_js("document.querySelector('.telenb-phone').dataset.status === 'in-progress'")
    phone.locator(".tp-mic").click()
    nb.wait_js("document.querySelector('.telenb-phone').dataset.mic === 'on'")
    stats = nb.wait_js(
        "window.__telenb_mic && window.__telenb_mic.chunks > 3 && window.__telenb_mic"
    )
    assert stats["rate"] >= 8000
    transcript = phone.locator(".tp-transcript")
    nb.wait_text(transcript, "heard red", timeout=20_000)
    assert 'input    caller speech "<speech' in transcript.inner_text()
    nb.wait_js("document.querySelector('.telenb-phone').dataset.status === 'completed'")
    nb.wait_js("document.querySelector('.telenb-phone').dataset.mic === 'off'")  # call over
    assert nb.run(1).split() == ["True", "1", "8000"]
