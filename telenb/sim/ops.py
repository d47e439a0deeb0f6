"""Verbs that take time on a simulated call: say, wait, ask and record.

Each operation starts, reacts to input and hang-up events from its leg, and finishes once with
an outcome that resumes the flow.  Timing rules follow Tropo and Twilio: timeouts count from
the end of the prompt; with barge-in, input during the prompt stops it; keys end on the
terminator, when the grammar cannot take more, or after the inter-digit timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import FlowError, SpeechError
from ..flow import verbs as V
from .media import Prompt
from .record_targets import record_target

if TYPE_CHECKING:
    from .leg import Leg
    from .runner import FlowRunner

ENDPOINT = 0.5  # seconds of silence after speech before the recogniser decides
BEEP = 0.3  # record beep length


@dataclass(slots=True)
class Question:
    """An open question, as a party sees it."""

    prompt: Prompt | None
    start: float
    prompt_end: float
    listen_from: float
    choices: str | None
    mode: str
    answered_by_party: bool = False
    closed: bool = False
    finish_keys: str = ""  # keys that end a recording
    ending: bool = False  # the party pressed one of them: what it does next is for what follows

    @property
    def takes_more(self) -> bool:
        """A recording keeps listening after the first answer (say, then press #), until
        the party presses a key that ends it."""
        if self.closed or self.ending:
            return False
        return not self.answered_by_party or self.mode == "record"

    def pressed(self, keys: str) -> None:
        """The party pressed `keys`; a recording's finish key ends its turn on this question."""
        if self.mode == "record" and any(k in self.finish_keys for k in keys):
            self.ending = True


class Op:
    """Base: unheard input is traced; a hang-up finishes with `hangup_outcome`."""

    leg: Leg

    def __init__(self, runner: FlowRunner, verb: Any):
        if runner.leg is None:  # FlowRunner._execute runs leg verbs only on a call
            raise FlowError(f"{type(verb).__name__.lower()}() needs a call, and this flow has none")
        self.runner = runner
        self.verb = verb
        self.leg = runner.leg
        self.clock = runner.carrier.clock
        self.timers: list = []
        self.done = False

    def start(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def open_prompt(self, say: V.Say | None) -> tuple[Prompt | None, float]:
        """Render the verb's prompt starting now: (the prompt or None, its duration)."""
        if say is None:
            return None, 0.0
        prompt = self.runner.render(say)
        prompt.start = self.clock.now
        return prompt, prompt.duration

    def after(self, delay: float, fn: Any, *args: Any) -> list:
        entry = self.clock.schedule(delay, fn, *args)
        self.timers.append(entry)
        return entry

    def finish(self, outcome: Any) -> None:
        if self.done:
            return
        self.done = True
        question = getattr(self, "question", None)
        if question is not None:
            question.closed = True
        for t in self.timers:
            self.clock.cancel(t)
        if self.leg.op is self:
            self.leg.op = None
        self.runner.complete(outcome)

    def on_speech(self, utt: Any, start: float) -> None:
        self.leg.trace("unheard", mode="speech", value=utt.text, why="the flow is not listening")

    def on_key(self, key: str) -> None:
        self.leg.trace("unheard", mode="dtmf", value=key, why="the flow is not listening")

    def hangup_outcome(self) -> Any:
        return V.Done(hangup=True)

    def on_hangup(self) -> None:
        self.finish(self.hangup_outcome())


class SayOp(Op):
    def start(self) -> Any:
        prompt = self.runner.play_prompt(self.verb)
        self.prompt = prompt
        self.after(prompt.duration, self.finish, V.Done())
        self.leg.op = self
        return PENDING

    def on_hangup(self) -> None:
        at = self.clock.now - self.prompt.start
        self.leg.trace("interrupted", after=round(at, 3), by="hangup")
        self.finish(V.Done(hangup=True, interrupted_at=at))


class WaitOp(Op):
    def start(self) -> Any:
        self.leg.trace("wait", seconds=self.verb.seconds)
        self.after(self.verb.seconds, self.finish, V.Done())
        self.leg.op = self
        return PENDING


class AskOp(Op):
    verb: V.Ask

    def start(self) -> Any:
        v = self.verb
        now = self.clock.now
        prompt, dur = self.open_prompt(v.prompt)
        self.prompt_end = now + dur
        self.listen_from = now if v.bargein else self.prompt_end
        self.digits = ""
        self.speaking = False
        self.noinput: list | None = None
        self.interdigit: list | None = None
        self.leg.trace(
            "ask",
            prompt=v.prompt.text if v.prompt else "",
            choices=str(v.grammar),
            mode=v.mode,
            attempt=v.attempt,
            duration=dur,
            voice=v.prompt.voice if v.prompt else None,
        )
        if prompt is not None:
            self.runner.record_prompt(prompt)
        self.leg.op = self
        self.prompt_timer: list | None = self.after(dur, self._prompt_done)
        q = Question(prompt, now, self.prompt_end, self.listen_from, str(v.grammar), v.mode)
        self.question = q
        if self.leg.party is not None:
            self.leg.party.on_question(self.leg, q)
        return PENDING

    def _prompt_done(self) -> None:
        self.prompt_timer = None
        if not self.speaking and not self.digits:
            self.noinput = self.after(self.verb.timeout, self._timeout)

    def _timeout(self) -> None:
        self.leg.trace("timeout", after=self.verb.timeout)
        self.finish(V.AskOutcome("noinput"))

    def _listening(self, mode: str) -> bool:
        if self.verb.mode not in ("any", mode):
            self.leg.trace("unheard", mode=mode, why=f"the question takes {self.verb.mode} only")
            return False
        if self.clock.now < self.listen_from:
            self.leg.trace("unheard", mode=mode, why="barge-in is off and the prompt is playing")
            return False
        return True

    def _barge(self) -> None:
        now = self.clock.now
        if self.prompt_timer is not None and now < self.prompt_end:
            self.clock.cancel(self.prompt_timer)
            self.prompt_timer = None
            self.leg.trace("bargein", after=round(now - self.question.start, 3))
            self.runner.cut_prompt(now)
        self.clock.cancel(self.noinput)
        self.noinput = None

    def on_speech(self, utt: Any, start: float) -> None:
        if self.speaking or self.digits or not self._listening("speech"):
            return
        self._barge()
        self.speaking = True
        self.after(utt.duration + ENDPOINT, self._recognized, utt)

    def _recognized(self, utt: Any) -> None:
        try:
            text, confidence = self.runner.carrier.media.recognize(utt, self.verb, self.leg)
        except SpeechError as exc:  # the recogniser failed: Tropo's error event, not a crash
            self.leg.trace("error", error=type(exc).__name__, message=str(exc))
            self.finish(V.AskOutcome("error", text=str(exc)))
            return
        self.finish(V.AskOutcome("input", "speech", text or "", confidence=confidence))

    def on_key(self, key: str) -> None:
        if self.speaking or not self._listening("dtmf"):
            return
        self._barge()
        self.clock.cancel(self.interdigit)
        v = self.verb
        if key == v.terminator:
            self.finish(V.AskOutcome("input", "dtmf", digits=self.digits, terminated_by=key))
            return
        self.digits += key
        if v.grammar.dtmf_complete(self.digits):
            self.finish(V.AskOutcome("input", "dtmf", digits=self.digits))
        else:
            self.interdigit = self.after(v.interdigit_timeout, self._interdigit)

    def _interdigit(self) -> None:
        self.finish(V.AskOutcome("input", "dtmf", digits=self.digits))

    def hangup_outcome(self) -> Any:
        return V.AskOutcome("hangup")


class RecordOp(Op):
    verb: V.Record

    def start(self) -> Any:
        v = self.verb
        record_target(v.path)  # a bad destination is the flow's mistake, in both fidelities
        now = self.clock.now
        prompt, dur = self.open_prompt(v.prompt)
        if prompt is not None:
            self.runner.record_prompt(prompt)
        self.leg.trace(
            "record",
            prompt=v.prompt.text if v.prompt else "",
            beep=v.beep,
            max_time=v.max_time,
            attempt=v.attempt,
        )
        self.rec_start = now + dur + (BEEP if v.beep else 0.0)
        self.segments: list[tuple[float, float, str, Any]] = []
        self.silence: list | None = None
        self.leg.op = self
        self.noinput = self.clock.at(self.rec_start + v.timeout, self._timeout)
        self.timers.append(self.noinput)
        self.after(self.rec_start - now + v.max_time, self._stop, "max-time")
        q = Question(prompt, now, self.rec_start, self.rec_start, None, "record")
        q.finish_keys = self.finish_keys()
        self.question = q
        if self.leg.party is not None:
            self.leg.party.on_question(self.leg, q)
        return PENDING

    def finish_keys(self) -> str:
        """The keys that end this recording."""
        return self.verb.terminator or ""

    def _timeout(self) -> None:
        self.leg.trace("timeout", after=self.verb.timeout)
        self.finish(V.RecordOutcome("timeout"))

    def on_speech(self, utt: Any, start: float) -> None:
        if start < self.rec_start:
            self.leg.trace("unheard", mode="speech", why="recording has not started (beep)")
            return
        self.clock.cancel(self.noinput)
        self.clock.cancel(self.silence)
        self.segments.append((start, utt.duration, utt.text, utt.audio))
        end = start + utt.duration
        self.silence = self.clock.at(end + self.verb.silence_timeout, self._stop, "silence")
        self.timers.append(self.silence)

    def on_key(self, key: str) -> None:
        if key == self.verb.terminator and self.clock.now >= self.rec_start:
            self._stop("terminator")
        else:
            super().on_key(key)

    def _stop(self, why: str) -> None:
        if not self.segments and why != "hangup":
            self._timeout()
            return
        rec = self.runner.carrier.recordings.create(
            self.leg,
            self.rec_start,
            self.clock.now,
            self.segments,
            self.verb.path,
            transcribe=self.verb.transcribe,
            why=why,
        )
        self.finish(V.RecordOutcome("record", rec))

    def on_hangup(self) -> None:
        if self.segments:
            rec = self.runner.carrier.recordings.create(
                self.leg,
                self.rec_start,
                self.clock.now,
                self.segments,
                self.verb.path,
                transcribe=self.verb.transcribe,
                why="hangup",
            )
            self.finish(V.RecordOutcome("hangup", rec))
        else:
            self.finish(V.RecordOutcome("hangup"))


class _Pending:
    def __repr__(self) -> str:
        return "PENDING"


PENDING = _Pending()
