"""Calls/{CallSid}/Recordings: start, pause, resume and stop a recording of a live call.

As on Twilio (twilio.com/docs/voice/api/recording): POST to the list starts a recording of
an in-progress call (21220 otherwise) with `RecordingStatusCallback` (+Method, +Event:
in-progress, completed, absent; completed by default), `Trim`, `RecordingChannels` (mono by
default) and `RecordingTrack` (both by default); POST to one with `Status` paused,
in-progress or stopped (`PauseBehavior` skip or silence, silence by default) changes it,
``Twilio.CURRENT`` naming the call's active recording.  A stopped recording (or one whose
call hung up) is ``processing`` for a while of virtual time, then ``completed`` with its
media published (``absent``, error 16101, if nothing is left of it), and the status
callback goes out signed like every Twilio request.  Twilio publishes no processing time,
so telenb models one: `PROCESSING_BASE` plus `PROCESSING_PER_SECOND` of the audio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..sim.call_recording import ApiRecorder
from ..sim.recordings import publish, recording_params, seconds
from .calls import http_method
from .resources import RestError, base, not_found, page, recording_json
from .state import rest_state

if TYPE_CHECKING:
    from ....sim.recording import Recording
    from .offline import OfflineHttpClient

PROCESSING_BASE = 2.0  # seconds from the stop to the completed recording
PROCESSING_PER_SECOND = 0.1  # seconds of processing per second of audio
EVENTS = ("in-progress", "completed", "absent")
CURRENT = "Twilio.CURRENT"
TOO_SHORT = 16101  # Twilio's error for an absent recording that was too short


@dataclass
class CallRecording:
    """One API recording: its settings and where it is in its life."""

    sid: str
    call_sid: str
    started_at: float
    recorder: ApiRecorder
    track: str
    channels: int
    callback: str | None
    method: str
    events: frozenset[str]
    status: str = "in-progress"
    updated: float = 0.0
    rec: Recording | None = None


def _all(client: OfflineHttpClient) -> dict[str, CallRecording]:
    found: dict[str, CallRecording] = rest_state(client.account).call_recordings
    return found


def call_recordings(
    client: OfflineHttpClient, method: str, leg: Any, rest: list[str], query: dict,
    form: dict, path: str,
) -> tuple[int, Any]:  # fmt: skip
    """Route Calls/{CallSid}/Recordings[/{Sid}]."""
    acct = client.account
    if not rest:
        if method == "POST":
            return 201, start(client, leg, form)
        if method != "GET":
            raise not_found(path)
        return 200, page("recordings", _listed(client, leg), path, query)
    if len(rest) > 1:
        raise not_found(path)
    sid = rest[0]
    live = _all(client)
    if sid == CURRENT:
        active = [r for r in live.values() if r.call_sid == leg.sid and r.rec is None]
        if not active:
            raise not_found(path, "the call has no recording in progress")
        sid = active[-1].sid
    entry = live.get(sid)
    done = next(
        (r for r in acct.carrier.recordings if r.sid == sid and r.call_sid == leg.sid), None
    )
    mine = entry is not None and entry.call_sid == leg.sid
    if (not mine and done is None) or sid in acct.deleted:
        raise not_found(path)
    if method == "GET":
        return 200, _json(client, entry, done)
    if method == "POST":
        if entry is None or not mine:
            raise RestError(400, 21220)  # a <Record> or <Dial> recording: over already
        return 200, update(client, entry, form)
    if method == "DELETE":
        if entry is not None and entry.rec is None:  # still recording: stopped first
            entry.recorder.stop(leg)
        acct.deleted.add(sid)
        return 204, None
    raise not_found(path)


def start(client: OfflineHttpClient, leg: Any, form: dict) -> dict[str, Any]:
    """Start recording the call now; what it records comes from the call from here on."""
    carrier = client.carrier
    if leg.ended or leg.status != "in-progress":
        raise _not_in_progress()
    channels = {"mono": 1, "dual": 2}.get(str(form.get("RecordingChannels") or "mono"))
    track = str(form.get("RecordingTrack") or "both")
    trim = str(form.get("Trim") or "do-not-trim")
    if channels is None or track not in ("inbound", "outbound", "both"):
        raise RestError(400, 20001, detail="RecordingChannels or RecordingTrack is invalid")
    if trim not in ("trim-silence", "do-not-trim"):
        raise RestError(400, 20001, detail="Trim must be trim-silence or do-not-trim")
    raw = form.get("RecordingStatusCallbackEvent") or ["completed"]
    events = frozenset(
        e for item in ([raw] if isinstance(raw, str) else raw) for e in str(item).split()
    )
    if not events <= set(EVENTS):
        raise RestError(400, 20001, detail="RecordingStatusCallbackEvent must be in-progress, "
                        "completed or absent")  # fmt: skip
    if leg.recorder is not None:  # <Dial record> or another API recording is running
        raise RestError(400, 16108)
    sid = carrier.sids.new("recording")
    recorder = ApiRecorder(
        carrier.recordings, leg, sid, lambda rec: _stopped(client, _all(client)[sid], rec),
        track=track, channels=channels, trim=trim == "trim-silence",
    )  # fmt: skip
    entry = CallRecording(
        sid, leg.sid, carrier.clock.now, recorder, track, channels,
        form.get("RecordingStatusCallback") or None,
        http_method(form, "RecordingStatusCallbackMethod"), events, updated=carrier.clock.now,
    )  # fmt: skip
    leg.recorder = entry.recorder
    leg.trace("recording", action="start", sid=sid, source="api", track=track)
    _all(client)[sid] = entry
    if "in-progress" in events:
        carrier.afterwork.schedule(leg.sid, 0.0, _callback, client, entry, "in-progress")
    return _json(client, entry, None)


def update(client: OfflineHttpClient, entry: CallRecording, form: dict) -> dict[str, Any]:
    """Status=paused|in-progress|stopped, with PauseBehavior for a pause."""
    status = form.get("Status")
    behavior = str(form.get("PauseBehavior") or "silence")
    if status not in ("paused", "in-progress", "stopped"):
        raise RestError(400, 20001, detail="Status must be paused, in-progress or stopped")
    if behavior not in ("skip", "silence"):
        raise RestError(400, 20001, detail="PauseBehavior must be skip or silence")
    leg = client.carrier.find_leg(entry.call_sid)
    if entry.rec is not None or leg.ended:
        raise _not_in_progress()
    recorder, now = entry.recorder, client.carrier.clock.now
    if status == "paused":
        recorder.pause(behavior)
    elif status == "in-progress":
        recorder.resume()
    entry.status, entry.updated = status, now
    leg.trace("recording", action=status, sid=entry.sid, **({"pause": behavior}
              if status == "paused" else {}))  # fmt: skip
    body = _json(client, entry, None)
    if status == "stopped":
        recorder.stop(leg)  # processing from now on (see _stopped)
    return body


def _stopped(client: OfflineHttpClient, entry: CallRecording, rec: Recording) -> None:
    """The recording has ended (stopped or hung up): processing, then the result."""
    entry.rec, entry.status = rec, "processing"
    entry.updated = client.carrier.clock.now
    rec.meta.update(twilio_status="processing", track=entry.track)
    wait = PROCESSING_BASE + PROCESSING_PER_SECOND * rec.duration
    client.carrier.afterwork.schedule(entry.call_sid, wait, _processed, client, entry)


def _processed(client: OfflineHttpClient, entry: CallRecording) -> None:
    rec = entry.rec
    assert rec is not None
    entry.updated = client.carrier.clock.now
    if entry.sid in client.account.deleted:  # deleted while it was being made: no callback
        return
    if seconds(rec) == 0:  # nothing left of it (stopped at once, or all of it skipped)
        entry.status = "absent"
        rec.meta.update(twilio_status="absent", error_code=TOO_SHORT)
    else:
        entry.status = "completed"
        rec.meta["twilio_status"] = "completed"
        publish(client.account, rec)
    if entry.status in entry.events:
        _callback(client, entry, entry.status)


def _callback(client: OfflineHttpClient, entry: CallRecording, event: str) -> None:
    """The recordingStatusCallback for `event`, signed with the account's token."""
    if not entry.callback:
        return
    acct = client.account
    params = [("AccountSid", acct.account_sid), ("CallSid", entry.call_sid)]
    if event == "completed" and entry.rec is not None:
        params += recording_params(acct, entry.rec, entry.rec.meta["twilio_url"])
    else:
        params += [
            ("RecordingChannels", str(entry.channels)),
            ("RecordingSid", entry.sid),
            ("RecordingSource", "StartCallRecordingAPI"),
            ("RecordingStartTime", acct.rfc2822(entry.started_at) or ""),
            ("RecordingStatus", event),
            ("ErrorCode", str(TOO_SHORT if event == "absent" else 0)),
        ]
    params.append(("RecordingTrack", entry.track))
    acct.webhooks.callback(
        entry.method, entry.callback, params, sid=entry.call_sid, event="recording"
    )


