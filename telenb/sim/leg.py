"""A call leg: one connection with its own SID, status history and call record fields.

Input from the party on this leg (speech, keys, hang-up) arrives here and goes to whatever
the leg is connected to: the flow's current operation, a bridged leg, or a conference.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .media import Utterance
from .untracked import track as _track
from .untracked import untrack as _untrack

if TYPE_CHECKING:
    from .carrier import Carrier
    from .clock import Clock

LINE_RATE = 8000  # telenb.audio.LINE_RATE, without importing numpy here
FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
TROPO_STATE = {
    "queued": "RINGING", "initiated": "RINGING", "ringing": "RINGING",
    "in-progress": "ANSWERED",
}  # fmt: skip


def retire(leg: Leg) -> None:
    """A finished signalling-only leg refers only to strings, numbers and its carrier's weak
    reference: it cannot be part of a cycle, so the collector is told not to scan it (as it
    does itself for tuples of atoms).  That keeps a run's cost per call flat at any size."""
    if leg._live is None:  # (untracking twice is harmless)
        _untrack(leg)


NO_HEADERS: Mapping[str, str] = MappingProxyType({})  # shared: a leg without SIP headers


class _Live:
    """What only a leg that a flow, a party or a bridge touches needs; a signalling-only
    call (`Leg.signalling`) never makes one, so its finished record stays small."""

    __slots__ = (
        "children", "conference", "created", "handovers", "headers", "hops", "listener",
        "on_end", "op", "parent", "party", "peer", "recorder", "runner", "timers",
    )  # fmt: skip

    def __init__(self, created: float | None) -> None:
        self.created = created
        self.parent: Leg | None = None
        self.hops = 0
        self.handovers: tuple[float, int] = (-1.0, 0)
        self.party: Any = None
        self.op: Any = None
        self.runner: Any = None
        self.peer: Leg | None = None
        self.conference: Any = None
        self.recorder: Any = None
        # empty tuples until used: a leg gets a list only when something is added
        self.children: list[Leg] | tuple[()] = ()
        self.timers: list | tuple[()] = ()
        self.headers: Mapping[str, str] = NO_HEADERS
        self.listener: Any = None
        self.on_end: list | tuple[()] = ()


T = TypeVar("T")

if TYPE_CHECKING:

    class _Field(Generic[T]):
        """How the type checker sees a `_live_field` (at run time it is a property)."""

        def __get__(self, obj: Any, owner: Any = None) -> T: ...
        def __set__(self, obj: Any, value: T) -> None: ...


def _live_field(name: str, default: Any) -> Any:
    """A Leg attribute kept in its `_Live` part: `default` until first set."""
    member = _Live.__dict__[name]
    get_m, set_m = member.__get__, member.__set__

    def get(self: Leg) -> Any:
        live = self._live
        return default if live is None else get_m(live)

    def set_(self: Leg, value: Any) -> None:
        live = self._live
        if live is None:
            if not gc.is_tracked(self):  # a finished record coming back to life
                _track(self)
            live = self._live = _Live(self.start_time)
        set_m(live, value)

    return property(get, set_, doc=f"the leg's {name} (kept only once set)")


