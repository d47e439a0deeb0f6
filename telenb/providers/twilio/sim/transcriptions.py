"""<Record transcribe>: the transcription arrives later, as on Twilio.

Twilio transcribes a recording asynchronously and requests `transcribeCallback` when the
text is ready, which is after the <Record> action has been requested (an app's action
handler creates its row first; the transcription updates it).  Twilio publishes no figure
for how long that takes, so telenb models it from what the work is: a fixed queueing
latency plus a share of the recording's length (`delay`).  Twilio transcribes recordings of
2 to 120 seconds only; outside that range the callback reports ``failed`` with no text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BASE_DELAY = 30.0  # seconds from the end of the recording to the start of transcription
PER_SECOND = 0.5  # seconds of transcription work per second of audio
MIN_SECONDS, MAX_SECONDS = 2.0, 120.0  # what Twilio transcribes


def delay(duration: float) -> float:
    """Virtual seconds from the end of a recording of `duration` s to its transcribeCallback."""
    return BASE_DELAY + PER_SECOND * max(0.0, duration)


@dataclass
class Transcription:
    """One Transcription resource: ``in-progress`` from the end of the recording until the
    text is ready, then ``completed`` (or ``failed`` outside Twilio's 2-120 s range)."""

    sid: str
    recording_sid: str
    call_sid: str
    created: float  # carrier time the recording ended
    duration: float  # seconds of transcribed audio
    status: str = "in-progress"
    text: str | None = None
    updated: float | None = None


def schedule(interp: Any, rec: Any, url: str, callback: str | None) -> Transcription:
    """Transcribe `rec`; once ready, the resource completes and `callback` (if any) is
    requested with the text."""
    account, leg = interp.account, interp.leg
    carrier = account.carrier
    item = Transcription(
        carrier.sids.new("transcription"), rec.sid, leg.sid, carrier.clock.now, rec.duration
    )
    account.transcriptions.append(item)
    carrier.afterwork.schedule(
        leg.sid, delay(rec.duration), _send, interp, rec, url, item, callback
    )
    return item


def _send(interp: Any, rec: Any, url: str, item: Transcription, callback: str | None) -> None:
    ok = MIN_SECONDS <= rec.duration <= MAX_SECONDS
    text = rec.transcription if rec.transcription is not None else rec.text
    item.status = "completed" if ok else "failed"
    item.text = (text or "") if ok else None
    item.updated = interp.account.carrier.clock.now
    if not callback:
        return
    tsid = item.sid
    params = [
        *interp.params(),
        ("RecordingSid", rec.sid),
        ("RecordingUrl", url),
        ("TranscriptionSid", tsid),
        ("TranscriptionStatus", "completed" if ok else "failed"),
        ("TranscriptionText", (text or "") if ok else ""),
        ("TranscriptionType", "fast"),
        ("TranscriptionUrl", f"{url}/Transcriptions/{tsid}"),
        ("url", callback),
    ]
    leg = interp.leg
    interp.hooks.callback("POST", callback, params, sid=leg.sid, event="transcription")
