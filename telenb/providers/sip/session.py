"""One real SIP call running a telenb flow: the FlowHost, carrying out verbs in real time.

Each call runs on its own thread (greenlets belong to the thread that made them): a verb
becomes worker commands (answer, play, record, reject, hangup), and the call waits on its own
queue of worker events (state, media, dtmf, played, recorded).  Prompts are synthesised here,
in the kernel, and quantised with telenb's own G.711 before the worker streams them.
"""

from __future__ import annotations

import hashlib
import queue
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...audio import LINE_RATE, Audio
from ...audio.g711 import codec_roundtrip
from ...audio.tones import call_progress_tone
from ...errors import FlowError, TelenbError
from ...flow import verbs as V
from ...flow.api import Call
from ...flow.runtime import FlowSession
from ...sim.trace import Trace
from .headers import flow_view
from .ladder import SipMessage
from .recording import SipRecording
from .statuses import final_status
from .tap import CallTap
from .transfer import refer_progress
from .verbs import execute  # the verbs, one function each

if TYPE_CHECKING:
    from collections.abc import Callable

    from .backend import SipBackend

GONE = {"type": "gone"}  # put on every call's queue when the worker process ends
ANSWER_WAIT = 5.0  # seconds for the peer's ACK and the media stream after our 200
BEEP = 0.25
BYE_ANSWER_WAIT = 1.0  # seconds for the final response to our BYE, for the ladder
MESSAGE_ANSWER_WAIT = 2.0  # seconds a hangup waits for the answer to a MESSAGE just sent
LAWS = {"PCMU": "pcmu", "PCMA": "pcma"}