def _listed(client: OfflineHttpClient, leg: Any) -> list[dict[str, Any]]:
    """The call's recordings, newest first: finished ones and any still being made."""
    acct = client.account
    live = _all(client)
    made = {sid: i for i, sid in enumerate(live)}  # API recordings in the order they began
    rows = [
        ((r.started_at, made.get(r.sid, -1)), _json(client, live.get(r.sid), r))
        for r in acct.carrier.recordings
        if r.call_sid == leg.sid and r.sid not in acct.deleted
    ]
    rows += [
        ((e.started_at, made[e.sid]), _json(client, e, None))
        for e in live.values()
        if e.call_sid == leg.sid and e.rec is None and e.sid not in acct.deleted
    ]
    return [row for _key, row in sorted(rows, key=lambda r: r[0], reverse=True)]


def in_progress(client: OfflineHttpClient) -> list[dict[str, Any]]:
    """API recordings not yet finished, for the account's Recordings list."""
    acct = client.account
    return [
        _json(client, e, None)
        for e in _all(client).values()
        if e.rec is None and e.sid not in acct.deleted
    ]


def _json(client: OfflineHttpClient, entry: CallRecording | None, rec: Any) -> dict[str, Any]:
    acct = client.account
    rec = rec if rec is not None else (entry.rec if entry is not None else None)
    if rec is not None:
        return recording_json(acct, rec)
    assert entry is not None
    uri = f"{base(acct.account_sid)}/Calls/{entry.call_sid}/Recordings/{entry.sid}"
    return {
        "account_sid": acct.account_sid,
        "api_version": "2010-04-01",
        "call_sid": entry.call_sid,
        "channels": entry.channels,
        "conference_sid": None,
        "date_created": acct.rfc2822(entry.started_at),
        "date_updated": acct.rfc2822(entry.updated),
        "duration": "-1",
        "encryption_details": None,
        "error_code": None,
        "media_url": None,
        "price": None,
        "price_unit": "USD",
        "sid": entry.sid,
        "source": "StartCallRecordingAPI",
        "start_time": acct.rfc2822(entry.started_at),
        "status": entry.status,
        "subresource_uris": {},
        "track": entry.track,
        "uri": f"{uri}.json",
    }


def _not_in_progress() -> RestError:
    err = RestError(400, 21220)
    err.message = "Invalid call state: the call is not in-progress, so it cannot be recorded."
    return err
