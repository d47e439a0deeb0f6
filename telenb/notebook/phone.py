"""The Phone widget: call a flow from the notebook and talk to it, live.

A keypad (real DTMF into the call), call and hang-up buttons, status and a timer, the
flow's prompts played in the browser as they happen (8 kHz PCM sent as binary buffers,
played with WebAudio), a live transcript, a box to type what you say, and a microphone
(an AudioWorklet streams PCM to the kernel; `Endpointer` cuts it into utterances that reach
the flow as caller speech).  Everything the buttons do is a method here, on `LiveCall`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ._widget import Fallback, static
from .live import LiveCall, LiveEvent

if TYPE_CHECKING:
    from ..sim.carrier import Carrier

FINAL = ("completed", "busy", "no-answer", "failed", "canceled")


class Phone(Fallback, anywidget.AnyWidget):
    """A telephone in the notebook, dialling `number` on `carrier` (default: the session's)."""

    _esm = static("phone.js")
    _css = static("telenb.css")

    number = t.Unicode("").tag(sync=True)
    status = t.Unicode("idle").tag(sync=True)
    duration = t.Float(0.0).tag(sync=True)
    transcript = t.List(t.Unicode()).tag(sync=True)
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
            from . import session

            carrier = session.carrier()
        super().__init__(number=number, fidelity=carrier.fidelity, **kwargs)
        self.carrier = carrier
        self.from_ = from_
        self.speed = speed
        self.speak_prompts = speak_prompts
        self.live: LiveCall | None = None
        self.calls: list[LiveCall] = []
        self.prompts_sent = 0
        self.utterances: list[Any] = []  # what the microphone heard, as 8 kHz Audio
        self._endpointer: Any = None
        self.on_msg(self._on_msg)

    # -- the plain API the buttons use ----------------------------------------------------------
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
        self.transcript = []
        self.duration = 0.0
        self.live = live
        self.calls.append(live)
        live.start()
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
            self.transcript = [*self.transcript, ev.text]
        elif ev.kind == "prompt" and ev.audio is not None:
            self.prompts_sent += 1
            msg = {"type": "play", "phone": self.model_id, "id": self.prompts_sent}
            msg.update(rate=ev.audio.rate, text=ev.text)
            self.send(msg, [ev.audio.to_pcm16()])
        elif ev.kind == "stop":
            self.send({"type": "stop"})
        elif ev.kind == "error":
            self.transcript = [*self.transcript, f"error: {ev.text}"]
        elif ev.kind == "done":
            self.status = ev.text
            self.duration = self.live.result.duration if self.live else 0.0

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
                self._mic(bytes(buffers[0]), int(content["rate"]))
            elif kind == "mic-off":
                self._mic_off()
        except Exception as exc:  # a button must not fail silently in the kernel log
            self.transcript = [*self.transcript, f"{kind}: {exc}"]

    @property
    def mic_samples(self) -> int:
        """Microphone samples received from the browser so far."""
        return self._endpointer.received if self._endpointer is not None else 0

    def _mic(self, pcm16: bytes, rate: int) -> None:
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
            self.transcript = [*self.transcript, f"(not on a call: {audio.duration:.2f}s unheard)"]

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
