"""Prompts, gathers and recordings as vendor documents run them, on a simulated call.

The engine's own operations follow Tropo (one prompt per question, a separate inter-digit
timeout, a single terminator key).  Document verbs (TwiML's, and the NCCO, Plivo and jambonz
verbs mapped onto them) differ: a <Gather> plays several nested prompts,
its `timeout` is both the wait for the first input and between keys, `finishOnKey` and
<Record>'s finish keys are sets, <Pause> before the call is answered delays pick-up, and
<Dial> can record the bridge or cap its length.  Each verb here is plain data with a
`sim_op(runner)` that the runner calls to carry it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import SpeechError
from ...flow import verbs as V
from ...sim.media import Prompt
from ...sim.ops import ENDPOINT, PENDING, Op, Question, RecordOp
from .hints import bias
from .partials import PartialSender, timeline

if TYPE_CHECKING:
    from ...sim.leg import Leg

KEY_TONE = 0.1  # seconds per DTMF tone played by <Play digits>
KEY_WAIT = 0.5  # 'w' in <Play digits>


@dataclass
class Item:
    """One thing to play: say (text), play (url), pause (seconds) or digits (DTMF tones)."""

    kind: str
    text: str = ""
    voice: str | None = None
    language: str | None = None
    loop: int = 1
    seconds: float = 0.0

    def render(self, runner: Any, known: dict[str, float]) -> Prompt | None:
        if self.kind == "say":
            return runner.render(V.Say(self.text, self.voice, None, self.language, self.loop))
        if self.kind == "play":
            if self.text in known:
                return Prompt(self.text, round(known[self.text] * self.loop, 3), url=self.text)
            return runner.render(V.Say(self.text, loop=self.loop))
        if self.kind == "digits":
            keys = [k for k in self.text if k != "w"]
            seconds = len(keys) * KEY_TONE + self.text.count("w") * KEY_WAIT
            return Prompt(f"<dtmf {self.text}>", round(seconds, 3))
        return None  # pause: silence


def _show(leg: Leg, item: Item, prompt: Prompt | None) -> None:
    if item.kind == "pause":
        leg.trace("pause", seconds=item.seconds)
    elif item.kind == "digits":
        leg.trace("play", digits=item.text, duration=prompt.duration if prompt else 0)
    elif item.kind == "play":
        leg.trace("play", url=item.text, duration=prompt.duration if prompt else 0, loop=item.loop)
    else:
        leg.trace(
            "say", text=item.text, voice=item.voice, duration=prompt.duration if prompt else 0
        )


class _Playing(Op):
    """Shared by prompts and <Gather>: plays items one after another from `start()`."""

    def play_items(self, items: list[Item]) -> float:
        """Schedule the items; returns their total length.  Each is traced when it starts."""
        known = self.verb.known
        offset = 0.0
        self.item_timers: list = []
        self.rendered: list[Prompt] = []
        for item in items:
            prompt = item.render(self.runner, known)
            length = item.seconds if prompt is None else prompt.duration
            if prompt is not None:
                self.rendered.append(prompt)
            self.item_timers.append(self.after(offset, self._begin, item, prompt))
            offset += length
        return round(offset, 6)

    def _begin(self, item: Item, prompt: Prompt | None) -> None:
        _show(self.leg, item, prompt)
        if prompt is not None:
            prompt.start = self.clock.now
            self.runner.record_prompt(prompt)
            if self.leg.party is not None:
                self.leg.party.on_prompt(self.leg, prompt)


@dataclass
class PlayVerb:
    """<Say>, <Play> and <Pause> outside a <Gather>; `answer` False for a first <Pause>."""

    items: list[Item]
    answer: bool = True
    known: dict[str, float] = field(default_factory=dict)  # recording URL -> duration

    def sim_op(self, runner: Any) -> Op:
        return PlayOp(runner, self)


class PlayOp(_Playing):
    verb: PlayVerb

    def start(self) -> Any:
        if self.verb.answer and not self.leg.answered:
            self.leg.answer()
        self.started = self.clock.now
        total = self.play_items(self.verb.items)
        self.after(total, self.finish, V.Done())
        self.leg.op = self
        return PENDING

    def on_hangup(self) -> None:
        at = self.clock.now - self.started
        self.leg.trace("interrupted", after=round(at, 3), by="hangup")
        self.finish(V.Done(hangup=True, interrupted_at=at))


@dataclass
class GatherVerb:
    items: list[Item]
    modes: frozenset[str]  # dtmf, speech
    timeout: float = 5.0
    speech_timeout: float | None = None  # None: same as timeout; 0: 'auto'
    num_digits: int | None = None
    finish_keys: str = "#"
    bargein: bool = True
    hints: str | None = None
    known: dict[str, float] = field(default_factory=dict)
    partial: PartialSender | None = None  # partialResultCallback's requests
    bias: tuple[str, ...] = ()  # hint phrases a near miss is heard as (`hints.bias`)

    def sim_op(self, runner: Any) -> Op:
        return GatherOp(runner, self)


class GatherOp(_Playing):
    """<Gather>: prompts play while it listens; ends on numDigits, a finish key, the end of
    speech, or `timeout` seconds without (more) input."""

    verb: GatherVerb

    def start(self) -> Any:
        v, leg = self.verb, self.leg
        if not leg.answered:
            leg.answer()
        now = self.clock.now
        total = self.play_items(v.items)
        self.prompt_end = now + total
        self.listen_from = now if v.bargein else self.prompt_end
        self.digits = ""
        self.speaking = False
        self.heard: tuple[str, float] | SpeechError | None = None  # recognised early
        self.noinput: list | None = None
        self.between: list | None = None
        leg.trace(
            "gather",
            input=" ".join(sorted(v.modes)),
            timeout=v.timeout,
            numDigits=v.num_digits,
            finishOnKey=v.finish_keys,
            duration=round(total, 3),
        )
        self.prompt_timer: list | None = self.after(total, self._prompts_done)
        leg.op = self
        text = " ".join(p.text for p in self.rendered)
        prompt = Prompt(text, total, start=now) if self.rendered else None
        mode = "any" if len(v.modes) == 2 else next(iter(v.modes))
        self.question = Question(prompt, now, self.prompt_end, self.listen_from, v.hints, mode)
        if leg.party is not None:
            leg.party.on_question(leg, self.question)
        return PENDING

    def _prompts_done(self) -> None:
        self.prompt_timer = None
        if not self.speaking and not self.digits:
            self.noinput = self.after(self.verb.timeout, self._timeout)

    def _timeout(self) -> None:
        if self.digits:
            self.finish(V.AskOutcome("input", "dtmf", digits=self.digits))
            return
        self.leg.trace("timeout", after=self.verb.timeout)
        self.finish(V.AskOutcome("noinput"))

    def _barge(self) -> None:
        now = self.clock.now
        if self.prompt_timer is not None and now < self.prompt_end:
            for t in (*self.item_timers, self.prompt_timer):
                self.clock.cancel(t)
            self.prompt_timer = None
            self.leg.trace("bargein", after=round(now - self.question.start, 3))
            self.runner.cut_prompt(now)
        self.clock.cancel(self.noinput)
        self.noinput = None

    def on_key(self, key: str) -> None:
        v = self.verb
        if "dtmf" not in v.modes:
            self.leg.trace("unheard", mode="dtmf", value=key, why="this <Gather> takes speech")
            return
        if self.speaking:
            return
        self._barge()
        self.clock.cancel(self.between)
        if key in v.finish_keys:
            self.finish(V.AskOutcome("input", "dtmf", digits=self.digits, terminated_by=key))
            return
        self.digits += key
        if v.num_digits is not None and len(self.digits) >= v.num_digits:
            self.finish(V.AskOutcome("input", "dtmf", digits=self.digits))
        else:
            self.between = self.after(v.timeout, self._timeout)

    def on_speech(self, utt: Any, start: float) -> None:
        v = self.verb
        if "speech" not in v.modes:
            self.leg.trace("unheard", mode="speech", value=utt.text, why="this <Gather> takes dtmf")
            return
        if self.speaking or self.digits:
            return
        if self.clock.now < self.listen_from:
            self.leg.trace("unheard", mode="speech", why="bargeIn is false and a prompt plays")
            return
        self._barge()
        self.speaking = True
        end = v.timeout if v.speech_timeout is None else (v.speech_timeout or ENDPOINT)
        self.after(utt.duration + end, self._recognized, utt)
        if v.partial is not None:
            self._partials(utt, v.partial)

    def _hear(self, utt: Any) -> tuple[str, float] | SpeechError:
        try:
            text, confidence = self.runner.carrier.media.recognize(utt, None, self.leg)
        except SpeechError as exc:
            return exc
        if self.verb.bias and text:
            text = bias(text, self.verb.bias)
        return text or "", confidence

    def _partials(self, utt: Any, send: PartialSender) -> None:
        """The utterance is whole when it starts, so its final recognition is known now; its
        interim results go out while the caller speaks (they stop if the call ends)."""
        self.heard = self._hear(utt)
        if not isinstance(self.heard, SpeechError):
            for partial in timeline(self.heard[0], utt.duration):
                self.after(partial.offset, send, partial)

    def _recognized(self, utt: Any) -> None:
        heard = self._hear(utt) if self.heard is None else self.heard
        if isinstance(heard, SpeechError):
            self.leg.trace("error", error=type(heard).__name__, message=str(heard))
            self.finish(V.AskOutcome("error", text=str(heard)))
            return
        text, confidence = heard
        self.finish(V.AskOutcome("input", "speech", text, confidence=confidence))

    def hangup_outcome(self) -> Any:
        return V.AskOutcome("hangup", digits=self.digits)


@dataclass
class RecordVerb:
    record: V.Record
    finish_keys: str = "1234567890*#"
    key: str | None = None  # the key that ended it (filled in)

    def sim_op(self, runner: Any) -> Op:
        op = TwimlRecordOp(runner, self.record)
        op.owner = self
        return op


class TwimlRecordOp(RecordOp):
    """<Record>: any of the finish keys ends it; `timeout` seconds of silence end it."""

    owner: RecordVerb

    def start(self) -> Any:
        if not self.leg.answered:
            self.leg.answer()
        return super().start()

    def finish_keys(self) -> str:
        return self.owner.finish_keys

    def on_key(self, key: str) -> None:
        if key in self.owner.finish_keys and self.clock.now >= self.rec_start:
            self.owner.key = key
            self._stop("terminator")
        else:
            Op.on_key(self, key)
