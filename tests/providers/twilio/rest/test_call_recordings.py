"""Recording a live call through Calls/{CallSid}/Recordings with the real twilio SDK: start,
pause (skip or silence), resume and stop mid-call, as twilio.com/docs/voice/api/recording
documents them, with the recording made from the call's own media."""

import io
import urllib.request
import wave

import numpy as np
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

import telenb
from telenb.providers.twilio import offline_client, twilio_account
from telenb.providers.twilio.rest.call_recordings import PROCESSING_BASE, PROCESSING_PER_SECOND

APP = "+15550100"
ORIGIN = "https://15550100.twiml.test"
# the caller answers two questions, then holds: "four two" is said from 2.825 s, "Ada
# Lovelace" from 11.85 s (seed 5, text fidelity; the trace confirms it in each test)
DOCS = {
    "/": "<Response><Gather input='speech' action='/said'><Say>Please say your account "
    "number.</Say></Gather></Response>",
    "/said": "<Response><Gather input='speech' action='/done'><Say>Thank you. And your "
    "name?</Say></Gather></Response>",
    "/done": "<Response><Say>Please hold.</Say><Pause length='60'/></Response>",
}
CALLER = "say: four two; say: Ada Lovelace; wait: 60s"


def on_hold(seed=5, caller=CALLER, **carrier_options):
    """The caller on the line for a minute; every request the app gets is kept."""
    carrier = telenb.Carrier(seed=seed, **carrier_options)
    seen = []

    def app(req):
        seen.append(req)
        return DOCS.get(req.path, "")

    carrier.app(APP, twiml=app)
    leg = carrier.call(APP, caller=caller, run=False).leg
    return carrier, leg, seen


def spoken(carrier, leg):
    """When the caller started each answer (virtual seconds)."""
    return {e["value"]: e.t for e in carrier.trace.filter("input", leg.sid)}


def callbacks(seen):
    return [r for r in seen if r.path == "/rec"]


def test_start_pause_resume_stop_and_the_status_callbacks():
    """POST to the call's Recordings answers the new recording `in-progress` with source
    StartCallRecordingAPI; Status=paused / in-progress / stopped move it (`Twilio.CURRENT`
    names the call's active recording); once stopped it is `processing`, then `completed`.
    RecordingStatusCallbackEvent `in-progress completed` asks for the callback when it starts
    and when the file is available; each request is signed with X-Twilio-Signature."""
    carrier, leg, seen = on_hold()
    client = offline_client(carrier)
    carrier.run(until=1)
    rec = client.calls(leg.sid).recordings.create(
        recording_status_callback=f"{ORIGIN}/rec",
        recording_status_callback_event=["in-progress completed"],
    )
    assert rec.sid.startswith("RE") and rec.status == "in-progress" and rec.call_sid == leg.sid
    assert (rec.source, rec.channels, rec.track) == ("StartCallRecordingAPI", 1, "both")
    carrier.run(until=2)
    current = client.calls(leg.sid).recordings("Twilio.CURRENT")
    assert current.update(status="paused", pause_behavior="skip").status == "paused"
    assert client.calls(leg.sid).recordings(rec.sid).fetch().status == "paused"
    carrier.run(until=6)
    assert current.update(status="in-progress").status == "in-progress"
    carrier.run(until=15)
    assert client.calls(leg.sid).recordings(rec.sid).update(status="stopped").status == "stopped"
    assert client.calls(leg.sid).recordings(rec.sid).fetch().status == "processing"
    assert client.recordings(rec.sid).fetch().media_url is None  # not published yet
    carrier.run(until=40)
    done = client.calls(leg.sid).recordings(rec.sid).fetch()
    assert done.status == "completed" and done.duration == "10"  # 14 s less the 4 s skipped
    media_url = client.recordings(rec.sid).fetch().media_url  # the account's Recordings
    assert media_url.startswith("http://127.0.0.1:")
    started, completed = callbacks(seen)
    assert started["RecordingStatus"] == "in-progress" and started["RecordingSid"] == rec.sid
    assert started["CallSid"] == leg.sid and "RecordingUrl" not in started
    assert completed["RecordingStatus"] == "completed"
    assert completed["RecordingDuration"] == "10" and completed["RecordingUrl"] == media_url
    assert completed["RecordingSource"] == "StartCallRecordingAPI"
    assert completed["RecordingChannels"] == "1" and completed["RecordingTrack"] == "both"
    times = [e.t for e in carrier.trace.filter("webhook", leg.sid) if "/rec" in e["url"]]
    assert times == [1, pytest.approx(15 + PROCESSING_BASE + 10 * PROCESSING_PER_SECOND)]
    validator = RequestValidator(twilio_account(carrier).auth_token)
    for req in (started, completed):
        assert validator.validate(req.url, req.params, req.headers["X-Twilio-Signature"])
    assert [r.sid for r in client.recordings.list(call_sid=leg.sid)] == [rec.sid]


