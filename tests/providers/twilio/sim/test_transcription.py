"""<Record transcribeCallback>: asynchronous, after the Record action, as on Twilio."""

import flask
import pytest

import telenb
from telenb.providers.twilio.sim import transcriptions

from ...helpers import APP, events, webhooks


def voicemail_app() -> tuple[flask.Flask, dict]:
    """A voicemail app in the style of the real ones: the action creates the row, the
    transcription callback updates it (and answers 500 if the row is not there yet)."""
    app = flask.Flask("voicemail")
    rows: dict[str, dict] = {}

    @app.post("/voice")
    def voice():
        return (
            "<Response><Say>Leave a message after the beep.</Say>"
            '<Record action="/saved" maxLength="60" transcribeCallback="/transcribed"/>'
            "</Response>"
        )

    @app.post("/saved")
    def saved():
        rows[flask.request.form["RecordingSid"]] = {"text": None}
        return "<Response><Say>Thanks, goodbye.</Say></Response>"

    @app.post("/transcribed")
    def transcribed():
        row = rows.get(flask.request.form["RecordingSid"])
        if row is None:
            flask.abort(500)
        row["text"] = flask.request.form["TranscriptionText"]
        row["status"] = flask.request.form["TranscriptionStatus"]
        return "", 204

    return app, rows


def test_transcription_comes_after_the_action_and_finds_the_row():
    app, rows = voicemail_app()
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, twiml=app, url="/voice")
    r = carrier.call(APP, caller="say: please call me back about the invoice; press: #")
    purposes = [(e["purpose"], e["status"]) for e in events(r, "webhook")]
    assert purposes == [("voice", 200), ("record", 200), ("callback:transcription", 204)]
    [row] = rows.values()
    assert row == {"text": "please call me back about the invoice", "status": "completed"}
    assert not [e for e in events(r, "warning") if e.get("code") == 15003]


def test_transcription_delay_follows_the_recording_length():
    app, _rows = voicemail_app()
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, twiml=app, url="/voice")
    r = carrier.call(APP, caller="say: call me; press: #")
    record = next(e for e in events(r, "webhook") if e["purpose"] == "record")
    cb = next(e for e in events(r, "webhook") if e["purpose"] == "callback:transcription")
    [rec] = r.recordings
    assert cb.t - record.t == pytest.approx(transcriptions.delay(rec.duration), abs=0.01)
    assert cb.t > r.leg.ended_at  # the call was over well before: asynchronous
    assert cb["params"]["CallStatus"] == "completed"
    assert transcriptions.delay(100) > transcriptions.delay(10) > transcriptions.BASE_DELAY


def test_recording_too_short_to_transcribe_fails_without_text():
    app, rows = voicemail_app()
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, twiml=app, url="/voice")
    carrier.call(APP, caller="say: hi; press: #")  # about half a second of speech
    [row] = rows.values()
    assert row == {"text": "", "status": "failed"}


def test_carrier_call_returns_only_after_the_transcription():
    app, rows = voicemail_app()
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, twiml=app, url="/voice")
    r = carrier.call(APP, caller="say: please ring me tomorrow; press: #")
    assert next(iter(rows.values()))["text"] == "please ring me tomorrow"
    assert carrier.clock.pending == 0
    assert [p for _m, _u, p in webhooks(r)][-1]["TranscriptionSid"].startswith("TR")
