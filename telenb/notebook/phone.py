"""The Phone widget: call a flow from the notebook and talk to it, live.

A keypad (real DTMF into the call), call and hang-up buttons, status and a timer, the
flow's prompts played in the browser as they happen (8 kHz PCM sent as binary buffers,
played with WebAudio), a live transcript, a box to type what you say, and a microphone
(an AudioWorklet streams PCM to the kernel; `Endpointer` cuts it into utterances that reach
the flow as caller speech).  Everything the buttons do is a method here, on `LiveCall`.
"""

from __future__ import annotations

import html
from collections import deque
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from . import session
from ._widget import Fallback, static
from .live import LiveCall, LiveEvent

if TYPE_CHECKING:
    from ..sim.carrier import Carrier

FINAL = ("completed", "busy", "no-answer", "failed", "canceled")
MAX_LINES = 500  # transcript lines kept in the kernel and shown; older ones drop off the top
MAX_UTTERANCES = 20  # microphone utterances kept (up to 15 s of 8 kHz audio each)


class Phone(Fallback, anywidget.AnyWidget):
    """A telephone in the notebook, dialling `number` on `carrier` (default: the session's)."""

    _esm = static("phone.js")
    _css = static("telenb.css")

    number = t.Unicode("").tag(sync=True)
    status = t.Unicode("idle").tag(sync=True)
    duration = t.Float(0.0).tag(sync=True)
    max_lines = t.Int(MAX_LINES).tag(sync=True)  # the browser keeps as many lines
    fidelity = t.Unicode("text").tag(sync=True)
    voice_activity = t.Bool(False).tag(sync=True)  # the microphone hears speech now

    def __init__(
        self,
        number: str = "",
        carrier: Carrier | None = None,
        *,
        from_: str | None = None,
        speed: float = 1.0,
        speak_prompts: bool = True,
        **kwargs: Any,
    ):
        if carrier is None:
            carrier = session.carrier()
        super().__init__(number=number, fidelity=carrier.fidelity, **kwargs)
        self.carrier = carrier
        self.from_ = from_
        self.speed = speed
        self.speak_prompts = speak_prompts
        self.live: LiveCall | None = None
        self.calls: list[LiveCall] = []
        self.prompts_sent = 0
        # what the microphone heard, as 8 kHz Audio: the last MAX_UTTERANCES
        self.utterances: deque[Any] = deque(maxlen=MAX_UTTERANCES)
        # the transcript: the last `max_lines` lines; `_next_line` numbers the next one, so
        # the browser gets each line once (a "lines" message) instead of the whole list again
        self._lines: deque[str] = deque(maxlen=self.max_lines)
        self._next_line = 0
        self._endpointer: Any = None
        self.on_msg(self._on_msg)

    @t.observe("max_lines")
    def _max_lines_changed(self, change: dict[str, Any]) -> None:
        self._lines = deque(self._lines, maxlen=max(1, int(change["new"])))
        self._send_transcript()

    # -- the plain API the buttons use ----------------------------------------------------------
    @property
    def transcript(self) -> list[str]:
        """The call's transcript lines (the last `max_lines` of them)."""
        return list(self._lines)

    @property
    def result(self) -> Any:
        """The current (or last) call's `CallResult`."""
        return self.live.result if self.live is not None else None

    def dial(self, number: str | None = None) -> LiveCall:
        """Place a live call (the kernel's loop drives it in real time)."""
        if self.live is not None and not self.live.done:
            raise RuntimeError("a call is already up; hang up first")
        if number:
            self.number = number
        if not self.number.strip():
            raise ValueError("enter a number to call")
        live = LiveCall(
            self.carrier,
            self.number.strip(),
            from_=self.from_,
            speed=self.speed,
            speak_prompts=self.speak_prompts,
        )
        live.listeners.append(self._on_live)
        self._clear_transcript()
        self.duration = 0.0
        try:
            live.start()
        except Exception:  # the call could not be placed: the phone stays free to dial again
            self.status = "idle"
            raise
        self.live = live
        self.calls.append(live)
        return live

    def press(self, keys: str) -> None:
        self._need_live().press(keys)

    def say(self, text: str) -> None:
        self._need_live().say(text)

    def speak_audio(self, audio: Any) -> None:
        self._need_live().speak_audio(audio)

    def hangup(self) -> None:
        if self.live is not None and not self.live.done:
            self.live.hangup()

    def _need_live(self) -> LiveCall:
        if self.live is None or self.live.done:
            raise RuntimeError("no call is up; dial() first")
        return self.live

    # -- from the call to the browser -----------------------------------------------------------
    def _on_live(self, ev: LiveEvent) -> None:
        if ev.kind == "status":
            self.status = ev.text
        elif ev.kind == "line":
            self._add_line(ev.text)
        elif ev.kind == "prompt" and ev.audio is not None:
            self.prompts_sent += 1
            msg = {"type": "play", "phone": self.model_id, "id": self.prompts_sent}
            msg.update(rate=ev.audio.rate, text=ev.text)
            self.send(msg, [ev.audio.to_pcm16()])
        elif ev.kind == "stop":
            self.send({"type": "stop"})
        elif ev.kind == "error":
            self._add_line(f"error: {ev.text}")
        elif ev.kind == "done":
            self.status = ev.text
            self.duration = self.live.result.duration if self.live else 0.0

    def _add_line(self, text: str) -> None:
        self._lines.append(text)
        self.send({"type": "lines", "first": self._next_line, "lines": [text]})
        self._next_line += 1

    def _clear_transcript(self) -> None:
        self._lines.clear()
        self._send_transcript()

    def _send_transcript(self) -> None:
        """All kept lines, numbered: a view that was not there (or missed some) catches up."""
        lines = list(self._lines)
        self.send({"type": "transcript", "first": self._next_line - len(lines), "lines": lines})

    # -- from the browser -----------------------------------------------------------------------
    def _on_msg(self, _widget: Any, content: dict[str, Any], buffers: list[Any]) -> None:
        kind = content.get("type")
        try:
            if kind == "dial":
                self.dial(content.get("number") or None)
            elif kind == "hangup":
                self.hangup()
            elif kind == "press":
                self.press(str(content["key"]))
            elif kind == "say" and str(content.get("text", "")).strip():
                self.say(str(content["text"]).strip())
            elif kind == "mic" and buffers:
                self._mic(bytes(buffers[0]), content.get("rate"))
            elif kind == "mic-off":
                self._mic_off()
            elif kind == "sync":  # a view was rendered: it needs the transcript so far
                self._send_transcript()
        except Exception as exc:  # a button must not fail silently in the kernel log
            self._add_line(f"{kind}: {exc}")

    @property
    def mic_samples(self) -> int:
        """Microphone samples received from the browser so far."""
        return self._endpointer.received if self._endpointer is not None else 0

    def _mic(self, pcm16: bytes, rate: Any) -> None:
        if self._endpointer is None:
            from .mic import Endpointer

            self._endpointer = Endpointer()
        for audio in self._endpointer.feed(pcm16, rate):
            self._utterance(audio)
        if self.voice_activity != self._endpointer.speaking:
            self.voice_activity = self._endpointer.speaking

    def _mic_off(self) -> None:
        if self._endpointer is not None:
            for audio in self._endpointer.flush():
                self._utterance(audio)
        self.voice_activity = False

    def _utterance(self, audio: Any) -> None:
        self.utterances.append(audio)
        if self.live is not None and not self.live.done:
            self.live.speak_audio(audio)
        else:
            self._add_line(f"(not on a call: {audio.duration:.2f}s unheard)")

    # -- without JavaScript ---------------------------------------------------------------------
    def fallback_text(self) -> str:
        return f"<telenb Phone: {self.number or 'no number'} ({self.fidelity} fidelity)>"

    def fallback_html(self) -> str:
        return (
            "<div class='telenb-phone-static' style='border:1px solid #ccc;padding:6px;"
            "display:inline-block'>"
            f"<b>telenb Phone</b> dialling {html.escape(self.number or '(no number)')}"
            f" ({html.escape(self.fidelity)} fidelity)<br><small>An interactive widget: run "
            "the notebook in Jupyter to call the flow.</small></div>"
        )
