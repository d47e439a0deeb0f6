"""<Gather partialResultCallback>: interim speech results while the caller speaks.

Twilio's <Gather> reference: the partialResultCallback attribute "specifies a URL to which
Twilio sends requests as it recognizes speech in real time.  These requests contain a
parameter labeled UnstableSpeechResult which contains partial transcriptions.  These
transcriptions may change as the speech recognition progresses."  They are asynchronous
webhooks that "don't accept any TwiML documents in response", and partialResultCallbackMethod
is GET or POST, POST by default.  The requests also carry StableSpeechResult, Stability and
SequenceNumber, the names real partial-result handlers read.
"""

import flask
import pytest
from twilio.request_validator import RequestValidator

import telenb
from telenb.providers.twilio import offline_client, twilio_account
from telenb.sim.media import speech_duration

from ...helpers import APP, events, warnings, webhooks

PHRASE = "please book a table for two"


def partial_app(token: str, attr: str) -> tuple[flask.Flask, list]:
    """A Flask app in the style of real ones: the partial handler logs what it gets (and
    answers TwiML that must not run); the action thanks the caller for the final result."""
    app = flask.Flask("partials")
    log: list[tuple[str, dict, bool]] = []

    @app.post("/voice")
    def voice():
        return (
            f'<Response><Gather {attr} action="/done" partialResultCallback="/partial">'
            "<Say>How can I help?</Say></Gather></Response>"
        )

    @app.route("/partial", methods=["GET", "POST"])
    def partial():
        params = flask.request.form if flask.request.method == "POST" else {}
        ok = RequestValidator(token).validate(
            flask.request.url, params, flask.request.headers["X-Twilio-Signature"]
        )
        log.append((flask.request.method, dict(flask.request.values), ok))
        return "<Response><Say>Never played.</Say><Hangup/></Response>"

    @app.post("/done")
    def done():
        log.append(("action", dict(flask.request.form), True))
        said = flask.request.form.get("SpeechResult") or flask.request.form.get("Digits")
        return f"<Response><Say>You said {said}.</Say></Response>"

    return app, log


def call(attr: str = 'input="speech"', caller: str = f"say: {PHRASE}", **options):
    carrier = telenb.Carrier(seed=4, **options)
    token = twilio_account(carrier).auth_token
    app, log = partial_app(token, attr)
    carrier.app(APP, twiml=app, url="/voice")
    return carrier.call(APP, caller=caller), log


def test_partial_results_grow_word_by_word_toward_the_speech_result_before_the_action():
    """Twilio requests partialResultCallback (POST by default) while it recognises speech,
    each request with UnstableSpeechResult and a rising SequenceNumber; the final result goes
    to the action afterwards, and the partial requests' TwiML is not executed."""
    r, log = call()
    *partials, action = log
    assert action[0] == "action" and action[1]["SpeechResult"] == PHRASE
    words = PHRASE.split()
    assert [p["SequenceNumber"] for _m, p, _ok in partials] == [
        str(n) for n in range(1, len(words) + 1)
    ]
    assert [p["UnstableSpeechResult"] for _m, p, _ok in partials] == [
        " ".join(words[:n]) for n in range(1, len(words) + 1)
    ]
    assert [p["StableSpeechResult"] for _m, p, _ok in partials] == [
        " ".join(words[: n - 1]) for n in range(1, len(words) + 1)
    ]
    stability = [float(p["Stability"]) for _m, p, _ok in partials]
    assert stability == sorted(stability) and all(0 <= s < 1 for s in stability)
    assert all(m == "POST" and ok for m, _p, ok in partials)  # signed, form-encoded
    # the standard voice parameters come too
    first = partials[0][1]
    assert first["CallSid"] == r.sid and first["CallStatus"] == "in-progress"
    assert first["AccountSid"] == action[1]["AccountSid"] and first["From"] == "+15550199"
    # the TwiML answers were ignored: the call went on to the action's document
    assert r.said() == ["How can I help?", f"You said {PHRASE}."]
    assert not any("partialResultCallback" in m for _c, m in warnings(r))


def test_partial_requests_are_spread_over_the_callers_speech_in_the_trace():
    """ "In real time": each request goes out while the caller is speaking, and each is a
    webhook in the trace like any callback, before the action request."""
    r, _log = call()
    [heard] = events(r, "input")
    hooks = events(r, "webhook")
    partial = [e for e in hooks if e["purpose"] == "callback:partial"]
    action = next(e for e in hooks if e["purpose"] == "gather")
    assert len(partial) == len(PHRASE.split())
    times = [e.t for e in partial]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert heard.t < times[0] and times[-1] == pytest.approx(heard.t + speech_duration(PHRASE))
    assert times[-1] < action.t
    assert all(e["status"] == 200 and e["url"].endswith("/partial") for e in partial)


