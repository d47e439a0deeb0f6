"""dial's ``amd``: answering machine detection on the dialed leg, by jambonz's rules.

From the "Answering machine detection" article and the feature server's detector: once
the dialed call answers, its greeting is transcribed; a voicemail hint phrase heard
(``reason`` "hint"; the phrases come from a VMD_HINTS_FILE, none by default: set
`JambonzApplication.voicemail_hints`) or ``thresholdWordCount`` words (9) heard (``reason``
"long greeting") is ``amd_machine_detected``; a final transcript shorter than that is
``amd_human_detected`` ("short greeting"); no speech within ``timers.noSpeechTimeoutMs``
(5000) is ``amd_no_speech_detected``; no decision within ``timers.decisionTimeoutMs``
(15000) is ``amd_decision_timeout``.  After a machine, a beep is ``amd_tone_detected``
(within ``timers.toneTimeoutMs``, 20000) and the end of the greeting
``amd_machine_stopped_speaking`` after ``timers.greetingCompletionTimeoutMs`` (2000; 1000
once a beep was heard).  Each event goes to ``amd.actionHook`` with the call's attributes
and ``type``; verbs in the answer replace the application (the dial ends).

``config`` with ``amd`` runs the same detector on the call itself ("Answering machine
detection on inbound calls", and jambonz's example dialer, which places the call and
configures amd first); verbs in an answer then take the call over, as a redirect does.

Who answers comes from the simulator (`docverbs.amd.greeting`): a voicemail phone or a
person with a script; the transcript is the greeting's text, its words spread evenly over
its duration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...docverbs.amd import Greeting, greeting

if TYPE_CHECKING:
    from ....sim.leg import Leg
    from ..verbs.parse import Verb
    from .interpreter import Interpreter

THRESHOLD_WORDS = 9
TIMERS = {
    "noSpeechTimeoutMs": 5000,
    "decisionTimeoutMs": 15000,
    "toneTimeoutMs": 20000,
    "greetingCompletionTimeoutMs": 2000,
}
BEEP_FREQUENCY = 1400  # Hz: the simulated voicemail beep (telenb's recorder-warning tone)


class Detector:
    """One dial's detector: started on the leg that answers, it schedules jambonz's events."""

    def __init__(self, interp: Interpreter, opts: dict[str, Any]):
        self.interp, self.opts = interp, opts
        self.hook = opts.get("actionHook")
        timers = opts.get("timers") or {}
        self.timers = {k: float(timers.get(k, v)) / 1000 for k, v in TIMERS.items()}
        self.threshold = int(opts.get("thresholdWordCount") or THRESHOLD_WORDS)
        recognizer = {**interp.recognizer, **(opts.get("recognizer") or {})}
        self.language = str(recognizer.get("language") or "en-US")
        self.placed: list[Leg] = []
        self.leg: Leg | None = None
        self.timers_set: list[Any] = []
        self.replacement: list[Verb] | None = None
        self.on_verbs: Any = None  # config.amd: what verbs in an answer do (a redirect)
        self.sent: list[str] = []

    def on_status(self, leg: Leg, status: str) -> None:
        if status == "in-progress" and self.leg is None and leg in self.placed:
            self.start(leg)

    def start(self, leg: Leg) -> None:
        """Listen to `leg`'s answerer; the events are timed from the answer."""
        self.leg = leg
        g = greeting(leg)
        now = leg.clock.now
        answered = leg.answered_at if leg.answered_at is not None else now
        for at, event in self.events(g):
            delay = max(0.0, answered + at - now)
            self.timers_set.append(leg.clock.schedule(delay, self.fire, event))

    def events(self, g: Greeting) -> list[tuple[float, dict[str, Any]]]:
        """(seconds after the answer, event) in order, as the detector would emit them."""
        t = self.timers
        if not g.text or g.start >= t["noSpeechTimeoutMs"]:
            return [(t["noSpeechTimeoutMs"], {"type": "amd_no_speech_detected"})]
        hints = self.interp.japp.voicemail_hints.get(self.language, [])
        lowered = g.text.lower()
        found = next((h for h in hints if h.lower() in lowered), None)
        if found is not None:
            spoken = (lowered.index(found.lower()) + len(found)) / max(len(g.text), 1)
            at, event = g.start + g.duration * spoken, {
                "type": "amd_machine_detected", "reason": "hint", "hint": found,
                "language": self.language,
            }  # fmt: skip
        elif len(g.words) >= self.threshold:
            at, event = g.word_end(self.threshold), {
                "type": "amd_machine_detected", "reason": "long greeting",
                "greeting": " ".join(g.words[: self.threshold]), "language": self.language,
            }  # fmt: skip
        else:
            at, event = g.end, {
                "type": "amd_human_detected", "reason": "short greeting", "greeting": g.text,
                "language": self.language,
            }  # fmt: skip
        if at >= t["decisionTimeoutMs"]:
            return [(t["decisionTimeoutMs"], {"type": "amd_decision_timeout"})]
        out = [(at, event)]
        if event["type"] == "amd_machine_detected":
            beep = g.beep if g.beep is not None and g.beep < t["toneTimeoutMs"] else None
            if beep is not None:
                tone = {"type": "amd_tone_detected", "frequency": BEEP_FREQUENCY, "variance": 0}
                out.append((max(beep, at), tone))
            quiet = 1.0 if beep is not None and beep <= g.end else t["greetingCompletionTimeoutMs"]
            out.append((max(g.end, at) + quiet, {"type": "amd_machine_stopped_speaking"}))
        return out

    def fire(self, event: dict[str, Any]) -> None:
        interp, leg = self.interp, self.leg
        if leg is None or leg.ended or interp.over or self.replacement is not None:
            return
        self.sent.append(event["type"])
        leg.trace("amd", **event)
        if not self.hook:
            return
        verbs = interp.ask(self.hook, interp.info() | event, f"amd:{event['type']}")
        if verbs and self.on_verbs is not None:  # config.amd: the call runs the new verbs
            self.on_verbs(verbs)  # and detection goes on (it belongs to the call)
        elif verbs:  # dial: the dialed leg goes, and the dial returns the new verbs
            self.replacement = verbs
            self.stop()
            leg.hangup("flow", f"amd.actionHook ({event['type']}) replaced the application")

    def stop(self) -> None:
        if self.leg is not None:
            for timer in self.timers_set:
                self.leg.clock.cancel(timer)
        self.timers_set = []
