"""Live calls: a person in the notebook calls a flow on the simulated carrier, in real time.

    live = LiveCall(carrier, "+15550100").start()   # needs a running asyncio loop (a kernel)
    live.press("1"); live.say("red"); live.speak_audio(audio); live.hangup()
    await live.wait()                               # or look at live.status / live.result

The carrier runs on the wall clock while live calls are up (`Carrier.set_realtime`), driven
by one task on the running loop per carrier, so the kernel keeps executing cells and
handling widget messages between events.  Afterwards it goes back to virtual time.
Listeners get `LiveEvent`s: status changes, prompts with their audio (what the caller hears),
transcript lines, "stop" (barge-in or hang-up: stop playing) and "done".
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..sim.clock import RealtimeClock
from ..sim.parties import Party

if TYPE_CHECKING:
    from ..sim.carrier import Carrier
    from ..sim.leg import Leg
    from ..sim.media import Prompt
    from ..sim.ops import Question

# trace events shown in a live transcript
TRANSCRIPT_KINDS = frozenset(
    {
        "say", "play", "ask", "input", "unheard", "result", "speech", "bargein", "timeout",
        "record", "hangup", "error", "message", "log", "transfer", "dial", "conference",
        "status",
    }
)  # fmt: skip
LINE_RATE = 8000
PERSON = ("caller", "callee")  # hang-ups by the person on the phone


@dataclass(frozen=True)
class LiveEvent:
    """Something a live view should show: kind is status, prompt, line, stop, error or done."""

    kind: str
    t: float
    text: str = ""
    audio: Any = None  # telenb.audio.Audio for prompts (8 kHz mono), when there is sound


class LiveParty(Party):
    """The person at the notebook: no script; tells its LiveCall what reaches their ear."""

    def __init__(self, live: LiveCall, number: str | None = None):
        super().__init__(None, number=number)
        self._live = live

    def on_prompt(self, leg: Leg, prompt: Prompt) -> None:
        super().on_prompt(leg, prompt)
        self._live._prompt(prompt)

    def on_question(self, leg: Leg, question: Question) -> None:
        super().on_question(leg, question)
        if question.prompt is not None:
            self._live._prompt(question.prompt)


class LiveCall:
    """One call placed by a person from the notebook (the plain API under the Phone widget).

    `speak_prompts`: in text fidelity prompts have no audio; with True the speech layer
    synthesises what the flow says so it can be heard (audio files are played either way).
    The simulation still times such prompts by its text-fidelity estimate, so the sound may
    end a little before or after the flow starts listening; audio fidelity is exact.
    """

    def __init__(
        self,
        carrier: Carrier,
        to: str,
        *,
        from_: str | None = None,
        speed: float = 1.0,
        speak_prompts: bool = True,
    ):
        self.carrier = carrier
        self.to = to
        self.from_ = from_
        self.speed = speed
        self.speak_prompts = speak_prompts
        self.listeners: list[Callable[[LiveEvent], None]] = []
        self.events: list[LiveEvent] = []
        self.result: Any = None
        self.party: LiveParty | None = None
        self.error: BaseException | None = None
        self._origin = 0.0
        self._sids: set[str] = set()
        self._done_sent = False
        self._future: asyncio.Future | None = None

    # -- starting -------------------------------------------------------------------------------
    def start(self) -> LiveCall:
        """Place the call now; the running asyncio loop (the kernel's) drives it."""
        if self.result is not None:
            raise RuntimeError("this live call was already started; make a new LiveCall")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "a live call needs a running asyncio loop, such as a Jupyter kernel's; "
                "in a script, start it inside a coroutine (asyncio.run)"
            ) from None
        driver = _Driver.for_carrier(self.carrier, self.speed, loop)
        self._future = loop.create_future()
        self.party = LiveParty(self, self.from_)
        self.result = self.carrier.call(self.to, caller=self.party, from_=self.from_, run=False)
        self._origin = self.result.root.created
        self._sids = {leg.sid for leg in self.result.legs}
        for ev in self.result.trace:  # what happened while placing the call
            self._trace(ev)
        self.carrier.trace.listeners.append(self._trace)
        driver.add(self)
        return self

    async def wait(self) -> Any:
        """Until the call is over; returns its `CallResult`."""
        if self._future is None:
            raise RuntimeError("start() the live call first")
        await asyncio.shield(self._future)
        return self.result

    # -- state ----------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        return (self.result.status if self.result is not None else None) or "idle"

    @property
    def done(self) -> bool:
        return self.result is not None and self.result.done

    @property
    def elapsed(self) -> float:
        """Seconds since the call was placed (simulated time)."""
        if self.result is None:
            return 0.0
        clock = self.carrier.clock
        now = max(clock.now, clock.elapsed()) if isinstance(clock, RealtimeClock) else clock.now
        return now - self._origin

    def transcript(self) -> list[str]:
        return [e.text for e in self.events if e.kind == "line"]

    # -- the person's input ---------------------------------------------------------------------
    def press(self, keys: str) -> None:
        """Keypad keys, from now (in audio fidelity as real tones the flow's detector hears)."""
        self._soon(lambda leg: leg.party_press(keys, self.carrier.clock.now))

    def say(self, text: str, confidence: float = 1.0) -> None:
        """Speech given as text (text fidelity hears it as is; audio fidelity synthesises it)."""
        self._soon(lambda leg: leg.party_speak(text, confidence, self.carrier.clock.now))

    def speak_audio(self, audio: Any) -> None:
        """Recorded speech (e.g. from the browser microphone); the flow's recogniser decides."""
        self._soon(lambda leg: leg.party_speak_audio(audio, self.carrier.clock.now))

    def hangup(self) -> None:
        self._soon(lambda leg: leg.party_hangup())

    def _soon(self, action: Callable[[Any], Any]) -> None:
        if self.result is None:
            raise RuntimeError("start() the live call first")
        leg = self.result.root

        def run() -> None:
            if not leg.ended:
                action(leg)

        clock = self.carrier.clock
        if isinstance(clock, RealtimeClock):
            clock.call_soon(run)
        else:  # the carrier is back in virtual time: nothing runs it later, so now
            run()

    # -- what happens on the call ---------------------------------------------------------------
    def _emit(self, kind: str, text: str = "", audio: Any = None) -> None:
        ev = LiveEvent(kind, round(self.elapsed, 3), text, audio)
        self.events.append(ev)
        for fn in list(self.listeners):
            fn(ev)

    def _trace(self, ev: Any) -> None:
        if ev.sid not in self._sids:
            if self.result is None or ev.kind != "status":
                return
            self._sids = {leg.sid for leg in self.result.legs}  # a transfer added a leg
            if ev.sid not in self._sids:
                return
        root = self.result.root
        if ev.kind == "status" and ev.sid == root.sid:
            self._emit("status", ev.data["status"])
        if ev.kind == "bargein" or (ev.kind == "hangup" and ev.data.get("by") in PERSON):
            self._emit("stop")  # the person cut the prompt short (a flow's goodbye plays out)
        if ev.kind in TRANSCRIPT_KINDS and (ev.kind != "status" or ev.sid == root.sid):
            who = "" if ev.sid == root.sid else f"[{ev.sid[:6]}] "
            self._emit("line", f"{ev.t - self._origin:6.2f}s  {who}{ev.kind:<8} {ev.summary()}")
        self._check_done()

    def _prompt(self, prompt: Prompt) -> None:
        self._emit("prompt", prompt.text, self._prompt_audio(prompt))

    def _prompt_audio(self, prompt: Prompt) -> Any:
        if prompt.audio is not None:
            return prompt.audio.mono().resample(LINE_RATE)
        try:
            from ..audio import Audio

            if prompt.url:
                path = Path(prompt.url[7:] if prompt.url.startswith("file://") else prompt.url)
                return Audio.load(path).mono().resample(LINE_RATE) if path.exists() else None
            if self.speak_prompts and not prompt.text.startswith("<"):
                from ..speech import synthesize

                return synthesize(prompt.text, voice=prompt.voice, rate=LINE_RATE)
        except Exception:  # no speech engine: the transcript still shows the words
            self.speak_prompts = False
        return None

    def _check_done(self) -> None:
        if not self._done_sent and self.done:
            self._done_sent = True
            self._emit("done", self.status)
            if self._future is not None and not self._future.done():
                self._future.set_result(self.result)

    def _detach(self) -> None:
        with contextlib.suppress(ValueError):
            self.carrier.trace.listeners.remove(self._trace)

    def _fail(self, exc: BaseException) -> None:
        self.error = exc
        self._emit("error", f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(Exception):
            self.result.root.hangup("network", cause=f"telenb error: {type(exc).__name__}")
        self._done_sent = True
        self._emit("done", self.status)
        if self._future is not None and not self._future.done():
            self._future.set_result(self.result)

    def __repr__(self) -> str:
        return f"<LiveCall to {self.to} {self.status}>"


class _Driver:
    """One task per carrier runs its real-time clock while live calls are up."""

    _by_carrier: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @classmethod
    def for_carrier(
        cls, carrier: Carrier, speed: float, loop: asyncio.AbstractEventLoop
    ) -> _Driver:
        driver = cls._by_carrier.get(carrier)
        if driver is None or driver.task.done():
            driver = cls(carrier, speed, loop)
            cls._by_carrier[carrier] = driver
        return driver

    def __init__(self, carrier: Carrier, speed: float, loop: asyncio.AbstractEventLoop):
        self.carrier = carrier
        self.calls: list[LiveCall] = []
        self.went_live = not carrier.realtime
        if self.went_live:
            carrier.set_realtime(True, speed)
        clock = carrier.clock
        if not isinstance(clock, RealtimeClock):
            raise TypeError("a live call runs on the wall clock: carrier.set_realtime(True) first")
        self.clock = clock
        self.task = loop.create_task(self._run())

    def add(self, call: LiveCall) -> None:
        self.calls.append(call)
        self.clock.call_soon(lambda: None)  # wake the loop

    def _idle(self) -> bool:
        for call in self.calls:
            call._check_done()
        if not all(c.done and c.result.messages_settled for c in self.calls):
            return False
        return all(leg.ended for leg in self.carrier.legs)

    async def _run(self) -> None:
        try:
            await asyncio.sleep(0)  # let start() place the call first
            await self.clock.run_async(stop=self._idle)
        except Exception as exc:  # a bug must not leave the call hanging
            for call in self.calls:
                if not call.done:
                    call._fail(exc)
        finally:
            for call in self.calls:
                call._detach()
            if self.went_live:
                with contextlib.suppress(Exception):
                    self.carrier.set_realtime(False)
