"""What an answering machine detector hears when a placed call is answered: the answerer's
greeting, vendor-neutral.

The simulator already knows who answers: a `Phone` with ``behaviour="voicemail"`` is a
`VoicemailBox` (``leg.answered_by == "machine_start"``, the same fact Twilio's
AnsweredBy reports) that plays its greeting at once and beeps when it ends; any other
answerer is a person whose first words are the first ``say:`` of its script, spoken after
its reaction time (or after a leading ``wait:``).  `greeting` turns that into timings a
vendor's detector applies its own rules to (jambonz counts words, Twilio and Vonage have
their own); it never looks at the vendor's format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...sim.machines import VoicemailBox

if TYPE_CHECKING:
    from ...sim.leg import Leg


@dataclass(frozen=True)
class Greeting:
    """The answerer's first words, as seconds after the answer."""

    machine: bool  # a voicemail box, not a person
    text: str  # "" when the answerer says nothing
    start: float
    duration: float
    beep: float | None  # when a machine's beep sounds, if it has one

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def words(self) -> list[str]:
        return self.text.split()

    def word_end(self, n: int) -> float:
        """When the `n`-th word (1-based) has been spoken, spreading the words evenly."""
        count = len(self.words)
        if not count:
            return self.start
        return self.start + self.duration * min(n, count) / count


def greeting(leg: Leg) -> Greeting:
    """The greeting of whoever answered `leg` (a placed call, answered now)."""
    party = leg.party
    media = leg.carrier.media
    if isinstance(party, VoicemailBox) or leg.answered_by == "machine_start":
        text = str(getattr(party, "greeting", "") or "")
        duration = media.utterance(text, 1.0, party).duration if text else 0.0
        return Greeting(True, text, 0.0, duration, duration)
    start = float(getattr(party, "reaction", 0.5))
    for step in getattr(party, "steps", None) or ():
        if step.kind == "wait":
            start += step.seconds
            continue
        if step.kind == "say":
            duration = media.utterance(step.text, 1.0, party).duration
            return Greeting(False, step.text, start, duration, None)
        break  # keys, silence or a hang-up first: no spoken greeting
    return Greeting(False, "", start, 0.0, None)
