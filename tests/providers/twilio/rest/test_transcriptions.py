"""Transcriptions through the real SDK, as Twilio's Transcriptions resource documents them:
made by `<Record transcribe="true">` (with or without `transcribeCallback`), `in-progress`
until the text is ready, then `completed` with `transcription_text` (or `failed` for
recordings outside 2-120 s); listed for the account and under their recording, fetched and
deleted; SIDs start with TR."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException

import telenb
from telenb.providers.twilio import offline_client, twilio_account
from telenb.providers.twilio.sim import transcriptions as sim_transcriptions

LINE = "+15550100"
VOICEMAIL = {
    "/": '<Response><Say>Leave a message.</Say><Record transcribe="true" action="/done"/>'
    "</Response>",
    "/done": "<Response><Hangup/></Response>",
}


def _call(carrier: telenb.Carrier, speech: str, **kw):
    carrier.app(LINE, twiml=VOICEMAIL)
    return carrier.call(LINE, caller=f"say: {speech}; press: #", **kw)


def test_record_transcribe_without_callback_makes_a_completed_transcription():
    carrier = telenb.Carrier(seed=5)
    result = _call(carrier, "the boiler in flat four is leaking again")
    client = offline_client(carrier)
    [rec] = result.recordings
    [t] = client.transcriptions.list()
    assert t.sid.startswith("TR") and len(t.sid) == 34
    assert (t.status, t.type, t.recording_sid) == ("completed", "fast", rec.sid)
    assert t.transcription_text == "the boiler in flat four is leaking again"
    assert int(t.duration) == max(1, round(rec.duration))
    assert t.date_updated > t.date_created  # the text came later, asynchronously
    assert client.transcriptions(t.sid).fetch().transcription_text == t.transcription_text
    [under] = client.recordings(rec.sid).transcriptions.list()
    assert under.sid == t.sid


def test_in_progress_until_the_text_is_ready():
    carrier = telenb.Carrier(seed=5)
    carrier.app(LINE, twiml=VOICEMAIL)
    carrier.call(LINE, caller="say: please call me back tomorrow; press: #", run=False)
    client = offline_client(carrier)
    carrier.run(until=20)  # the call is over; the transcription is at least 30 s away
    [t] = client.transcriptions.list()
    assert (t.status, t.transcription_text) == ("in-progress", None)
    ended = t.date_created
    carrier.run()
    done = client.transcriptions(t.sid).fetch()
    assert (done.status, done.transcription_text) == ("completed", "please call me back tomorrow")
    assert done.date_created == ended


def test_a_recording_too_short_to_transcribe_fails():
    carrier = telenb.Carrier(seed=5)
    _call(carrier, "hi")
    [t] = offline_client(carrier).transcriptions.list()
    assert (t.status, t.transcription_text) == ("failed", None)


def test_no_transcription_unless_asked():
    carrier = telenb.Carrier(seed=5)
    carrier.app(
        LINE, twiml={"/": '<Response><Record action="/x"/></Response>', "/x": "<Response/>"}
    )
    carrier.call(LINE, caller="say: nothing to see here; press: #")
    assert offline_client(carrier).transcriptions.list() == []


def test_delete_and_not_found():
    carrier = telenb.Carrier(seed=5)
    result = _call(carrier, "the boiler in flat four is leaking again")
    client = offline_client(carrier)
    [t] = client.transcriptions.list()
    assert client.transcriptions(t.sid).delete() is True
    assert client.transcriptions.list() == []
    with pytest.raises(TwilioRestException) as err:
        client.transcriptions(t.sid).fetch()
    assert (err.value.status, err.value.code) == (404, 20404)
    [rec] = result.recordings
    assert client.recordings(rec.sid).transcriptions.list() == []
    with pytest.raises(TwilioException, match="20404"):  # the SDK wraps a list's 404
        client.recordings("RE" + "0" * 32).transcriptions.list()


def test_the_delay_is_the_simulated_one():
    carrier = telenb.Carrier(seed=5)
    result = _call(carrier, "the boiler in flat four is leaking again")
    [t] = offline_client(carrier).transcriptions.list()
    [rec] = result.recordings
    item = next(x for x in twilio_account(carrier).transcriptions if x.sid == t.sid)
    assert item.updated - item.created == pytest.approx(sim_transcriptions.delay(rec.duration))
