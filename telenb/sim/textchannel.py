"""Flows on the text channel, the way Tropo ran them over SMS.

A message to a number whose app is a flow (or a Tropo script) starts a **text session** with
the sender: the flow runs with ``call.channel == "TEXT"``, ``call.network == "SMS"`` and the
first message in ``call.initial_text``.  Then

* ``say(text)`` texts `text` back;
* ``ask(prompt, choices=...)`` texts the prompt and waits for the person's next message,
  matched against the choices (``[ANY]`` takes anything).  People take their time on SMS, so
  Tropo's ask timeout becomes the session timeout: no message for `session_timeout` seconds
  (`carrier.sms.session_timeout`, default 600) gives a ``timeout`` event and ends the session;
* ``message(text, to=...)`` sends a message, ``wait(s)`` pauses, ``hangup()`` ends the session;
* voice-only verbs (record, transfer, conference, call, reject, redirect, recording) raise a
  FlowError that says so.

Messages that arrive while the flow is not asking are kept, oldest first, for its next ask.
The session ends when the flow returns or hangs up, after `session_timeout` seconds without a
message either way, or as ``failed`` when the flow raises; the person's next text then starts
a new session.  A session is named by the SID of the message that started it.

`TextSession` stands where a call leg stands for a voice flow, so `FlowRunner` runs text
flows unchanged except for handing each verb to `TextSession.execute`.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from ..errors import FlowError
from ..flow import verbs as V
from .ops import PENDING

if TYPE_CHECKING:
    from .messaging import Message, SmsNetwork
    from .runner import FlowRunner

_VOICE_ONLY = {
    V.Record: "record() needs a voice call",
    V.Transfer: "transfer() connects voice calls",
    V.Conference: "conference() joins voice calls",
    V.Dial: "call() from a text session is not simulated; use message(text, to=...)",
    V.Reject: "reject() refuses an unanswered voice call",
    V.Redirect: "redirect() moves an unanswered voice call",
    V.StartRecording: "start_recording() records a voice call",
    V.StopRecording: "stop_recording() records a voice call",
}


class TextSession:
    """One person's text conversation with one app, driving a flow (a leg, for text)."""

    network = "SMS"
    party = None
    answered = True
    answered_by = None
    conference = None
    recorder = None
    children: tuple = ()  # a text session places no calls of its own

    def __init__(
        self,
        network: SmsNetwork,
        first: Message | None,
        *,
        person: str = "",
        number: str = "",
        sid: str = "",
    ):
        """A session opened by `first` (a person's text), or, with no first message, one the
        app opens itself (Tropo's ``call(person, {'network': 'SMS'})`` from `number`)."""
        self.sms = network
        self.carrier = network.carrier
        self.clock = self.carrier.clock
        self.direction = "inbound" if first is not None else "outbound-api"
        self.sid = first.sid if first is not None else sid
        self.from_ = first.from_ if first is not None else person  # the person
        self.to = first.to if first is not None else number  # the app's number
        self.initial_text = first.body if first is not None else None
        self.hops = first.meta.get("hops", 0) if first is not None else 0
        self.headers: dict[str, str] = {}
        self.status = "in-progress"
        self.created = self.clock.now
        self.ended_at: float | None = None
        self.end_reason: str | None = None
        self.cause: str | None = None
        self.runner: FlowRunner | None = None
        self.op: Any = None
        self.unread: deque[Message] = deque()
        self._timer: Any = None
        if first is not None:
            first.session_sid = self.sid
        network.sessions.append(self)
        network.open[(self.to, self.from_)] = self
        self.trace(
            "session", channel="TEXT", network="SMS", **{"from": self.from_, "to": self.to},
            **({"initial_text": self.initial_text} if first else {"direction": self.direction}),
        )  # fmt: skip
        self.touch()

    def __repr__(self) -> str:
        return f"<TextSession {self.sid[:8]} {self.from_} -> {self.to} {self.status}>"

    # -- the parts of a leg the runner reads ---------------------------------------------------
    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def tropo_state(self) -> str:
        return "DISCONNECTED" if self.ended else "ANSWERED"

    @property
    def duration(self) -> float:
        end = self.ended_at if self.ended_at is not None else self.clock.now
        return round(end - self.created, 6)

    def answer(self, by: str = "human") -> None:
        """A text session is open from its first message: nothing to answer."""

    def trace(self, kind: str, /, **data: Any) -> None:
        self.carrier.trace.add(self.clock.now, self.sid, kind, **data)

    def record(self) -> dict[str, Any]:
        return {
            "sid": self.sid, "from": self.from_, "to": self.to, "channel": "TEXT",
            "status": self.status, "start_time": self.created, "end_time": self.ended_at,
            "duration": self.duration, "ended_by": self.end_reason, "cause": self.cause,
        }  # fmt: skip

    # -- activity ----------------------------------------------------------------------------
    def touch(self) -> None:
        """A message went either way: the inactivity clock starts again."""
        self.clock.cancel(self._timer)
        self._timer = self.clock.schedule(self.sms.session_timeout, self._timeout)

    def inbound(self, msg: Message) -> None:
        """The person texted again: answer the open ask, or keep it for the next one."""
        msg.session_sid = self.sid
        self.trace("input", by="caller", mode="text", value=msg.body)
        self.touch()
        op = self.op
        if isinstance(op, TextAskOp):
            op.answer(msg)
        else:
            self.unread.append(msg)

    def reply(self, text: str, **meta: Any) -> Message:
        """Text the person from the app's number."""
        msg = self.sms.send(
            text, to=self.from_, from_=self.to, direction="outbound-reply",
            session_sid=self.sid, meta={"hops": self.hops, **meta},
        )  # fmt: skip
        self.touch()
        return msg

    # -- ending ----------------------------------------------------------------------------
    def hangup(self, by: str, cause: str | None = None, status: str | None = None) -> None:
        """End the session (idempotent): by the flow, or the network after the timeout."""
        if self.ended:
            return
        self.clock.cancel(self._timer)
        self.ended_at = self.clock.now
        self.end_reason = by
        self.cause = cause
        self.status = status or "completed"
        if self.sms.open.get((self.to, self.from_)) is self:
            del self.sms.open[(self.to, self.from_)]
        self.trace("hangup", by=by, **({"cause": cause} if cause else {}))
        self.trace("status", status=self.status, **({"cause": cause} if cause else {}))
        op, self.op = self.op, None
        if op is not None:
            op.on_hangup()

    def _timeout(self) -> None:
        seconds = self.sms.session_timeout
        op, self.op = self.op, None
        self.trace("timeout", after=seconds)
        self.hangup("network", f"session timeout: no message for {seconds:g}s")
        if op is not None:
            op.timed_out()

    # -- verbs --------------------------------------------------------------------------------
    def execute(self, runner: FlowRunner, verb: Any) -> Any:
        """Carry out one verb of the flow on the text channel."""
        kind = type(verb)
        if kind is V.Log:
            self.trace("log", message=verb.message)
            return V.Done()
        if kind is V.Message:
            to = self.sms.address(verb.to, "To")
            media = {"media_urls": list(verb.media)} if verb.media else {}
            msg = self.sms.send(
                verb.text, to=to, from_=verb.from_ or self.to, session_sid=self.sid,
                direction="outbound-reply" if to == self.from_ else "outbound-api",
                channel=verb.channel, network=verb.network,
                meta={"hops": self.hops, **media},
            )  # fmt: skip
            self.touch()
            return V.Done(detail={"sid": msg.sid, "status": msg.status})
        if kind in _VOICE_ONLY:
            raise FlowError(f"{_VOICE_ONLY[kind]}; the text channel has no audio")
        if self.ended:
            return runner._refuse(verb)
        if kind is V.Answer:
            return V.Done()
        if kind is V.Say:
            self.trace("say", text=verb.text)
            self.reply(verb.text)
            return V.Done()
        if kind is V.Ask:
            return TextAskOp(self, runner, verb).start()
        if kind is V.Wait:
            return TextWaitOp(self, runner, verb).start()
        if kind is V.Hangup:
            self.hangup("flow")
            return V.Done(hangup=True)
        raise FlowError(f"the text channel does not know the verb {kind.__name__}")


