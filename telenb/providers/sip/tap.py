"""The whole-call tap: a stereo recording like the simulator's, and in-band DTMF from it.

From the moment the audio stream is up the worker writes two WAV files (`tap`): what the
caller sends, and every prompt the flow plays (each player feeds the call and that
recorder, in the same bridge cycle).  While the call lasts the kernel reads the caller's
file as pjmedia appends to it and runs telenb's own `DtmfDetector` on it, so a phone that
sends its keys as tones (no RFC 4733) reaches `ask` and `record` like one that sends
telephone-events; a phone that sends both is heard once.  When the call ends the two files
become one 2-channel `Audio` in the simulator's order (left the caller, right the flow).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from ...audio import LINE_RATE, Audio
from ...audio.dtmf import DtmfDetector, DtmfEvent
from .listen import WAV_HEADER

if TYPE_CHECKING:
    from .session import SipCall

# a key reported both ways (RFC 4733 and tones) is one key if the two reports of the same
# digit are this close: the tone's start against the telephone-event's arrival, in seconds
SAME_KEY = 0.5
CLOSE_WAIT = 4.0  # seconds to wait for the worker to close the files after the call


class Presses:
    """The keys of one call, as RFC 4733 events and as tones: one press, one key."""

    def __init__(self) -> None:
        # [digit, from, to (monotonic seconds), how, matched by its twin]
        self.heard: list[list[Any]] = []

    def key(self, digit: str, how: str, at: float, until: float | None = None) -> bool:
        """File a key heard `how` ("rfc4733" or "inband") from `at` to `until` (a tone's
        start and end; an event's arrival); False if it is a key already heard the other way
        (a phone sending both reports one key).  Each report stands for one press: two
        presses of the same key, sent both ways, are two keys."""
        end = at if until is None else until
        twins = [h for h in self.heard if h[0] == digit and h[3] != how and h[4] is False
                 and h[1] - SAME_KEY <= end and at - SAME_KEY <= h[2]]  # fmt: skip
        if twins:
            min(twins, key=lambda h: abs(h[1] - at))[4] = True
            return False
        self.heard.append([digit, at, end, how, False])
        del self.heard[:-32]
        return True


class CallTap:
    """The call recording of `call` and the in-band DTMF detector that reads it."""

    def __init__(self, call: SipCall) -> None:
        self.call = call
        n = call.next_file()
        self.paths = (
            call.backend.workdir / f"{call.cid}-tap{n}-caller.wav",
            call.backend.workdir / f"{call.cid}-tap{n}-flow.wav",
        )
        self.closed: set[str] = set()
        self.detector = DtmfDetector(LINE_RATE)
        self.offset = WAV_HEADER
        self.started_at = 0.0
        self.presses = Presses()
        self.audio: Audio | None = None

    def start(self) -> None:
        self.started_at = time.monotonic()
        self.call.send("tap", caller=str(self.paths[0]), flow=str(self.paths[1]))

    def key(self, digit: str, how: str, at: float, until: float | None = None) -> bool:
        """False if this key was already heard the other way (see `Presses`)."""
        return self.presses.key(digit, how, at, until)

    def poll(self) -> list[tuple[str, float, float]]:
        """Run the detector on what arrived since the last poll: the keys that ended, each
        with the monotonic times its tone began and ended."""
        try:
            with open(self.paths[0], "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:  # not created yet
            return []
        data = data[: len(data) // 2 * 2]
        if not data:
            return []
        self.offset += len(data)
        samples = np.frombuffer(data, "<i2").astype(np.float32) / 32768.0
        events: list[DtmfEvent] = []
        for i in range(0, samples.size, 4096):
            events += self.detector.feed(samples[i : i + 4096])
        events += self.detector.poll()  # a live call wants its keys now, not a batch later
        return [(ev.digit, self.started_at + ev.start, self.started_at + ev.end) for ev in events]

    def finish(self) -> Audio | None:
        """Wait for the worker to close both files; the stereo recording, or None (no media,
        or the backend made with ``record_calls=False``)."""
        deadline = time.monotonic() + CLOSE_WAIT
        gone = not self.call.backend.worker.alive
        while len(self.closed) < 2 and not gone and time.monotonic() < deadline:
            self.call.pump(0.05)  # the call has ended: wait_until would not wait
        try:
            if not self.call.backend.record_calls:
                return None  # the tap served the in-band DTMF detector only
            caller, flow = (Audio.load(p).mono() for p in self.paths)
        except Exception:  # a worker gone before it wrote them
            return None
        finally:
            for p in self.paths:
                p.unlink(missing_ok=True)
        self.audio = Audio.stereo(caller, flow)  # the shorter one padded with silence
        return self.audio
