"""TwiML verbs as operations on a simulated call, with Twilio's timing rules.

The engine's own operations follow Tropo (one prompt per question, a separate inter-digit
timeout, a single terminator key).  TwiML differs: a <Gather> plays several nested prompts,
its `timeout` is both the wait for the first input and between keys, `finishOnKey` and
<Record>'s finish keys are sets, <Pause> before the call is answered delays pick-up, and
<Dial> can record the bridge or cap its length.  Each verb here is plain data with a
`sim_op(runner)` that the runner calls to carry it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ....errors import SpeechError
from ....flow import verbs as V
from ....sim.bridge import ConferenceOp, TransferOp
from ....sim.media import Prompt
from ....sim.ops import ENDPOINT, PENDING, Op, Question, RecordOp

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


def _show(leg: Any, item: Item, prompt: Prompt | None) -> None:
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

    def _recognized(self, utt: Any) -> None:
        try:
            text, confidence = self.runner.carrier.media.recognize(utt, None, self.leg)
        except SpeechError as exc:
            self.leg.trace("error", error=type(exc).__name__, message=str(exc))
            self.finish(V.AskOutcome("error", text=str(exc)))
            return
        self.finish(V.AskOutcome("input", "speech", text or "", confidence=confidence))

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

    def on_key(self, key: str) -> None:
        if key in self.owner.finish_keys and self.clock.now >= self.rec_start:
            self.owner.key = key
            self._stop("terminator")
        else:
            Op.on_key(self, key)


@dataclass
class DialVerb:
    transfer: V.Transfer
    record: bool = False
    time_limit: float | None = None
    recording: Any = None  # filled in when `record`
    placed: list = field(default_factory=list)  # the legs it placed
    on_placed: Any = None  # called with those legs as soon as they exist
    answer_on_bridge: bool = False  # the caller hears ringing until the callee answers
    screens: dict = field(default_factory=dict)  # address -> (url, method) of <Number url>
    screen: Any = None  # starts the screening TwiML: screen(child_leg, (url, method), op)
    bridged: bool = False  # the caller and the callee were connected (DialBridged)

    def sim_op(self, runner: Any) -> Op:
        op = TwimlDialOp(runner, self.transfer)
        op.owner = self
        return op


class TwimlDialOp(TransferOp):
    """<Dial> to numbers, clients or SIP: the transfer, plus record and timeLimit."""

    owner: DialVerb

    def start(self) -> Any:
        if not self.leg.answered and not self.owner.answer_on_bridge:
            self.leg.answer()
        self.recording_started = False
        result = super().start()
        self.owner.placed = list(self.children)
        if self.owner.on_placed is not None:
            self.owner.on_placed(self.owner.placed)
        return result

    screening: Any = None  # the answered callee hearing its <Number url> TwiML

    def answered(self, child: Any) -> None:
        screen = self.owner.screens.get(child.to)
        if screen is not None and self.owner.screen is not None:
            # Twilio runs the url's TwiML on the callee's leg first; the caller keeps waiting
            self.screening = child
            child.trace("screen", url=screen[0], caller=self.leg.sid)
            self.owner.screen(child, screen, self)
            return
        self.connect(child)

    def screened(self, child: Any) -> None:
        """The screening TwiML ran to its end with the callee still there: bridge them."""
        self.screening = None
        if not self.done and not child.ended and not self.leg.ended:
            self.connect(child)

    def leg_status(self, leg: Any, status: str) -> None:
        if leg is self.screening and leg.ended:  # the callee declined (or hung up) first
            self.screening = None
            self.finish(
                V.DialOutcome("answered", leg.sid, leg.duration, leg.answered_by, ended_by="callee")
            )
            return
        super().leg_status(leg, status)

    def on_hangup(self) -> None:
        child, self.screening = self.screening, None
        if child is not None and not child.ended:
            child.hangup("network", "the caller hung up during screening")
        super().on_hangup()

    def connect(self, child: Any) -> None:
        self.owner.bridged = True
        if not self.leg.answered:  # answerOnBridge: the caller is answered with the callee
            self.leg.answer()
        super().answered(child)
        if self.owner.record and self.leg.recorder is None:
            self.runner.carrier.recordings.start_call(self.leg, None, False)
            self.recording_started = True
        if self.owner.time_limit:
            self.after(self.owner.time_limit, child.hangup, "network", "the Dial timeLimit")

    def finish(self, outcome: Any) -> None:
        if self.recording_started and not self.done:
            carrier = self.runner.carrier
            rec = carrier.recordings.stop_call(self.leg)
            if rec is None:  # the caller hung up: the leg stopped it already
                recs = [r for r in carrier.recordings if r.call_sid == self.leg.sid]
                rec = recs[-1] if recs else None
            self.owner.recording = rec
        super().finish(outcome)


@dataclass
class ConferenceVerb:
    conference: V.Conference
    end_on_exit: bool = False
    max_participants: int = 250

    def sim_op(self, runner: Any) -> Op:
        op = TwimlConferenceOp(runner, self.conference)
        op.owner = self
        return op


class TwimlConferenceOp(ConferenceOp):
    owner: ConferenceVerb

    def start(self) -> Any:
        if not self.leg.answered:
            self.leg.answer()
        room = self.runner.carrier.conference_room(self.verb.id)
        if len(room.participants) >= self.owner.max_participants:
            self.leg.trace("conference", action="full", room=self.verb.id)
            return V.Done(detail={"full": True})
        self.room = room
        return super().start()

    def on_hangup(self) -> None:
        if self.owner.end_on_exit:
            end_conference(self.room, self.leg)
        super().on_hangup()


def end_conference(room: Any, leaving: Any) -> None:
    """endConferenceOnExit: everyone else leaves; their <Dial> ends and their TwiML goes on."""
    for sid, part in list(room.participants.items()):
        if sid == leaving.sid:
            continue
        room.leave(part["leg"], "the conference ended")
        part["op"].finish(V.Done(detail={"left": "conference-ended"}))
