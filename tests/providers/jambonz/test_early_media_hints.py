"""say/play earlyMedia, gather's recognizer.hints, and dial's hooks on the simulator."""

from __future__ import annotations

import pytest

import telenb
from telenb.providers.docverbs.hints import bias

APP, AGENT = "+15550100", "+15550123"


def statuses(result, sid):
    return [(e.t, e["status"]) for e in result.trace.filter("status", sid)]


def test_early_media_plays_before_the_call_is_answered():
    """say earlyMedia: "if true and the call has not yet been answered, play the audio
    without answering call"; the feature server sends 183 Session Progress with the
    media, and the first verb without it answers the call."""
    carrier = telenb.Carrier(seed=2)
    hooks: list[dict] = []
    app = {
        "/call": [
            {"verb": "say", "text": "Please hold while we connect you.", "earlyMedia": True},
            {"verb": "say", "text": "Welcome to the shop."},
        ],
        "/status": lambda req: hooks.append(dict(req)) or ("", 204),
    }
    carrier.app(APP, jambonz=app, url="/call", status_hook="/status")
    result = carrier.call(APP)
    root = result.root.sid
    (early,) = result.trace.filter("sip", root)
    assert (early["status"], early["reason"]) == (183, "Session Progress")
    says = [e.t for e in result.trace.filter("say", root)]
    answered = next(t for t, s in statuses(result, root) if s == "in-progress")
    assert says[0] < answered <= says[1]
    assert result.trace.said() == ["Please hold while we connect you.", "Welcome to the shop."]
    assert "early-media" not in [h["call_status"] for h in hooks]  # not for an inbound call


def test_early_media_then_hangup_never_answers():
    """A call that only had early media is never answered: hangup needs an answered call
    (the feature server's StableCall precondition), so the call ends unanswered."""
    carrier = telenb.Carrier(seed=2)
    app = [{"verb": "play", "url": "https://example.test/closed.mp3", "earlyMedia": True},
           {"verb": "hangup"}]  # fmt: skip
    result = carrier.call(APP) if carrier.app(APP, jambonz=app) else None
    assert result is not None and result.root.answered_at is None
    assert "in-progress" not in [s for _, s in statuses(result, result.root.sid)]


def test_without_early_media_the_say_answers_first():
    """earlyMedia defaults to false: say answers the call before it speaks."""
    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, jambonz=[{"verb": "say", "text": "Hello"}])
    result = carrier.call(APP)
    assert len(result.trace.filter("sip", result.root.sid)) == 0
    answered = next(t for t, s in statuses(result, result.root.sid) if s == "in-progress")
    assert answered <= result.trace.filter("say")[0].t


def gather_app(seen: list, hints: list | None):
    recognizer = {"vendor": "google", "language": "en-US"}
    if hints is not None:
        recognizer["hints"] = hints
    return {
        "/call": [{"verb": "gather", "input": ["speech"], "actionHook": "/heard", "timeout": 5,
                   "recognizer": recognizer, "say": {"text": "What was the test?"}}],
        "/heard": lambda req: seen.append(dict(req)) or ("", 204),
    }  # fmt: skip


def heard(caller: str, hints: list | None) -> str:
    carrier = telenb.Carrier(seed=2)
    seen: list[dict] = []
    carrier.app(APP, jambonz=gather_app(seen, hints), url="/call")
    carrier.call(APP, caller=caller)
    return seen[0]["speech"]["alternatives"][0]["transcript"]


def test_hints_bias_a_near_miss_to_the_hint():
    """recognizer.hints: "Array of words or phrases to assist speech detection" (as
    Google's speech contexts, "more likely to recognize them"): a near miss is heard as the
    hint; without hints it is heard as said."""
    assert heard("say: it was a biopsie", ["benign", "malignant", "biopsy"]) == "it was a biopsy"
    assert heard("say: it was a biopsie", None) == "it was a biopsie"


def test_hints_do_not_limit_recognition():
    """Hints assist; they are not a grammar: words far from every hint are heard as said,
    and hint objects ({"phrase": ...}) are read too."""
    hints = [{"phrase": "biopsy", "boost": 20}]
    assert heard("say: a blood test", hints) == "a blood test"
    assert heard("say: a biopsee please", hints) == "a biopsy please"


@pytest.mark.parametrize(
    "text, hints, out",
    [
        ("check my balance", ["account balance"], "check my balance"),
        ("my acount balanse", ["account balance"], "my account balance"),
        ("Biopsy", ["biopsy"], "Biopsy"),
    ],
)
def test_bias_replaces_only_close_runs_of_words(text, hints, out):
    """telenb's model of a bias (docverbs.hints): a run of words close to a hint (ratio at
    least 0.75) becomes the hint; an exact match (any case) stays as said."""
    assert bias(text, hints) == out


def test_a_wait_hook_on_dial_is_refused_as_an_unknown_property():
    """jambonz's verb specification: enqueue takes actionHook and waitHook; dial has an
    actionHook only (a waitHook on dial is an unknown property and the app is refused)."""
    carrier = telenb.Carrier(seed=2)
    dial = [{"verb": "dial", "target": [{"type": "phone", "number": AGENT}],
             "actionHook": "/done", "waitHook": "/wait"}]  # fmt: skip
    carrier.app(APP, jambonz={"/call": dial}, url="/call")
    result = carrier.call(APP)
    assert result.status == "failed"
    errors = [e["message"] for e in result.trace.filter("error")]
    assert any("dial: unknown property waitHook" in m for m in errors)
