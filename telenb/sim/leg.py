"""A call leg: one connection with its own SID, status history and call record fields.

Input from the party on this leg (speech, keys, hang-up) arrives here and goes to whatever
the leg is connected to: the flow's current operation, a bridged leg, or a conference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .media import Utterance

if TYPE_CHECKING:
    from .carrier import Carrier

LINE_RATE = 8000  # telenb.audio.LINE_RATE, without importing numpy here
FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
TROPO_STATE = {
    "queued": "RINGING", "initiated": "RINGING", "ringing": "RINGING",
    "in-progress": "ANSWERED",
}  # fmt: skip


class Leg:
    __slots__ = (
        "answered_at",
        "answered_by",
        "carrier",
        "cause",
        "children",
        "clock",
        "conference",
        "created",
        "direction",
        "end_reason",
        "ended_at",
        "from_",
        "handovers",
        "headers",
        "hops",
        "listener",
        "network",
        "on_end",
        "op",
        "parent",
        "party",
        "peer",
        "recorder",
        "runner",
        "sid",
        "start_time",
        "status",
        "timers",
        "to",
        "trace_on",
    )  # fmt: skip

    def __init__(
        self,
        carrier: Carrier,
        sid: str,
        from_: str,
        to: str,
        direction: str,
        parent: Leg | None = None,
        party: Any = None,
        trace: bool = True,
    ):
        self.carrier = carrier
        self.clock = carrier.clock
        self.sid, self.from_, self.to, self.direction = sid, from_, to, direction
        self.parent = parent
        self.hops: int = parent.hops + 1 if parent is not None else 0  # forwards (Max-Forwards)
        self.handovers: tuple[float, int] = (-1.0, 0)  # (time, count): new flows at one instant
        self.party = party
        self.trace_on = trace
        self.status: str | None = None
        self.created = self.clock.now
        self.start_time: float | None = None
        self.answered_at: float | None = None
        self.ended_at: float | None = None
        self.answered_by: str | None = None
        self.end_reason: str | None = None
        self.cause: str | None = None
        self.op: Any = None
        self.runner: Any = None
        self.peer: Leg | None = None
        self.conference: Any = None
        self.recorder: Any = None
        self.children: list[Leg] = []
        self.timers: list = []
        self.headers: dict[str, str] = {}
        self.network = "SIP" if to.startswith("sip:") or from_.startswith("sip:") else "PSTN"
        self.listener: Any = None  # told of status changes (the op that placed this leg)
        self.on_end: list = []
        if parent is not None:
            parent.children.append(self)

    # -- status ---------------------------------------------------------------------------------
    def set_status(self, status: str, cause: str | None = None) -> None:
        if self.status in FINAL or status == self.status:
            return
        now = self.clock.now
        self.status = status
        if status == "initiated" and self.start_time is None:
            self.start_time = now
        elif status == "in-progress":
            self.answered_at = now
        elif status in FINAL:
            self.ended_at = now
            if cause:
                self.cause = cause
        if self.trace_on:
            data: dict[str, Any] = {"status": status}
            if status in ("queued", "initiated"):
                data["from"], data["to"] = self.from_, self.to
            if cause:
                data["cause"] = cause
            self.carrier.trace.add(now, self.sid, "status", **data)
        self.carrier._status_changed(self, status)

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def ended(self) -> bool:
        return self.status in FINAL

    @property
    def duration(self) -> float:
        """Seconds from answer to end (what a carrier bills); 0 if never answered."""
        if self.answered_at is None:
            return 0.0
        end = self.ended_at if self.ended_at is not None else self.clock.now
        return round(end - self.answered_at, 6)

    @property
    def tropo_state(self) -> str:
        return "DISCONNECTED" if self.ended else TROPO_STATE.get(self.status or "", "RINGING")

    @property
    def flow_driven(self) -> bool:
        """A flow is talking on this leg now (not just holding a bridge it made)."""
        return self.runner is not None and not getattr(self.op, "bridging", False)

    @property
    def in_conversation(self) -> bool:
        """Talking with people (a bridged person or a conference), not answering a flow."""
        peer = self.peer
        return (peer is not None and not peer.flow_driven) or self.conference is not None

    def trace(self, kind: str, /, **data: Any) -> None:
        if self.trace_on:
            self.carrier.trace.add(self.clock.now, self.sid, kind, **data)

    # -- answering and ending ------------------------------------------------------------------
    def answer(self, by: str = "human") -> None:
        if self.answered or self.ended:
            return
        self.answered_by = by
        self.set_status("in-progress")

    def hangup(self, by: str, cause: str | None = None, status: str | None = None) -> None:
        """End the leg.  `by`: caller, callee, flow, network.  Idempotent."""
        if self.ended:
            return
        self.end_reason = by
        if status is None:
            if self.answered:
                status = "completed"
            elif by in ("caller", "api"):
                status = "canceled"
            else:
                status = "completed" if by == "flow" else "failed"
        for t in self.timers:
            self.clock.cancel(t)
        self.timers.clear()
        self.trace("hangup", by=by, **({"cause": cause} if cause else {}))
        self.set_status(status, cause)
        if self.conference is not None:
            self.conference.leave(self)
        if self.recorder is not None:
            self.recorder.stop(self)
        peer, self.peer = self.peer, None
        if peer is not None:
            peer.peer = None
            peer.carrier._bridge_ended(peer, self, by)
        for child in list(self.children):
            if not child.ended and not child.answered:
                child.hangup("network", "parent call ended", status="canceled")
        if self.party is not None:
            self.party.on_end(self)
        op, self.op = self.op, None
        if op is not None:
            op.on_hangup()
        for fn in self.on_end:
            fn(self)
        if self.runner is not None:
            self.runner.leg_ended(self)

    # -- input from the party on this leg ------------------------------------------------------
    def party_speak(self, text: str, confidence: float, start: float) -> float:
        """Schedule speech by this leg's party; returns when it ends."""
        utt = self.carrier.media.utterance(text, confidence, self.party)
        self.clock.at(start, self._speech, utt)
        return start + utt.duration

    def party_speak_audio(
        self, audio: Any, start: float, text: str = "", confidence: float = 1.0
    ) -> float:
        """Schedule recorded speech by this leg's party (e.g. a person at a notebook
        microphone); returns when it ends.  The flow's recogniser decides what was said
        (`text`, if given, only labels the input in the trace).  Audio at another rate is
        resampled to the 8 kHz line."""

        audio = audio.mono().resample(LINE_RATE)
        utt = Utterance(text, round(audio.duration, 6), confidence, audio)
        self.clock.at(start, self._speech, utt)
        return start + utt.duration

    def _speech(self, utt: Any) -> None:
        if self.ended:
            return
        now = self.clock.now
        by = _side(self)
        media = self.carrier.media
        media.track(self, "near", now, utt.audio)
        if self.recorder is not None:
            self.recorder.add(self, "party", utt.text, now, utt.duration, utt.audio)
        peer = self.peer
        if peer is not None:
            media.track(peer, "far", now, utt.audio)
        if peer is not None:
            self.trace("speech", by=by, text=utt.text)
            if not peer.flow_driven:
                peer.hear(by, utt, now)
            elif peer.op is not None:
                peer.trace(
                    "input", by=by, mode="speech", value=_said(utt), confidence=utt.confidence
                )
                peer.op.on_speech(utt, now)
            else:
                peer.trace("unheard", by=by, mode="speech", value=_said(utt))
        elif self.conference is not None:
            self.trace("speech", by=by, text=utt.text)
            self.conference.speak(self, utt, now)
        elif self.op is not None:
            self.trace("input", by=by, mode="speech", value=_said(utt), confidence=utt.confidence)
            self.op.on_speech(utt, now)
        else:
            self.trace("unheard", by=by, mode="speech", value=_said(utt))

    def hear(self, by: str, utt: Any, start: float) -> None:
        """Someone connected to this leg spoke: tell this leg's party, or its flow."""
        if self.party is not None:
            self.party.on_heard(self, by, utt.text, start, start + utt.duration)

    def party_press(self, keys: str, start: float) -> float:
        """Key `keys` from `start`; the media layer says which keys arrive when (in audio
        fidelity the tones cross the channel and a detector decides)."""
        heard, duration = self.carrier.media.press(keys, self, start)
        for key, offset in heard:
            self.clock.at(start + offset, self._key, key)
        return start + duration

    def _key(self, key: str) -> None:
        if self.ended:
            return
        by = _side(self)
        peer = self.peer
        if peer is not None and peer.flow_driven and peer.op is not None:
            peer.trace("input", by=by, mode="dtmf", value=key)
            peer.op.on_key(key)
        elif self.op is not None and not self.in_conversation:
            self.trace("input", by=by, mode="dtmf", value=key)
            self.op.on_key(key)
        elif self.conference is not None:
            self.trace("input", by=by, mode="dtmf", value=key)
            self.conference.key(self, key)
        else:
            self.trace("unheard", by=by, mode="dtmf", value=key)

    def party_hangup(self) -> None:
        self.hangup("caller" if self.direction == "inbound" else "callee")

    # -- records ------------------------------------------------------------------------------
    def record(self) -> dict[str, Any]:
        """The call record (CDR) as plain data, Twilio's field names where they exist."""
        return {
            "sid": self.sid,
            "parent_call_sid": self.parent.sid if self.parent else None,
            "from": self.from_,
            "to": self.to,
            "direction": self.direction,
            "status": self.status,
            "start_time": self.start_time,
            "answer_time": self.answered_at,
            "end_time": self.ended_at,
            "duration": self.duration,
            "answered_by": self.answered_by,
            "ended_by": self.end_reason,
            "cause": self.cause,
        }

    def __repr__(self) -> str:
        return f"<Leg {self.sid[:8]} {self.from_} -> {self.to} {self.status}>"


def _side(leg: Leg) -> str:
    return "caller" if leg.direction == "inbound" else "callee"


def _said(utt: Any) -> str:
    """How speech shows in the trace: its words, or (live audio not yet recognised) its length."""
    if utt.text or utt.audio is None:
        return utt.text
    return f"<speech {utt.duration:.2f}s>"
