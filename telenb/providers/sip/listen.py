"""A spoken answer on a real SIP call: what the caller sends, cut where their speech ends.

The worker records the caller's audio to a WAV file (8 kHz, 16-bit: the bridge's rate) and
pjmedia appends to it as it goes; the kernel reads the new samples each time the call
pumps its events and feeds them to telenb's `Endpointer`, so it hears the onset (barge-in)
and the end of the answer without audio crossing the pipe.  The utterance is then
recognised by the same recogniser, with the same grammar, as on the simulator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...audio import LINE_RATE, Audio
from ...speech.endpointer import Endpointer

if TYPE_CHECKING:
    from .session import SipCall

WAV_HEADER = 44  # pjmedia's WAV writer: a plain 44-byte PCM header, then the samples


class SpeechListener:
    """Listen for one spoken answer on `call` (start, then poll until an utterance)."""

    def __init__(self, call: SipCall, silence: float | None = None, max_seconds: float = 15.0):
        self.call = call
        self.path = call.backend.workdir / f"{call.cid}-listen{call.next_file()}.wav"
        options = {"silence_ms": silence * 1000} if silence else {}
        self.endpointer = Endpointer(max_seconds=max_seconds, **options)
        self.offset = WAV_HEADER
        self.started = False
        self.utterance: Audio | None = None

    @property
    def speaking(self) -> bool:
        """The caller has started an answer (it barges in on a prompt)."""
        return self.endpointer.speaking or self.utterance is not None

    def start(self) -> None:
        if not self.started and not self.call.ended:
            self.call.recorded = None
            self.call.send("record", path=str(self.path))
            self.started = True

    def poll(self) -> Audio | None:
        """Feed what arrived since the last poll; the finished utterance once there is one."""
        if self.utterance is not None or not self.started:
            return self.utterance
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                while self.utterance is None:
                    data = f.read(LINE_RATE * 2)  # a second at most (the endpointer's limit)
                    data = data[: len(data) // 2 * 2]
                    if not data:
                        break
                    self.offset += len(data)
                    done = self.endpointer.feed(data, LINE_RATE)
                    self.utterance = done[0] if done else None
        except OSError:  # not created yet
            pass
        return self.utterance

    def finish(self) -> Audio | None:
        """Stop recording; an answer under way when the call ended or time ran out counts."""
        if self.started:
            self.poll()
            if self.utterance is None:
                flushed = self.endpointer.flush()
                self.utterance = flushed[0] if flushed else None
            if not self.call.ended:
                self.call.send("stop_record")
            self.call.wait_until(lambda: self.call.recorded is not None, 5.0)
            self.path.unlink(missing_ok=True)
        return self.utterance