def open_outbound(runner: FlowRunner, verb: V.Dial) -> V.DialOutcome:
    """Tropo's outbound SMS: ``call(number, {'network': 'SMS'})`` opens a text session with
    `number` (then ``say`` texts it, ``ask`` waits for the reply), from the verb's callerID or
    the carrier's default number."""
    carrier = runner.carrier
    person = carrier.sms.address(verb.to[0], "To")
    number = (
        carrier.sms.address(verb.caller_id, "From") if verb.caller_id else carrier.default_caller_id
    )
    session = TextSession(carrier.sms, None, person=person, number=number,
                          sid=carrier.sids.new("call"))  # fmt: skip
    runner.channel = "TEXT"
    runner.attach(session)  # type: ignore[arg-type]  # the session stands in for a leg
    return V.DialOutcome("answered", session.sid)


class TextAskOp:
    """ask() on the text channel: text the prompt, take the next message as the answer."""

    def __init__(self, session: TextSession, runner: FlowRunner, verb: V.Ask):
        self.session, self.runner, self.verb = session, runner, verb
        self.done = False

    def start(self) -> Any:
        v, s = self.verb, self.session
        prompt = v.prompt.text if v.prompt else ""
        s.trace("ask", prompt=prompt, choices=str(v.grammar), mode="text", attempt=v.attempt)
        if prompt:
            s.reply(prompt, ask=True)
        if s.unread:
            return self._outcome(s.unread.popleft())
        s.op = self
        return PENDING

    @staticmethod
    def _outcome(msg: Message) -> V.AskOutcome:
        return V.AskOutcome("input", "text", msg.body)

    def answer(self, msg: Message) -> None:
        self.finish(self._outcome(msg))

    def timed_out(self) -> None:
        self.finish(V.AskOutcome("noinput"))

    def on_hangup(self) -> None:
        self.finish(V.AskOutcome("hangup"))

    def finish(self, outcome: Any) -> None:
        if self.done:
            return
        self.done = True
        if self.session.op is self:
            self.session.op = None
        self.runner.complete(outcome)


class TextWaitOp:
    """wait() on the text channel: a pause; the session ending cuts it short."""

    def __init__(self, session: TextSession, runner: FlowRunner, verb: V.Wait):
        self.session, self.runner, self.verb = session, runner, verb
        self.done = False

    def start(self) -> Any:
        s = self.session
        s.trace("wait", seconds=self.verb.seconds)
        self.timer = s.clock.schedule(self.verb.seconds, self.finish, V.Done())
        s.op = self
        return PENDING

    def timed_out(self) -> None:
        self.on_hangup()

    def on_hangup(self) -> None:
        self.finish(V.Done(hangup=True))

    def finish(self, outcome: Any) -> None:
        if self.done:
            return
        self.done = True
        self.session.clock.cancel(self.timer)
        if self.session.op is self:
            self.session.op = None
        self.runner.complete(outcome)