class SipCall:
    """The FlowHost for one SIP call (inbound or outbound)."""

    def __init__(
        self,
        backend: SipBackend,
        cid: int,
        from_: str,
        to: str,
        callid: str,
        direction: str,
        headers: dict[str, str] | None = None,
        *,
        parent: SipCall | None = None,
    ):
        self.backend = backend
        # inbound: the INVITE's header fields; outbound: the X- fields we put on ours
        self.headers = flow_view({str(k): str(v) for k, v in (headers or {}).items()})
        self.cid, self.callid = cid, callid
        self.sip_log: list[SipMessage] = []  # appended by the backend's reader thread
        self.rtp: dict[str, Any] | None = None  # the stream's counters, once the call ended
        self.from_, self.to, self.direction = from_, to, direction
        self.sid = "CA" + hashlib.sha256(f"{callid}:{cid}:{direction}".encode()).hexdigest()[:32]
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.trace_log = Trace()
        self.t0 = time.monotonic()
        self.status: str | None = None
        self.answered = self.ended = self.confirmed = False
        self.codec: str | None = None
        self.digits: list[str] = []  # keys received and not yet consumed by a verb
        self.playing = False
        self.recorded: str | None = None
        self.rejected: str | None = None  # the reason, when the flow rejected the call
        self.hung_up_by: str | None = None
        self.recordings: list[SipRecording] = []
        self.session: FlowSession | None = None
        self.answered_at: float | None = None
        self.ended_at: float | None = None
        self._prompts = 0
        self._messages = 0
        self.unanswered: set[str] = set()  # our SIP MESSAGEs without a final response yet
        self.end_cause: str | None = None  # why the call ended, when not a plain BYE
        self.refer_statuses: list[tuple[int, bool]] = []  # (code, final) of our REFER
        self.refer_leg: tuple[str, str] | None = None  # (sid, status) of the phone's new call
        self.refer_target = ""
        self.parent = parent
        self.legs: dict[int, SipCall] = {}  # a transfer's legs by id, whose events come here
        self.placed: list[SipCall] = []  # every leg its transfers placed, in order
        if parent is not None:  # a transfer's leg: one queue and one trace with its caller
            self.events, self.trace_log, self.t0 = parent.events, parent.trace_log, parent.t0
            parent.legs[cid] = self
            parent.placed.append(self)
        self.tap: CallTap | None = None  # the call recording, from the media stream's start

    # -- FlowHost -------------------------------------------------------------------------------
    def perform(self, verb: Any) -> Any:
        assert self.session is not None
        return self.session.perform(verb)

    def trace(self, kind: str, /, **data: Any) -> None:
        self.trace_log.add(round(time.monotonic() - self.t0, 3), self.sid, kind, **data)

    def info(self) -> dict[str, Any]:
        state = "DISCONNECTED" if self.ended else ("ANSWERED" if self.answered else "RINGING")
        return {
            "sid": self.sid, "from": self.from_, "to": self.to, "network": "SIP",
            "channel": "VOICE", "state": state, "headers": dict(self.headers),
        }  # fmt: skip

    @property
    def peer(self) -> str:
        """The other party's URI: the caller of an inbound call, the callee of an outbound."""
        return self.from_ if self.direction == "inbound" else self.to

    @property
    def us(self) -> str:
        return self.to if self.direction == "inbound" else self.from_

    def _message_sid(self) -> str:
        self._messages += 1
        return "SM" + hashlib.sha256(f"{self.sid}:{self._messages}".encode()).hexdigest()[:32]

    def log_sip(self, at: float, ev: dict[str, Any]) -> None:
        """File one SIP message of this call (the INVITE may predate the call: time 0)."""
        self.sip_log.append(SipMessage(max(0.0, round(at - self.t0, 3)), str(ev["dir"]),
                                       str(ev["line"]), str(ev.get("cseq") or "")))  # fmt: skip

    # -- status and events ----------------------------------------------------------------------
    def set_status(self, status: str, cause: str | None = None) -> None:
        if status == self.status or self.status in ("completed", "busy", "failed", "no-answer",
                                                    "canceled"):  # fmt: skip
            return
        self.status = status
        data: dict[str, Any] = {"status": status}
        if cause:
            data["cause"] = cause
        if status in ("ringing", "initiated"):
            data.update({"from": self.from_, "to": self.to})
        self.trace("status", **data)

    def _handle(self, ev: dict[str, Any]) -> None:
        kind = ev["type"]
        leg = self.legs.get(ev["call"]) if isinstance(ev.get("call"), int) else None
        if leg is not None and ev["call"] != self.cid:
            leg._handle(ev)
            return
        if kind == "gone":
            for leg in list(self.legs.values()):
                leg._handle(ev)
        if kind == "state":
            state = str(ev["state"]).upper()
            if state == "EARLY" and self.direction != "inbound":
                self.set_status("ringing")
            elif state == "CONFIRMED":
                self.confirmed = self.answered = True
                self.answered_at = self.answered_at or time.monotonic()
                self.set_status("in-progress")
            elif state.startswith("DISCONN"):
                self._ended(int(ev.get("code") or 0), str(ev.get("reason") or ""))
        elif kind == "media":
            self.codec = str(ev["codec"]).split("/")[0].upper()
            self.trace("media", codec=self.codec, remote=ev.get("remote"))
            if self.tap is None:
                self.tap = CallTap(self)
                self.tap.start()
        elif kind == "dtmf":
            self.key(str(ev["digit"]), "rfc4733", time.monotonic())
        elif kind == "tapped" and self.tap is not None:
            self.tap.closed.add(str(ev["path"]))
        elif kind == "message":  # the peer's SIP MESSAGE, in this call's dialog
            self.trace("message", sid=self._message_sid(), status="received", network="SIP",
                       **{"from": self.peer, "to": self.us, "body": str(ev["text"])})  # fmt: skip
        elif kind == "message_status":
            code = int(ev["code"])
            self.unanswered.discard(str(ev["ref"]))
            data: dict[str, Any] = {"sid": str(ev["ref"]), "from": self.us, "to": self.peer,
                                    "code": code}  # fmt: skip
            if not 200 <= code < 300:
                data["reason"] = str(ev.get("reason") or "")
            self.trace("message", status="delivered" if 200 <= code < 300 else "failed", **data)
        elif kind == "rtp":
            self.rtp = {k: v for k, v in ev.items() if k not in ("type", "call")}
        elif kind == "played":
            self.playing = False
        elif kind == "recorded":
            self.recorded = str(ev["path"])
        elif kind == "gone":
            self._ended(0, "the SIP worker exited")
        elif kind == "error":
            self.trace("sip-error", message=str(ev.get("message")))
        elif kind == "refer_status":
            self.refer_statuses.append((int(ev["code"]), bool(ev["final"])))
            self.trace("refer-status", code=int(ev["code"]), reason=str(ev.get("reason") or ""),
                       final=bool(ev["final"]))  # fmt: skip
            refer_progress(self, int(ev["code"]), bool(ev["final"]))
        elif kind == "media_timeout":
            self.end_cause = f"RTP timeout: no media for {ev['seconds']} s"
            self.hung_up_by = "network"
            self.trace("media-timeout", seconds=ev["seconds"], packets=ev.get("packets"))

    def _ended(self, code: int, reason: str) -> None:
        if self.ended:
            return
        self.ended, self.playing = True, False
        self.ended_at = time.monotonic()
        far = "caller" if self.direction == "inbound" else "callee"
        by = self.hung_up_by or ("flow" if self.rejected else far)
        cause = self.end_cause or reason
        self.trace("hangup", by=by, code=code, **({"cause": cause} if cause else {}))
        status, why = final_status(self, code, reason)
        self.set_status(status, why or self.end_cause)
        if self.parent is not None:
            self.backend.forget(self)

    def key(self, digit: str, how: str, at: float, until: float | None = None) -> None:
        """A key the caller pressed, as an RFC 4733 event or as tones (one key if both)."""
        if self.tap is None or self.tap.key(digit, how, at, until):
            self.digits.append(digit)
            self.trace("input", by="caller", mode="dtmf", value=digit, via=how)

    def pump(self, timeout: float = 0.0) -> bool:
        """Handle every waiting event; block up to `timeout` for the first.  False if none.
        Then the in-band DTMF detector reads what the caller sent meanwhile."""
        handle = (self.parent or self)._handle  # a transfer's leg shares its caller's queue
        try:
            ev = self.events.get(timeout=timeout) if timeout > 0 else self.events.get_nowait()
        except queue.Empty:
            self._tones()
            return False
        handle(ev)
        while True:
            try:
                handle(self.events.get_nowait())
            except queue.Empty:
                self._tones()
                return True

    def _tones(self) -> None:
        if self.tap is not None and not self.ended:
            for digit, at, until in self.tap.poll():
                self.key(digit, "inband", at, until)

    def close_tap(self) -> None:
        """The call has ended: its stereo recording from the worker's two files."""
        if self.tap is not None and self.tap.audio is None:
            self.tap.finish()

    def wait_until(self, done: Callable[[], bool], timeout: float) -> bool:
        """Handle events until `done()` or the call ends or `timeout` passes."""
        deadline = time.monotonic() + timeout
        self.pump()
        while not done() and not self.ended:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.pump(min(left, 0.05))
        return done()

    def send(self, kind: str, **fields: Any) -> None:
        self.backend.worker.send(kind, call=self.cid, **fields)

    # -- running the flow -----------------------------------------------------------------------
    def run(self, flow: Callable[[Call], Any], name: str, ring_timeout: float = 60.0) -> None:
        """Run `flow` on this call; an outbound one only once the callee has answered (as the
        simulator's `carrier.call(flow=...)`), else it ends ``no-answer`` after `ring_timeout`."""
        if self.direction == "outbound" and not self.wait_until(
            lambda: self.confirmed and self.codec is not None, ring_timeout
        ):
            if not self.ended:
                self.set_status("no-answer", f"not answered within {ring_timeout:g} s")
                self.hangup()  # CANCEL
            return
        self.session = session = FlowSession(lambda: flow(Call(self)), name=name)
        verb = session.start()
        while verb is not None:
            try:
                outcome = execute(self, verb)
            except TelenbError as exc:  # a verb used wrongly here: raise it inside the flow
                verb = session.throw(exc)
                continue
            verb = session.send(outcome)
        if session.error is not None:
            err = session.error
            self.trace("error", error=type(err).__name__, message=str(err),
                       traceback=session.traceback)  # fmt: skip
            self.hangup(status_cause=f"flow raised {type(err).__name__}")
        elif not self.ended:
            if not self.answered and self.direction == "inbound":
                self.answer()
            self.hangup()

    def answer(self) -> None:
        if self.answered or self.ended:
            return
        ring = self.backend.ring_time
        if ring > 0:
            self.wait_until(lambda: False, ring)
        if self.ended:
            return
        self.send("answer")
        self.answered = True
        self.wait_until(lambda: self.confirmed and self.codec is not None, ANSWER_WAIT)

    def hangup(self, status_cause: str | None = None) -> None:
        if self.ended:
            return
        self.hung_up_by = self.hung_up_by or "flow"
        if status_cause:
            self.set_status("failed", status_cause)
        # a text sent just before: let its MESSAGE be answered first, so it is not raced by
        # our BYE and its delivery is in the trace
        self.wait_until(lambda: not self.unanswered, MESSAGE_ANSWER_WAIT)
        self.send("hangup")
        self.wait_until(lambda: self.ended, ANSWER_WAIT)
        if not self.ended:
            self._ended(0, "no answer to our BYE")
        # pjsip may report the dialog ended before its log shows our BYE and the 200 to it:
        # wait for both, briefly, so the call's ladder is whole when the result is returned
        deadline = time.monotonic() + BYE_ANSWER_WAIT
        while not self._bye_answered() and time.monotonic() < deadline:
            time.sleep(0.01)

    def _bye_answered(self) -> bool:
        log = list(self.sip_log)
        return any(m.dir == "out" and m.label == "BYE" for m in log) and any(
            m.dir == "in" and m.line.startswith("SIP/2.0 ") and m.cseq.endswith(" BYE") for m in log
        )

    # -- media ----------------------------------------------------------------------------------
    def render(self, say: V.Say) -> tuple[Path, float]:
        """A prompt as a WAV file of exact G.711 values for the negotiated law."""
        if say.is_audio:
            ref = say.text[7:] if say.text.startswith("file://") else say.text
            if ref.startswith(("http://", "https://")):
                raise FlowError("the SIP backend plays local audio files only, not URLs")
            audio = Audio.load(ref).mono().resample(LINE_RATE)
        else:
            from ...speech import synthesize

            audio = synthesize(say.text, voice=say.voice, rate=LINE_RATE, language=say.language)
        if say.loop > 1:
            audio = Audio.concat([audio] * say.loop)
        return self.write(audio, "prompt")

    def next_file(self) -> int:
        """A number for this call's next file in the backend's work directory."""
        self._prompts += 1
        return self._prompts

    def write(self, audio: Audio, what: str) -> tuple[Path, float]:
        line = codec_roundtrip(audio, LAWS.get(self.codec or "PCMU", "pcmu"))  # type: ignore[arg-type]
        path = self.backend.workdir / f"{self.cid}-{self.next_file()}-{what}.wav"
        line.save(path, subtype="PCM_16")
        return path, round(line.duration, 3)

    def play(self, say: V.Say | None, *, stop_on_key: bool = False) -> float | None:
        """Stream a prompt; returns when it ends, or the offset a key interrupted it at."""
        if say is None or self.ended:
            return None
        path, duration = self.render(say)
        if say.is_audio:
            self.trace("play", url=say.text, duration=duration)
        else:
            self.trace("say", text=say.text, voice=say.voice, duration=duration)
        return self.stream(path, duration, stop_on_key=stop_on_key)

    def stream(
        self,
        path: Path,
        duration: float,
        *,
        stop_on_key: bool = False,
        stop_when: Callable[[], bool] | None = None,
    ) -> float | None:
        """Play a WAV file to the end, or until a key (`stop_on_key`) or `stop_when()` (the
        caller started speaking) barges in: then the offset it was cut at."""
        start = time.monotonic()
        self.playing = True
        self.send("play", path=str(path))
        self.wait_until(lambda: not self.playing or (stop_on_key and bool(self.digits))
                        or (stop_when is not None and stop_when()), duration + 5.0)  # fmt: skip
        if self.playing and not self.ended:
            self.send("stop_play")
            self.wait_until(lambda: not self.playing, ANSWER_WAIT)
            at = round(time.monotonic() - start, 3)
            self.trace("bargein", after=at)
            return at
        return None

    def beep(self) -> None:
        path, duration = self.write(call_progress_tone("record_beep", seconds=BEEP), "beep")
        self.trace("beep", why="recording")
        self.stream(path, duration)