def test_partial_result_callback_method_get_sends_the_parameters_in_the_query():
    """partialResultCallbackMethod="GET": the same parameters arrive in the query string,
    and the signature (over the full URL) still validates."""
    r, log = call('input="speech" partialResultCallbackMethod="GET"')
    partials = [entry for entry in log if entry[0] != "action"]
    assert partials and all(m == "GET" and ok for m, _p, ok in partials)
    assert partials[-1][1]["UnstableSpeechResult"] == PHRASE
    [_m, url, params] = next(w for w in webhooks(r) if "/partial" in w[1])
    assert "UnstableSpeechResult=please" in url and "SequenceNumber=1" in url
    assert params["SequenceNumber"] == "1"


def test_no_partial_requests_without_speech():
    """Partial results come from speech recognition: keys pressed at a speech-and-dtmf
    <Gather> go to the action with no partial request, and so does silence (no request)."""
    r, log = call('input="dtmf speech" numDigits="1"', caller="press: 3")
    [(kind, params, _ok)] = log
    assert kind == "action" and params["Digits"] == "3"
    assert [w[1].rsplit("/", 1)[1] for w in webhooks(r)] == ["voice", "done"]
    r, log = call(caller="silence")
    assert log == [] and len(webhooks(r)) == 1


def test_a_failing_partial_handler_does_not_stop_the_gather():
    """The partial requests' answers are not used: an error there is a debugger warning,
    and the <Gather> still reports its result to the action."""

    def app(req):
        if req.path == "/partial":
            return "boom", 500
        if req.path == "/done":
            return f"<Response><Say>Got {req['SpeechResult']}.</Say></Response>"
        return (
            '<Response><Gather input="speech" action="/done" partialResultCallback="/partial">'
            "<Say>Speak.</Say></Gather></Response>"
        )

    carrier = telenb.Carrier(seed=4)
    carrier.app(APP, twiml=app)
    r = carrier.call(APP, caller="say: red car")
    assert r.said() == ["Speak.", "Got red car."]
    assert [c for c, _m in warnings(r)] == [15003, 15003]


def test_audio_fidelity_partials_lead_to_what_the_recogniser_heard():
    """In audio fidelity the caller's voice crosses the channel and a real recogniser
    decides; the partial results still end on exactly the SpeechResult it produced."""
    pytest.importorskip("faster_whisper", reason="telenb[whisper] is not installed")
    _r, log = call(caller="say: my name is ada", fidelity="audio", recognizer="whisper")
    *partials, action = log
    final = action[1]["SpeechResult"]
    assert final and partials[-1][1]["UnstableSpeechResult"] == final
    assert [int(p["SequenceNumber"]) for _m, p, _ok in partials] == list(
        range(1, len(final.split()) + 1)
    )
    assert all(ok for _m, _p, ok in partials)


def test_acting_on_a_partial_result_through_the_rest_api_ends_the_gather():
    """Twilio: "To take more actions based on this partial result, use the REST API to
    modify the call."  Redirecting the call from the partial handler replaces the <Gather>:
    no further partial request and no action request follow."""
    carrier = telenb.Carrier(seed=4)
    client = offline_client(carrier)
    app = flask.Flask("early")
    seen: list[str] = []

    @app.post("/voice")
    def voice():
        return (
            '<Response><Gather input="speech" action="/done" partialResultCallback="/partial">'
            "<Say>How can I help?</Say></Gather></Response>"
        )

    @app.post("/partial")
    def partial():
        form = flask.request.form
        seen.append(form["UnstableSpeechResult"])
        if "table" in form["UnstableSpeechResult"].split():
            twiml = "<Response><Say>A table it is.</Say></Response>"
            client.calls(form["CallSid"]).update(twiml=twiml)
        return "", 204

    @app.post("/done")
    def done():  # must not be requested: the REST update replaced the <Gather>
        return "<Response><Say>Too late.</Say></Response>"

    carrier.app(APP, twiml=app, url="/voice")
    r = carrier.call(APP, caller=f"say: {PHRASE}")
    assert seen == ["please", "please book", "please book a", "please book a table"]
    assert r.said() == ["How can I help?", "A table it is."]
    assert not [e for e in events(r, "webhook") if e["purpose"] == "gather"]


def test_same_seed_same_partial_requests():
    """Deterministic: the same call twice sends the same partial requests at the same times."""

    def partials(result):
        hooks = events(result, "webhook")
        return [(e.t, e["url"], e["params"]) for e in hooks if e["purpose"] == "callback:partial"]

    first, _ = call()
    again, _ = call()
    assert partials(first) and partials(first) == partials(again)
