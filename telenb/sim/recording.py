"""Recordings: what a `record` verb captured, and whole-call recordings (both sides).

In text fidelity a recording keeps what was said, when, and for how long; in audio fidelity
the media layer also renders the audio, written atomically where the user asked.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .record_targets import RecordTarget, record_target

if TYPE_CHECKING:
    from .carrier import Carrier
    from .leg import Leg


@dataclass
class Segment:
    side: str  # party (the caller or callee) or flow
    text: str
    start: float  # seconds from the start of the recording
    duration: float
    audio: Any = None


@dataclass
class Recording:
    sid: str
    call_sid: str
    started_at: float
    duration: float
    segments: list[Segment]
    url: str
    path: str | None = None
    channels: int = 1
    audio: Any = None  # telenb.audio.Audio in audio fidelity
    transcription: str | None = None
    reason: str = ""
    source: str = "record"  # record verb, or call (whole-call recording)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What the party said (for a record verb) or the whole conversation (call recording)."""
        if self.source == "record":
            return " ".join(s.text for s in self.segments if s.side == "party")
        return "\n".join(f"[{s.start:6.2f}] {s.side}: {s.text}" for s in self.segments)

    def __repr__(self) -> str:
        kind = "call recording" if self.source == "call" else "recording"
        where = f" at {self.path}" if self.path else ""
        return f"<{kind} {self.sid[:8]} {self.duration:.2f}s {self.text[:60]!r}{where}>"

    def _repr_html_(self) -> str:
        body = f"<div><b>{html.escape(repr(self))}</b></div>"
        if self.audio is not None and hasattr(self.audio, "_repr_html_"):
            body += self.audio._repr_html_()
        return body


class CallRecorder:
    """Collects both sides of a call from `start_recording` until `stop_recording` or hang-up."""

    def __init__(self, store: RecordingStore, leg: Leg, path: str | None, transcribe: bool):
        self.store, self.leg, self.path, self.transcribe = store, leg, path, transcribe
        self.started_at = leg.clock.now
        self.segments: list[Segment] = []

    def add(
        self, leg: Leg, side: str, text: str, start: float, duration: float, audio: Any
    ) -> None:
        self.segments.append(Segment(side, text, start - self.started_at, duration, audio))

    def cut(self, leg: Leg, at: float) -> None:
        """A prompt was interrupted (barge-in): keep only what was played."""
        for seg in reversed(self.segments):
            if seg.side == "flow":
                seg.duration = max(0.0, min(seg.duration, at - self.started_at - seg.start))
                break

    def stop(self, leg: Leg) -> Recording:
        leg.recorder = None
        return self.store.finish(self)


class RecordingStore:
    """All recordings of a carrier, in order."""

    def __init__(self, carrier: Carrier):
        self.carrier = carrier
        self.items: list[Recording] = []

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Recording:
        return self.items[i]

    def create(
        self,
        leg: Leg,
        start: float,
        end: float,
        segments: list[tuple[float, float, str, Any]],
        path: str | None,
        *,
        transcribe: bool = False,
        why: str = "",
    ) -> Recording:
        carrier = self.carrier
        target = record_target(path)
        sid = carrier.sids.new("recording")
        segs = [Segment("party", text, s - start, d, audio) for s, d, text, audio in segments]
        rec = Recording(
            sid,
            leg.sid,
            start,
            round(end - start, 6),
            segs,
            url=target.path or f"telenb://recordings/{sid}.wav",
            path=target.path,
            reason=why,
        )
        _note_upload(rec, target)
        self._render(rec, leg)
        if transcribe:
            rec.transcription = (
                carrier.media.transcribe(rec) if hasattr(carrier.media, "transcribe") else rec.text
            )
        self.items.append(rec)
        leg.trace(
            "recording",
            sid=sid,
            duration=rec.duration,
            text=rec.text,
            ended_by=why,
            **_where(target),
        )
        return rec

    def _render(self, rec: Recording, leg: Leg) -> None:
        render = getattr(self.carrier.media, "render_recording", None)
        if render is not None:
            rec.audio = render(rec, leg)
            if rec.audio is not None and rec.path:
                rec.audio.save(rec.path)

    def start_call(self, leg: Leg, path: str | None, transcribe: bool) -> None:
        target = record_target(path)  # checked when asked, in both fidelities
        if leg.recorder is None:
            leg.recorder = CallRecorder(self, leg, path, transcribe)
            leg.trace("recording", action="start", **_where(target))

    def stop_call(self, leg: Leg) -> Recording | None:
        if leg.recorder is None:
            return None
        return leg.recorder.stop(leg)

    def finish(
        self,
        recorder: CallRecorder,
        source: str = "call",
        *,
        sid: str | None = None,
        duration: float | None = None,
        channels: int | None = None,
        segments: list[Segment] | None = None,
    ) -> Recording:
        """End a recorder: a leg's own when it stops, one that belongs to no leg (a
        conference's mix), or one whose owner edited what it caught (a vendor's paused
        recording: its own `duration` and `segments`, under the `sid` it announced)."""
        leg = recorder.leg
        sid = sid or self.carrier.sids.new("recording")
        now = self.carrier.clock.now
        target = record_target(recorder.path)
        rec = Recording(
            sid,
            leg.sid,
            recorder.started_at,
            round(now - recorder.started_at if duration is None else duration, 6),
            recorder.segments if segments is None else segments,
            url=target.path or f"telenb://recordings/{sid}.wav",
            path=target.path,
            channels=channels or (2 if source == "call" else 1),
            source=source,
        )
        _note_upload(rec, target)
        self._render(rec, leg)
        if recorder.transcribe:
            rec.transcription = rec.text
        self.items.append(rec)
        leg.trace("recording", action="stop", sid=sid, duration=rec.duration)
        return rec


def _note_upload(rec: Recording, target: RecordTarget) -> None:
    """An upload URL (Tropo's recordURI): offline, the recording stays here, reachable as
    `rec.url` (Tropo's temporary local copy); `meta["upload"]` says what was not sent."""
    if target.kind == "upload":
        rec.meta["upload"] = {"url": target.url, "sent": False, "why": "telenb is offline"}


def _where(target: RecordTarget) -> dict[str, str | None]:
    if target.kind == "file":
        return {"path": target.path}
    if target.kind == "upload":
        return {"upload": target.url}
    return {}
