"""A real SIP call's result, shaped like the simulator's `CallResult` (trace, status, audio)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from ...sim.trace import Trace, TraceQuestions, error_note_html, timeline_html
from .ladder import Ladder, SipMessage

if TYPE_CHECKING:
    from .recording import SipRecording
    from .session import SipCall


class SipCallResult(TraceQuestions):
    """What happened on one SIP call: Twilio-shaped statuses, the trace, the recordings."""

    def __init__(self, call: SipCall):
        self._call = call

    @property
    def sid(self) -> str:
        return self._call.sid

    @property
    def from_(self) -> str:
        return self._call.from_

    @property
    def to(self) -> str:
        return self._call.to

    @property
    def direction(self) -> str:
        return self._call.direction

    @property
    def status(self) -> str | None:
        return self._call.status

    @property
    def codec(self) -> str | None:
        return self._call.codec

    @property
    def duration(self) -> float:
        """Seconds from the answer to the end, as Twilio bills a call (0 if never answered)."""
        c = self._call
        if c.answered_at is None or c.ended_at is None:
            return 0.0
        return round(c.ended_at - c.answered_at, 3)

    @property
    def done(self) -> bool:
        session = self._call.session
        return self._call.ended and (session is None or session.finished)

    @property
    def error(self) -> BaseException | None:
        session = self._call.session
        return session.error if session is not None else None

    @property
    def trace(self) -> Trace:
        return self._call.trace_log

    @property
    def recordings(self) -> list[SipRecording]:
        return list(self._call.recordings)

    @property
    def audio(self) -> Any:
        """The call in stereo, as the simulator's `CallResult.audio`: left what the caller
        sent, right what the flow played, from the media stream's start to the hang-up
        (None when the call never had media)."""
        tap = self._call.tap
        return tap.audio if tap is not None else None

    @property
    def sip_messages(self) -> list[SipMessage]:
        """Every SIP message of the call, in the order the worker sent or received them."""
        return list(self._call.sip_log)

    def ladder(self, *, times: bool = True, trying: bool = True) -> Ladder:
        """The call's SIP ladder diagram (telenb on the left, the peer on the right); without
        the times, and without the optional 100 Trying, it is the same on every run."""
        peer = self.from_ if self.direction == "inbound" else self.to
        return Ladder(self.sip_messages, peer, times=times, trying=trying)

    @property
    def rtp(self) -> dict[str, Any] | None:
        """The audio stream's counters at the end of the call, as pjmedia kept them for RTCP:
        packets received (`rx_packets`) and sent, lost, and RFC 3550 interarrival jitter (mean
        and max, ms).  None when the call never had media."""
        return dict(self._call.rtp) if self._call.rtp is not None else None

    @property
    def legs(self) -> list[SipCallResult]:
        """This call, then the legs its transfers placed (as the simulator's `result.legs`)."""
        return [self, *(SipCallResult(leg) for leg in self._call.placed)]

    def statuses(self) -> list[str]:
        return self.trace.statuses(self.sid)

    def header(self) -> str:
        return (
            f"SIP call {self.sid}  {self.from_} -> {self.to}  {self.status}  "
            f"{self.duration:.3f}s  ({self.codec or 'no media'})"
        )

    def __repr__(self) -> str:
        return f"{self.header()}\n{self.trace.text()}"

    def _repr_html_(self) -> str:
        note = error_note_html(self.error)
        return (
            f"<div class='telenb-call'><b>{html.escape(self.header())}</b>{note}"
            f"{timeline_html(self.trace)}</div>"
        )
