"""The NCCO ``record`` action and its ``record`` event.

With ``endOnSilence``, ``timeOut`` or ``endOnKey`` the recording holds the NCCO until one of
them is met; without any it records in the background until the call ends, while the
following actions run (NCCO reference, "Record"; Vonage support, "How do I record a certain
part of the call").  When it stops, the record event (start_time, recording_url, size,
recording_uuid, end_time, conversation_uuid, timestamp) goes to the action's eventUrl, or
the application's event_url.  ``recording_url`` has Vonage's form; offline it cannot be
downloaded: the recording itself is in ``carrier.recordings``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from ....flow import verbs as V
from ...docverbs.prompts import RecordVerb
from ..application import NAMESPACE

if TYPE_CHECKING:
    from ..ncco.parse import Action
    from .interpreter import Interpreter

MAX_SECONDS = 7200.0  # timeOut's default and maximum
FILES = "https://api.nexmo.com/v1/files/"
BYTES_PER_SECOND = {"wav": 16000, "mp3": 4000, "ogg": 4000}  # 8 kHz PCM; 32 kbit/s coded


def record(interp: Interpreter, action: Action) -> None:
    beep = action.get("beepStart") is True
    if action.get("split") or action.get("channels"):
        interp.warn(f"[{action.index}]: telenb records one mixed channel (split/channels)")
    sync = any(action.get(k) is not None for k in ("endOnSilence", "timeOut", "endOnKey"))
    if not sync:
        carrier = interp.carrier
        if interp.leg.recorder is None:
            carrier.recordings.start_call(interp.leg, None, False)
            interp.background.append((action, carrier.clock.now))
        else:
            interp.warn(f"[{action.index}]: the call is being recorded already; ignored")
        return
    max_time = float(action.get("timeOut", MAX_SECONDS))
    silence = action.get("endOnSilence")
    silence = float(silence) if silence is not None else max_time
    rec_verb = V.Record(None, beep, max_time, silence, silence, None, None, "audio/wav")
    verb = RecordVerb(rec_verb, action.get("endOnKey") or "")
    out = interp.perform(verb)
    if out.recording is None:
        interp.warn(f"[{action.index}]: nothing was said, so no recording and no record event")
        return
    rec = out.recording
    send_event(interp, action, rec, rec.started_at, rec.started_at + rec.duration)


def finish_background(interp: Interpreter) -> None:
    """Stop the background recordings (the call is over) and send their events."""
    for action, started in interp.background:
        carrier = interp.carrier
        rec = carrier.recordings.stop_call(interp.leg)
        if rec is None:  # the leg stopped it as it ended
            recs = [r for r in carrier.recordings if r.call_sid == interp.leg.sid]
            rec = recs[-1] if recs else None
        if rec is not None:
            send_event(interp, action, rec, started, started + rec.duration)
    interp.background.clear()


def send_event(interp: Interpreter, action: Action, rec: Any, start: float, end: float) -> None:
    vapp = interp.vapp
    fmt = action.get("format") or "mp3"
    recording_uuid = str(uuid.uuid5(NAMESPACE, f"recording:{rec.sid}"))
    file_id = str(uuid.uuid5(NAMESPACE, f"file:{rec.sid}"))
    payload = {
        "start_time": vapp.timestamp(start),
        "recording_url": FILES + file_id,
        "size": int(44 * (fmt == "wav") + round(rec.duration * BYTES_PER_SECOND[fmt])),
        "recording_uuid": recording_uuid,
        "end_time": vapp.timestamp(end),
        "conversation_uuid": vapp.conversation_uuid(interp.leg),
        "timestamp": vapp.timestamp(),
    }
    rec.meta["vonage"] = dict(payload, format=fmt)
    url, method = interp.event_target(action)
    if url:
        interp.hooks.callback(method, url, payload, sid=interp.leg.sid, event="record")
