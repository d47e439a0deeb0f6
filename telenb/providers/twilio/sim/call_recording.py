"""A recording started on a live call through the REST API (Calls/{CallSid}/Recordings).

Twilio lets the app pause, resume and stop it mid-call; while paused, the call's audio is
either left out (``PauseBehavior=skip``: the final recording is shorter) or replaced by
silence (``silence``, the default: the recording keeps the call's timeline).  The recorder
takes the call's media like any whole-call recording (what the party said, the prompts the
app played), then cuts the paused spans out of it when it stops, so the duration, the
words and, in audio fidelity, the audio all agree.  `RecordingTrack` keeps one side only:
``inbound`` is what Twilio received (the party), ``outbound`` what it generated (the app's
prompts); `RecordingChannels=dual` puts them on two channels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....sim.recording import CallRecorder, Recording, RecordingStore, Segment

SIDES = {"inbound": ("party",), "outbound": ("flow",), "both": ("party", "flow")}


class ApiRecorder(CallRecorder):
    """A whole-call recorder that can pause (skip or silence) and reports when it ends."""

    def __init__(
        self,
        store: RecordingStore,
        leg: Any,
        sid: str,
        on_finish: Callable[[Recording], None],
        *,
        track: str = "both",
        channels: int = 1,
        trim: bool = False,
    ):
        super().__init__(store, leg, None, False)
        self.sid, self.on_finish = sid, on_finish
        self.sides, self.channels, self.trim = SIDES[track], channels, trim
        self.paused_at: float | None = None
        self.behavior = "silence"
        self.gaps: list[tuple[float, float, str]] = []  # paused spans, from the start
        self.recording: Recording | None = None
        if "flow" in self.sides:
            self._join_prompt(leg)

    def _join_prompt(self, leg: Any) -> None:
        """A prompt already playing when the recording starts is recorded from here on."""
        op = getattr(leg, "op", None)
        single = getattr(op, "prompt", None)
        prompts = [single] if single is not None else list(getattr(op, "rendered", ()))
        now = self.started_at
        for i, p in enumerate(prompts):
            if p.start <= now < p.start + p.duration and (p.start > 0 or i == 0):
                elapsed = now - p.start
                audio = p.audio.slice(elapsed) if getattr(p, "audio", None) is not None else None
                self.segments.append(Segment("flow", p.text, 0.0, p.duration - elapsed, audio))

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def add(
        self, leg: Any, side: str, text: str, start: float, duration: float, audio: Any
    ) -> None:
        if side in self.sides:
            super().add(leg, side, text, start, duration, audio)

    def pause(self, behavior: str) -> None:
        if self.paused_at is None:
            self.paused_at, self.behavior = self.leg.clock.now, behavior

    def resume(self) -> None:
        if self.paused_at is not None:
            now = self.leg.clock.now
            self.gaps.append(
                (self.paused_at - self.started_at, now - self.started_at, self.behavior)
            )
            self.paused_at = None

    def stop(self, leg: Any) -> Recording:
        """Stopped through the API or by the hang-up: the paused spans are cut out now."""
        if leg.recorder is self:
            leg.recorder = None
        if self.recording is not None:
            return self.recording
        self.resume()  # a pause still open lasts until the stop
        total = leg.clock.now - self.started_at
        segments, duration = edit(self.segments, total, self.gaps)
        if self.trim and segments:  # trim-silence: from the first sound to the last
            first = min(s.start for s in segments)
            duration = max(s.start + s.duration for s in segments) - first
            for s in segments:
                s.start -= first
        rec = self.store.finish(
            self, "api", sid=self.sid, duration=duration, channels=self.channels,
            segments=segments,
        )  # fmt: skip
        rec.meta["paused"] = [(a, b, how) for a, b, how in self.gaps]
        self.recording = rec
        self.on_finish(rec)
        return rec


def edit(
    segments: list[Segment], total: float, gaps: list[tuple[float, float, str]]
) -> tuple[list[Segment], float]:
    """The segments outside the paused spans, on the final recording's timeline, and its
    length: a ``skip`` span is removed (what follows moves earlier), a ``silence`` span
    stays as time with nothing in it."""

    def out(t: float) -> float:
        return t - sum(min(t, b) - a for a, b, how in gaps if how == "skip" and t > a)

    kept: list[Segment] = []
    for seg in segments:
        spans = [(seg.start, seg.start + seg.duration)]
        for a, b, _how in gaps:
            spans = [
                part
                for lo, hi in spans
                for part in ((lo, min(hi, a)), (max(lo, b), hi))
                if part[1] > part[0]
            ]
        for lo, hi in spans:
            audio = seg.audio
            if audio is not None and hasattr(audio, "slice"):
                audio = audio.slice(lo - seg.start, hi - seg.start)
            kept.append(Segment(seg.side, seg.text, round(out(lo), 6), round(hi - lo, 6), audio))
    return kept, round(out(total), 6)