@pytest.mark.parametrize(("behavior", "length"), [("skip", 10.0), ("silence", 14.0)])
def test_paused_time_is_skipped_or_kept_as_silence(behavior, length):
    """PauseBehavior: `skip` does not record during the pause (the recording is shorter),
    `silence` replaces the call's audio with silence for the pause (the default).  What
    the caller says while paused is in neither; what follows moves earlier only with skip."""
    carrier, leg, _seen = on_hold()
    client = offline_client(carrier)
    carrier.run(until=1)
    rec = client.calls(leg.sid).recordings.create()
    carrier.run(until=2)
    client.calls(leg.sid).recordings(rec.sid).update(status="paused", pause_behavior=behavior)
    carrier.run(until=6)
    client.calls(leg.sid).recordings(rec.sid).update(status="in-progress")
    carrier.run(until=15)
    client.calls(leg.sid).recordings(rec.sid).update(status="stopped")
    carrier.run(until=40)
    said_at = spoken(carrier, leg)
    assert 2 < said_at["four two"] < 6 < said_at["Ada Lovelace"] < 15  # paused, then not
    [made] = [r for r in carrier.recordings if r.sid == rec.sid]
    assert made.duration == pytest.approx(length) and made.source == "api"
    said = [(seg.text, seg.start) for seg in made.segments if seg.side == "party"]
    shift = 4 if behavior == "skip" else 0
    assert said == [("Ada Lovelace", pytest.approx(said_at["Ada Lovelace"] - 1 - shift))]
    prompts = [(seg.text, seg.start, seg.duration) for seg in made.segments if seg.side == "flow"]
    assert prompts[0] == ("Please say your account number.", 0.0, pytest.approx(1.0))
    assert prompts[1][0] == "Thank you. And your name?"  # the first is cut by the pause
    assert client.calls(leg.sid).recordings(rec.sid).fetch().duration == str(int(length))


def test_a_recording_the_caller_hangs_up_on_is_finished_with_the_call():
    """A recording still in progress when the call ends ends with it: processing, then
    completed, and the completed callback goes out after the call (virtual time)."""
    carrier, leg, seen = on_hold(caller="say: four two; hangup")
    client = offline_client(carrier)
    carrier.run(until=1)
    rec = client.calls(leg.sid).recordings.create(recording_status_callback=f"{ORIGIN}/rec")
    carrier.run()
    assert leg.ended
    [cb] = callbacks(seen)
    fetched = client.recordings(rec.sid).fetch()
    assert fetched.status == "completed" and cb["RecordingStatus"] == "completed"
    assert int(fetched.duration) == round(leg.ended_at - 1)
    assert [s.text for s in carrier.recordings[-1].segments if s.side == "party"] == ["four two"]
    with pytest.raises(TwilioRestException) as err:  # nothing is active any more
        client.calls(leg.sid).recordings("Twilio.CURRENT").update(status="paused")
    assert err.value.status == 404


def test_the_call_must_be_in_progress():
    """Error 21220 (Invalid call state): a realtime operation on a call that is not
    in-progress; calls that have completed cannot be recorded."""
    carrier, leg, _seen = on_hold(caller="hangup")
    client = offline_client(carrier)
    carrier.run()
    assert leg.ended
    with pytest.raises(TwilioRestException) as err:
        client.calls(leg.sid).recordings.create()
    assert (err.value.status, err.value.code) == (400, 21220)
    assert client.calls(leg.sid).recordings.list() == []


def test_tracks_channels_trim_and_absent():
    """RecordingTrack `inbound` records what Twilio receives (the caller), `outbound` what it
    generates (the app's prompts); RecordingChannels `dual` makes two channels; Trim
    `trim-silence` cuts leading and trailing silence.  A recording with nothing in it is
    `absent` (too short: error 16101) and the `absent` event is sent."""
    carrier, leg, seen = on_hold()
    client = offline_client(carrier)
    carrier.run(until=1)
    calls = client.calls(leg.sid).recordings
    inbound = calls.create(
        recording_track="inbound", recording_channels="dual", trim="trim-silence"
    )
    carrier.run(until=15)
    calls(inbound.sid).update(status="stopped")
    empty = calls.create(
        recording_status_callback=f"{ORIGIN}/rec", recording_status_callback_event=["absent"]
    )
    calls(empty.sid).update(status="stopped")  # at once: nothing recorded
    outbound = calls.create(recording_track="outbound")
    carrier.run(until=20)
    calls(outbound.sid).update(status="stopped")
    carrier.run(until=40)
    [prompts] = [r for r in carrier.recordings if r.sid == outbound.sid]
    assert [(s.side, s.text) for s in prompts.segments] == [("flow", "Please hold.")]
    [made] = [r for r in carrier.recordings if r.sid == inbound.sid]
    assert [s.text for s in made.segments] == ["four two", "Ada Lovelace"] and made.channels == 2
    first, last = made.segments
    assert first.start == 0 and made.duration == pytest.approx(last.start + last.duration)
    said_at = spoken(carrier, leg)
    assert last.start == pytest.approx(said_at["Ada Lovelace"] - said_at["four two"])
    fetched = calls(inbound.sid).fetch()
    assert (fetched.track, fetched.channels, fetched.status) == ("inbound", 2, "completed")
    gone = client.recordings(empty.sid).fetch()
    assert (gone.status, gone.error_code, gone.media_url) == ("absent", 16101, None)
    [cb] = callbacks(seen)
    assert (cb["RecordingStatus"], cb["ErrorCode"]) == ("absent", "16101")
    assert [r.sid for r in calls.list()] == [outbound.sid, empty.sid, inbound.sid]
    calls(empty.sid).delete()
    assert [r.sid for r in calls.list()] == [outbound.sid, inbound.sid]