class Leg:
    """One connection.  Its fields are Twilio's call record; what flows, parties and bridges
    use lives in a `_Live` part made on first use, so that a signalling-only call (the
    hundreds of thousands of a load experiment) is a small record."""

    __slots__ = (
        "_cref", "_live", "answered_at", "answered_by", "cause", "direction", "end_reason",
        "ended_at", "from_", "sid", "start_time", "status", "to", "trace_on",
    )  # fmt: skip

    if TYPE_CHECKING:
        _cref: Callable[[], Carrier]
        _live: _Live | None

    # the `_Live` part, read through properties (defaults while it does not exist)
    parent: _Field[Leg | None] = _live_field("parent", None)
    hops: _Field[int] = _live_field("hops", 0)  # forwards so far (Max-Forwards)
    handovers: _Field[tuple[float, int]] = _live_field("handovers", (-1.0, 0))  # (time, count)
    party: _Field[Any] = _live_field("party", None)
    op: _Field[Any] = _live_field("op", None)
    runner: _Field[Any] = _live_field("runner", None)
    peer: _Field[Leg | None] = _live_field("peer", None)
    conference: _Field[Any] = _live_field("conference", None)
    recorder: _Field[Any] = _live_field("recorder", None)
    children: _Field[Any] = _live_field("children", ())
    timers: _Field[Any] = _live_field("timers", ())
    headers: _Field[Any] = _live_field("headers", NO_HEADERS)
    listener: _Field[Any] = _live_field("listener", None)  # told of status changes
    on_end: _Field[Any] = _live_field("on_end", ())

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
        self._cref = weakref.ref(carrier)  # type: ignore[assignment]  # one shared ref per carrier: no cycle through it
        self.sid, self.from_, self.to, self.direction = sid, from_, to, direction
        self.trace_on = trace
        self.status: str | None = None
        self.start_time: float | None = None
        self.answered_at: float | None = None
        self.ended_at: float | None = None
        self.answered_by: str | None = None
        self.end_reason: str | None = None
        self.cause: str | None = None
        live = self._live = _Live(carrier.clock.now)
        live.party = party
        if parent is not None:
            live.parent = parent
            live.hops = parent.hops + 1
            parent._add_child(self)

    @classmethod
    def signalling(
        cls, carrier: Carrier, sid: str, from_: str, to: str, now: float, trace: bool
    ) -> Leg:
        """A leg that only occupies the network (`telenb.sim.traffic`): created at `now`,
        no `_Live` part until something (a fault, a redirect) needs one."""
        leg = cls.__new__(cls)
        leg._cref = weakref.ref(carrier)  # type: ignore[assignment]
        leg._live, leg.trace_on = None, trace
        leg.sid, leg.from_, leg.to, leg.direction = sid, from_, to, "inbound"
        leg.status = leg.answered_at = leg.ended_at = leg.answered_by = None
        leg.end_reason = leg.cause = None
        leg.start_time = now
        return leg

    @property
    def carrier(self) -> Carrier:
        """The carrier this leg is on (held by a weak reference, so that a finished record
        refers to nothing that could make a cycle, and the collector need not scan it)."""
        return self._cref()

    @property
    def clock(self) -> Clock:
        """The carrier's clock (a carrier changes clocks only while no leg is active)."""
        return self._cref().clock

    @property
    def created(self) -> float:
        """When the leg was made (a signalling-only call: when it started)."""
        live = self._live
        return self.start_time if live is None else live.created  # type: ignore[return-value]

    @property
    def network(self) -> str:
        return "SIP" if self.to.startswith("sip:") or self.from_.startswith("sip:") else "PSTN"

    def _add_child(self, child: Leg) -> None:
        children = self.children
        if children:
            children.append(child)
        else:
            self.children = [child]

    def add_timer(self, entry: Any) -> None:
        """A clock entry to cancel when the leg ends."""
        timers = self.timers
        if timers:
            timers.append(entry)
        else:
            self.timers = [entry]

    def add_on_end(self, fn: Any) -> None:
        """`fn(leg)` once the leg has ended."""
        on_end = self.on_end
        if on_end:
            on_end.append(fn)
        else:
            self.on_end = [fn]

    # -- status ---------------------------------------------------------------------------------
    def set_status(self, status: str, cause: str | None = None) -> None:
        if self.status in FINAL or status == self.status:
            return
        now = self._cref().clock.now
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
            self._cref().trace.add(now, self.sid, "status", **data)
        self._cref()._status_changed(self, status)

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
            carrier = self._cref()
            carrier.trace.add(carrier.clock.now, self.sid, kind, **data)

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
        timers = self.timers
        if timers:
            for t in timers:
                self._cref().clock.cancel(t)
            self.timers = ()
        self.trace("hangup", by=by, **({"cause": cause} if cause else {}))
        self.set_status(status, cause)
        if self.conference is not None:
            self.conference.leave(self)
        if self.recorder is not None:
            self.recorder.stop(self)
        peer = self.peer
        if peer is not None:
            self.peer = peer.peer = None
            peer._cref()._bridge_ended(peer, self, by)
        for child in list(self.children):
            if not child.ended and not child.answered:
                child.hangup("network", "parent call ended", status="canceled")
        if self.party is not None:
            self.party.on_end(self)
        op = self.op
        if op is not None:
            self.op = None
            op.on_hangup()
        for fn in self.on_end:
            fn(self)
        if self.runner is not None:
            self.runner.leg_ended(self)

    # -- input from the party on this leg ------------------------------------------------------
    def party_speak(self, text: str, confidence: float, start: float) -> float:
        """Schedule speech by this leg's party; returns when it ends."""
        utt = self._cref().media.utterance(text, confidence, self.party)
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
        media = self._cref().media
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
        heard, duration = self._cref().media.press(keys, self, start)
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
        elif self.op is not None and getattr(self.op, "keys_in_bridge", False):
            # an operation that listens to its own caller in a bridge (TwiML's hangupOnStar)
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
