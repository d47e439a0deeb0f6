"""Parties that are not people: a voicemail box, and the stand-in that lets a transferred
caller talk to another flow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .ops import BEEP

if TYPE_CHECKING:
    from .leg import Leg

VOICEMAIL_SILENCE = 5.0  # the box hangs up after this much silence once a message started
VOICEMAIL_MAX = 120.0


class VoicemailBox:
    """Answers, plays a greeting and a beep, records what it hears, hangs up on silence."""

    behaviour = "voicemail"

    def __init__(self, greeting: str, number: str):
        self.greeting, self.number = greeting, number
        self.segments: list[tuple[float, float, str, Any]] = []
        self.leg: Leg | None = None
        self._timer: list | None = None
        self.name = "voicemail"

    def on_connect(self, leg: Leg) -> None:
        self.leg = leg
        end = leg.party_speak(self.greeting, 1.0, leg.clock.now)
        self.rec_start = end + BEEP
        leg.clock.at(end, lambda: leg.trace("beep", why="voicemail"))  # Clock.at takes no kwargs
        self._timer = leg.clock.at(self.rec_start + VOICEMAIL_MAX, self._done, "max-time")

    def on_heard(self, leg: Leg, by: str, text: str, start: float, end: float) -> None:
        self.segments.append((start, end - start, text, None))
        leg.clock.cancel(self._timer)
        self._timer = leg.clock.at(end + VOICEMAIL_SILENCE, self._done, "silence")

    def _done(self, why: str) -> None:
        leg = self.leg
        if leg is None or leg.ended:
            return
        self._save(why)
        leg.hangup("callee", "voicemail finished")

    def _save(self, why: str) -> None:
        leg = self.leg
        if self.segments and leg is not None:
            now = leg.clock.now
            leg.carrier.recordings.create(
                leg, min(self.rec_start, now), now, self.segments, None, why=f"voicemail ({why})"
            )
            self.segments = []

    def on_end(self, leg: Leg) -> None:
        leg.clock.cancel(self._timer)
        if leg.end_reason != "callee":
            self._save("caller hung up")

    def on_prompt(self, leg: Leg, prompt: Any) -> None:
        pass

    def on_question(self, leg: Leg, question: Any) -> None:
        pass

    def on_bridge(self, leg: Leg) -> None:
        pass


class Forwarder:
    """Stands in for the original caller on a leg transferred to another flow: that flow's
    prompts and questions reach the caller; the caller's answers reach that flow."""

    def __init__(self, origin: Leg):
        self.origin = origin
        self.number = origin.from_
        self.name = getattr(origin.party, "name", None)

    @property
    def _party(self) -> Any:
        return self.origin.party

    def on_connect(self, leg: Leg) -> None:
        pass

    def on_prompt(self, leg: Leg, prompt: Any) -> None:
        if self._party is not None:
            self._party.on_prompt(self.origin, prompt)

    def on_question(self, leg: Leg, question: Any) -> None:
        if self._party is not None:
            self._party.on_question(self.origin, question)

    def on_heard(self, leg: Leg, by: str, text: str, start: float, end: float) -> None:
        if self._party is not None:
            self._party.on_heard(self.origin, by, text, start, end)

    def on_bridge(self, leg: Leg) -> None:
        pass

    def on_end(self, leg: Leg) -> None:
        pass
