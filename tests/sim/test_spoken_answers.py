"""A caller's answer in more words than the choice: "red please" picks `red` on the simulator.

SRGS 1.0 (W3C, 2.2.3 special rules) wraps an item in GARBAGE so that words around it are
accepted, and Microsoft Speech Server's lesson shows "new reservation, please" matching the
item "new reservation" that way; Twilio's `<Gather input="speech">` hands the app the whole
SpeechResult.  A flow's `ask` therefore takes the one choice an utterance names as whole
words, and still refuses one that names two.
"""

import pytest

import telenb

from .helpers import example_flow, run_flow

APP = "+15550100"


def _asker(got):
    def flow(call):
        got.append(call.ask("Which colour?", choices="black, red, blue, green", attempts=1))

    return flow


@pytest.mark.parametrize(
    "said,name,value",
    [
        ("red please", "choice", "red"),
        ("I'd like the red one", "choice", "red"),
        ("red", "choice", "red"),
        ("red or blue", "badChoice", "red or blue"),  # two choices: no guess
        ("purple please", "badChoice", "purple please"),
    ],
)
def test_text_fidelity_takes_the_one_choice_said_within_a_sentence(said, name, value):
    got = []
    run_flow(_asker(got), f"say: {said}")
    assert (got[0].name, got[0].value) == (name, value)
    assert got[0].choice.utterance == said


def test_audio_fidelity_hears_a_multi_word_answer_and_picks_the_choice():
    """The caller's sentence is synthesised, crosses the G.711 channel and is recognised;
    the transcript is the whole sentence and the flow's grammar finds `red` in it."""
    pytest.importorskip("faster_whisper", reason="telenb[whisper] is not installed")
    dress_shop = example_flow("dress_shop.py", "dress_shop")
    carrier = telenb.Carrier(seed=7, fidelity="audio", recognizer="whisper")
    carrier.app(APP, dress_shop)
    result = carrier.call(APP, caller=telenb.Caller("say: I would like the red one please"))
    assert result.results()[0] == ("choice", "red"), result.trace.text()
    [res] = result.trace.filter("result")
    assert {"like", "red", "one"} <= set(res["utterance"].lower().strip(".").split())