def test_a_webhook_app_records_its_own_call_and_the_audio_is_real():
    """The usual pattern: the app's own handler starts the recording through the API while
    the call runs.  In audio fidelity the media at the RecordingUrl is the call's audio:
    its length is the duration, and a `silence` pause (the default) is silence in it."""
    carrier = telenb.Carrier(seed=7, fidelity="audio")
    client = offline_client(carrier)
    began = []

    def app(req):
        if req.path == "/":  # the <Say> answers the call; then the app starts recording
            return "<Response><Say>Welcome.</Say><Redirect>/record</Redirect></Response>"
        rec = client.calls(req["CallSid"]).recordings.create(recording_channels="dual")
        began.append(carrier.clock.now)
        current = client.calls(req["CallSid"]).recordings("Twilio.CURRENT")
        for delay, status in ((1, "paused"), (2, "in-progress"), (6, "stopped")):
            carrier.clock.schedule(delay, current.update, status)  # later in the call
        began.append(rec)
        return (
            "<Response><Say>This call is recorded for quality and training purposes. "
            "Please stay on the line.</Say><Pause length='30'/></Response>"
        )

    carrier.app(APP, twiml=app)
    leg = carrier.call(APP, caller="wait: 30s", run=False).leg
    carrier.run(until=30)
    t0, rec = began
    [made] = [r for r in carrier.recordings if r.sid == rec.sid]
    say = carrier.trace.filter("say", leg.sid)[-1]
    assert made.started_at == say.t == t0 and say["duration"] > 3  # outlasts the pause
    with urllib.request.urlopen(client.recordings(rec.sid).fetch().media_url) as response:
        body = response.read()
    with wave.open(io.BytesIO(body)) as wav:
        channels, rate = wav.getnchannels(), wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, np.int16).reshape(-1, channels).astype(float)
    assert (channels, rate) == (2, 8000) and len(samples) == round(made.duration * rate)
    assert made.duration == pytest.approx(6)  # silence keeps the timeline
    heard = samples[:, 1]  # what the caller heard: the prompt
    assert np.abs(heard[:rate]).max() > 100  # before the pause
    assert np.abs(heard[rate + 8 : 2 * rate - 8]).max() == 0  # paused: silence
    assert np.abs(heard[2 * rate : 3 * rate]).max() > 100  # the prompt again after the resume


def test_one_recording_at_a_time_and_the_account_sees_it_live():
    """While a recording is active it is in the account's Recordings list (status
    in-progress); telenb records one recording per call at a time, so a second start is
    refused with 16108 (Voice Recording: request failed due to concurrent recordings), and
    a Status that is not paused, in-progress or stopped is a 400."""
    carrier, leg, _seen = on_hold()
    client = offline_client(carrier)
    carrier.run(until=1)
    rec = client.calls(leg.sid).recordings.create()
    [live] = client.recordings.list(call_sid=leg.sid)
    assert (live.sid, live.status, live.duration) == (rec.sid, "in-progress", "-1")
    assert client.recordings(rec.sid).fetch().status == "in-progress"
    with pytest.raises(TwilioRestException) as err:
        client.calls(leg.sid).recordings.create()
    assert (err.value.status, err.value.code) == (400, 16108)
    with pytest.raises(TwilioRestException) as err:
        client.calls(leg.sid).recordings(rec.sid).update(status="completed")
    assert err.value.status == 400
    assert client.calls(leg.sid).recordings(rec.sid).fetch().status == "in-progress"


def test_same_seed_same_recording():
    """Deterministic: the same seed and the same requests give the same SIDs, times and
    trace."""

    def run():
        carrier, leg, _seen = on_hold()
        client = offline_client(carrier)
        carrier.run(until=1)
        rec = client.calls(leg.sid).recordings.create(recording_status_callback=f"{ORIGIN}/rec")
        carrier.run(until=3)
        client.calls(leg.sid).recordings(rec.sid).update(status="paused", pause_behavior="skip")
        carrier.run(until=5)
        client.calls(leg.sid).recordings(rec.sid).update(status="stopped")
        carrier.run(until=30)
        return [(e.t, e.kind, e.to_dict()) for e in carrier.trace], rec.sid

    assert run() == run()
