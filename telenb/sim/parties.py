"""Simulated people on the network: scripted, reactive, or driven live from a widget.

The script language (steps separated by ';' or new lines):

  ``say: red``            answer the next question by voice (0.5 s after its prompt ends)
  ``say: red @0.4``       ... with a recogniser confidence of 0.4
  ``say: red [at 1.2s]``  ... starting 1.2 s into the prompt (barge-in, if the flow allows it)
  ``press: 12#``          answer the next question on the keypad
  ``silence``             let the next question time out
  ``wait: 2s``            pause before the next step (``silence: 2s`` is the same)
  ``hangup``              hang up now

Answers wait for a question.  In a bridged call or a conference there are no questions:
``say`` waits its turn (until the other side stops talking, plus the reaction time; the
person who placed the call lets the answerer speak first) and ``press`` happens at once.
``wait`` counts from the end of the previous step (or from the
moment the call connected), so ``wait: 2s; hangup`` hangs up 2 s into the call even if a
prompt is playing.  When the steps run out the person stays on the line, silent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ..flow.grammar import DTMF_KEYS

if TYPE_CHECKING:
    from .leg import Leg
    from .media import Prompt
    from .ops import Question

BEHAVIOURS = ("answer", "busy", "no-answer", "fail", "voicemail")
VOICEMAIL_GREETING = (
    "The person you are calling is not available. Please leave a message after the tone."
)


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # say, press, silence, wait, hangup
    text: str = ""
    seconds: float = 0.0
    confidence: float | None = None
    at: float | None = None  # seconds after the prompt starts (barge-in)


_DUR = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|sec|secs|seconds?|m|min)?\s*$", re.I)
_MODS = re.compile(r"\[([^\]]*)\]\s*$")
_CONF = re.compile(r"\s@\s*(\d*\.?\d+)\s*$")


def parse_duration(text: str, where: str = "") -> float:
    m = _DUR.match(text)
    if not m:
        raise ConfigurationError(
            f"cannot read {text.strip()!r} as a duration{where}; write it like 2s, 500ms or 1.5"
        )
    value, unit = float(m[1]), (m[2] or "s").lower()
    return value / 1000 if unit == "ms" else value * 60 if unit in ("m", "min") else value


def script_items(script: str, kind: str = "party") -> Iterator[tuple[str, str, str]]:
    """(verb, argument, where) for each step of a script; `where` names the step in errors."""
    if not isinstance(script, str):
        raise ConfigurationError(f"a {kind} script must be a string, got {type(script).__name__}")
    for n, raw in enumerate(re.split(r"[;\n]", script), 1):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        verb, _, arg = item.partition(":")
        yield verb.strip().lower(), arg.strip(), f" in step {n} ({item!r})"


def parse_script(script: str) -> list[Step]:
    """Parse the caller script language; errors name the step and say what is expected.

    Steps are frozen, so callers with the same script (a load test's thousands) share them:
    each gets its own list of the one parse, not a fresh set of objects to keep and scan."""
    if not isinstance(script, str):
        return _parse_script(script)
    return list(_parsed(script))


@functools.lru_cache(maxsize=1024)
def _parsed(script: str) -> tuple[Step, ...]:
    return tuple(_parse_script(script))


def _parse_script(script: str) -> list[Step]:
    steps: list[Step] = []
    for verb, arg, where in script_items(script):
        if verb == "say":
            confidence, at = None, None
            m = _MODS.search(arg)
            if m:
                arg = arg[: m.start()].rstrip()
                for mod in m[1].split(","):
                    key, _, val = mod.strip().partition(" ")
                    if key == "at":
                        at = parse_duration(val, where)
                    elif key == "confidence":
                        confidence = _confidence(val, where)
                    elif key:
                        raise ConfigurationError(
                            f"unknown modifier {key!r}{where}; use 'at' or 'confidence'"
                        )
            m = _CONF.search(" " + arg)
            if m:
                confidence = _confidence(m[1], where)
                arg = (" " + arg)[: m.start()].strip()
            if not arg:
                raise ConfigurationError(f"'say:' needs words{where}, such as 'say: red'")
            steps.append(Step("say", arg, confidence=confidence, at=at))
        elif verb == "press":
            at = None
            m = _MODS.search(arg)
            if m:
                arg = arg[: m.start()].rstrip()
                key, _, val = m[1].strip().partition(" ")
                if key != "at":
                    raise ConfigurationError(f"unknown modifier {key!r}{where}; use 'at'")
                at = parse_duration(val, where)
            keys = arg.replace(" ", "")
            bad = [k for k in keys if k not in DTMF_KEYS]
            if not keys or bad:
                raise ConfigurationError(
                    f"'press:' needs keypad keys 0-9 * # A-D{where}"
                    + (f"; {bad[0]!r} is not one" if bad else "")
                )
            steps.append(Step("press", keys, at=at))
        elif verb in ("wait", "silence", "pause") and arg:
            steps.append(Step("wait", seconds=parse_duration(arg, where)))
        elif verb == "silence":
            steps.append(Step("silence"))
        elif verb in ("hangup", "hang up") and not arg:
            steps.append(Step("hangup"))
        else:
            raise ConfigurationError(
                f"unknown step{where}; steps are say: TEXT, press: KEYS, silence, wait: 2s, hangup"
            )
    return steps


def _confidence(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 1:
        raise ConfigurationError(f"confidence must be between 0 and 1{where}, not {text!r}")
    return value


@dataclass(slots=True)
class Heard:
    """What a reactive party is told: a prompt, a question, or someone speaking."""

    kind: str  # prompt, question, speech
    text: str
    start: float
    end: float
    choices: str | None = None
    mode: str | None = None
    by: str | None = None


def fresh_copy(scripted: Any) -> Any:
    """A fresh copy of a scripted party or texter: same settings, its own script position
    (both keep per-call state, so one object must not serve two calls)."""
    clone = object.__new__(type(scripted))
    clone.__dict__.update(scripted.__dict__)
    clone.steps = list(scripted.steps)
    clone._reset()
    return clone


class Party:
    """A person (or machine) on one end of a simulated call.

    behaviour (when called): answer, busy, no-answer, fail, voicemail.  `ring` is how long
    the phone rings before it is answered; `reaction` how long after a prompt ends the person
    starts answering.
    """

    default_number = "+15550199"

    def __init__(
        self,
        script: str | Callable[[Heard], str | None] | None = None,
        *,
        number: str | None = None,
        behaviour: str = "answer",
        ring: float = 4.0,
        reaction: float = 0.5,
        voice: str | None = None,
        name: str | None = None,
        greeting: str = VOICEMAIL_GREETING,
    ):
        if behaviour not in BEHAVIOURS:
            raise ConfigurationError(
                f"behaviour must be one of {', '.join(BEHAVIOURS)}, not {behaviour!r}"
            )
        if ring < 0 or reaction < 0:
            raise ConfigurationError("ring and reaction must be zero or more seconds")
        self.react: Callable[[Heard], str | None] | None = None
        if callable(script):
            self.react, script = script, None
        self.script = script or ""
        self.steps = parse_script(self.script)
        self.number = number or self.default_number
        self.behaviour = behaviour
        self.ring = float(ring)
        self.reaction = float(reaction)
        self.voice = voice
        self.name = name
        self.greeting = greeting
        self._reset()

    def _reset(self) -> None:
        self.leg: Leg | None = None
        self._i = 0
        self._t = 0.0
        self._question: Any = None
        self._waiting = False
        self._done = False
        self._pending: list = []
        self._heard_until = 0.0
        self.heard: list[Heard] = []

    def copy(self) -> Party:
        """A fresh party with the same settings (parties keep per-call state)."""
        return fresh_copy(self)

    def __repr__(self) -> str:
        what = repr(self.script) if self.script else ("reactive" if self.react else "silent")
        extra = f", behaviour={self.behaviour!r}" if self.behaviour != "answer" else ""
        return f"{type(self).__name__}({what}, number={self.number!r}{extra})"

    # -- events from the network ---------------------------------------------------------------
    def on_connect(self, leg: Leg) -> None:
        """The call is connected: start the script timeline."""
        self.leg = leg
        self._t = leg.clock.now
        self._advance()

    def on_prompt(self, leg: Leg, prompt: Prompt) -> None:
        h = Heard("prompt", prompt.text, prompt.start, prompt.end)
        self.heard.append(h)
        self._react(h)

    def on_question(self, leg: Leg, question: Question) -> None:
        self._question = question
        p = question.prompt
        h = Heard(
            "question",
            p.text if p else "",
            question.start,
            question.prompt_end,
            question.choices,
            question.mode,
        )
        self.heard.append(h)
        self._react(h)
        if self._waiting:
            self._advance()

    def on_heard(self, leg: Leg, by: str, text: str, start: float, end: float) -> None:
        self._heard_until = max(self._heard_until, end)
        h = Heard("speech", text, start, end, by=by)
        self.heard.append(h)
        self._react(h)

    def on_bridge(self, leg: Leg) -> None:
        """Connected to another person or a conference: answers no longer wait for questions."""
        self._question = None
        if leg.direction == "inbound":  # whoever placed the call lets the answerer speak first
            self._t = max(self._t, leg.clock.now + self.reaction)
        if self._waiting:
            self._advance()

    def on_end(self, leg: Leg) -> None:
        self._done = True
        self._question = None  # the last question (and its prompt) is no use once it ended
        for entry in self._pending:
            leg.clock.cancel(entry)
        self._pending.clear()

    # -- the script timeline ------------------------------------------------------------------
    def _react(self, heard: Heard) -> None:
        if self.react is None or self._done:
            return
        reply = self.react(heard)
        if reply:
            new = parse_script(reply)
            self.steps[self._i : self._i] = new
            self._t = max(self._t, heard.start)
            if not self._waiting or heard.kind != "question":
                self._advance()

    def _advance(self) -> None:
        leg = self.leg
        if leg is None or self._done:
            return
        now = leg.clock.now
        self._waiting = False
        while self._i < len(self.steps) and not self._done:
            step = self.steps[self._i]
            if step.kind == "wait":
                self._i += 1
                self._t = max(self._t, now) + step.seconds
                self._pending.append(leg.clock.at(self._t, self._advance))
                return
            if step.kind == "hangup":
                self._i += 1
                self._pending.append(leg.clock.at(max(self._t, now), leg.party_hangup))
                self._done = True
                return
            q = self._question
            bridged = leg.in_conversation
            if not bridged and (q is None or not q.takes_more):
                self._waiting = True
                return
            if bridged and step.kind == "say":
                # turn-taking: let the other side finish, then leave a moment
                turn = max(self._t, self._heard_until + self.reaction)
                if turn > now + 1e-9:
                    self._pending.append(leg.clock.at(turn, self._advance))
                    return
            self._i += 1
            if step.kind == "silence":
                if q is not None:
                    q.answered_by_party = True
                continue
            start = max(self._t, now)
            if not bridged:
                q.answered_by_party = True
                if step.at is not None:
                    start = max(now, q.start + step.at)
                else:
                    start = max(start, q.prompt_end + self.reaction)
            if step.kind == "say":
                conf = 1.0 if step.confidence is None else step.confidence
                self._t = leg.party_speak(step.text, conf, start)
            else:
                self._t = leg.party_press(step.text, start)
                if q is not None and not bridged:
                    q.pressed(step.text)


class Caller(Party):
    """The person who places a simulated call (default number +15550199)."""


class Phone(Party):
    """A subscriber that can be called: answers, is busy, does not answer, fails, or voicemail."""

    default_number = "+15550123"
