"""Host for one flow on the simulated carrier.

The flow runs in its own greenlet (`FlowSession`); every verb it performs comes here and is
carried out on the flow's call leg.  Verbs after the call ended are refused cleanly (traced,
answered with a hang-up event); a flow that raises ends its call as failed, with the
traceback in the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, FlowError, TelenbError
from ..flow import verbs as V
from ..flow.api import Call
from ..flow.runtime import FlowSession
from .bridge import ConferenceOp, DialOp, TransferOp
from .media import Prompt
from .ops import PENDING, AskOp, RecordOp, SayOp, WaitOp
from .textchannel import TextSession, open_outbound

if TYPE_CHECKING:
    from .carrier import App, Carrier
    from .leg import Leg
    from .messaging import Message, SmsNetwork

_NONE = object()
_ANSWERS_FIRST = (V.Say, V.Ask, V.Record, V.Wait, V.Transfer, V.Conference, V.StartRecording)
_OPS = {
    V.Say: SayOp,
    V.Wait: WaitOp,
    V.Ask: AskOp,
    V.Record: RecordOp,
    V.Transfer: TransferOp,
    V.Conference: ConferenceOp,
}


class FlowRunner:
    def __init__(
        self,
        carrier: Carrier,
        leg: Leg | None,
        target: Callable[[Call], Any],
        name: str = "flow",
        *,
        initial_text: str | None = None,
        channel: str = "VOICE",
    ):
        self.carrier = carrier
        self.leg = leg
        self.name = name
        self.initial_text = initial_text
        self.channel = channel
        self.call = Call(self)
        self.session = FlowSession(
            lambda: target(self.call), max_steps=carrier.max_steps, name=name
        )
        self.legs: list[Leg] = []
        self._executing = False
        self._immediate: Any = _NONE
        self.waiting: Any = None  # the verb the flow is suspended on, if any
        self.fault: BaseException | None = None  # what the simulator raised carrying it out
        self.on_finish: list[Callable[[FlowRunner], None]] = []
        if leg is not None:
            self.attach(leg)

    def attach(self, leg: Leg) -> None:
        self.leg = leg
        leg.runner = self
        if leg not in self.legs:
            self.legs.append(leg)

    @property
    def finished(self) -> bool:
        return self.session.finished

    # -- the FlowHost protocol (called from inside the flow) -----------------------------------
    def perform(self, verb: Any) -> Any:
        return self.session.perform(verb)

    def trace(self, kind: str, /, **data: Any) -> None:
        leg = self.leg
        if leg is None:
            self.carrier.trace.add(self.carrier.clock.now, "-", kind, **data)
        else:
            leg.trace(kind, **data)

    def info(self) -> dict[str, Any]:
        leg = self.leg
        if leg is None:
            return {
                "state": "DISCONNECTED",
                "channel": self.channel,
                "initial_text": self.initial_text,
            }
        return {
            "sid": leg.sid, "from": leg.from_, "to": leg.to, "network": leg.network,
            "channel": self.channel, "state": leg.tropo_state, "headers": leg.headers,
            "caller_name": getattr(leg.party, "name", None) if leg.direction == "inbound" else None,
            "initial_text": self.initial_text,
        }  # fmt: skip

    # -- driving (called from the event loop) ---------------------------------------------------
    def start(self) -> None:
        self._resume(None)

    def complete(self, outcome: Any) -> None:
        """An operation finished: resume the flow (or hand the outcome to the running loop)."""
        if self._executing:
            self._immediate = outcome
        else:
            self._resume(outcome)

    def _resume(self, outcome: Any) -> None:
        error: BaseException | None = None
        while True:
            try:
                if error is not None:
                    verb = self.session.throw(error)
                    error = None
                else:
                    verb = self.session.send(outcome)
            except KeyboardInterrupt:  # the user stopped the run inside this flow
                self.waiting = None
                self._finished()
                raise
            self.waiting = verb
            if verb is None:
                self._finished()
                return
            self._executing = True
            try:
                outcome = self._execute(verb)
            except TelenbError as exc:  # a mistake in how the verb was used: raise it in the flow
                error = exc
                continue
            finally:
                self._executing = False
            if outcome is PENDING:
                if self._immediate is _NONE:
                    return
                outcome, self._immediate = self._immediate, _NONE

    def _execute(self, verb: Any) -> Any:
        kind = type(verb)
        leg = self.leg
        if self.channel == "TEXT" and leg is not None and not (kind is V.Dial and leg.ended):
            # a text session (sim/textchannel.py); once it ended, call() may place another
            return leg.execute(self, verb)  # type: ignore[attr-defined]  # a TextSession
        if kind is V.Log:
            self.trace("log", message=verb.message)
            return V.Done()
        if kind is V.Message:
            msg = self.carrier.send_message(
                verb.text, to=verb.to,
                from_=verb.from_ or (leg.to if leg and leg.direction == "inbound" else
                                     leg.from_ if leg else None),
                channel=verb.channel, network=verb.network, origin=leg.sid if leg else None,
            )  # fmt: skip
            if verb.media:
                msg.meta["media_urls"] = list(verb.media)
                self.trace("media", message=msg.sid, urls=list(verb.media))
            return V.Done(detail={"sid": msg.sid, "status": msg.status})
        if kind is V.Dial and (verb.network == "SMS" or verb.channel == "TEXT"):
            if leg is not None and not leg.ended:
                raise FlowError(
                    "call() opens a text conversation for a flow that has none; this flow "
                    "already has a call: use message(text, to=...) to text someone"
                )
            return open_outbound(self, verb)
        if kind is V.Dial:
            if leg is not None and not leg.ended:
                raise FlowError(
                    "call() places a new call for a flow that has none; this flow already has "
                    "a call: use transfer() to connect it elsewhere"
                )
            return DialOp(self, verb).start()
        if leg is None or leg.ended:
            return self._refuse(verb)
        if kind in _ANSWERS_FIRST and not leg.answered:
            leg.answer()
        op = _OPS.get(kind)
        if op is not None:
            return op(self, verb).start()
        if kind is V.Answer:
            leg.answer()
            return V.Done()
        if kind is V.Hangup:
            if not leg.answered:
                leg.answer()
            leg.hangup("flow")
            return V.Done(hangup=True)
        if kind is V.Reject:
            if leg.answered:
                raise FlowError("reject() works only before the call is answered; use hangup()")
            status = "busy" if verb.reason == "busy" else "no-answer"
            leg.hangup("flow", cause=f"rejected ({verb.reason})", status=status)
            return V.Done(detail={"status": status})
        if kind is V.Redirect:
            if leg.answered:
                raise FlowError("redirect() works only before the call is answered; use transfer()")
            self.carrier._redirect(leg, verb.to, self)
            return V.Done(detail={"to": leg.to})
        if kind is V.StartRecording:
            self.carrier.recordings.start_call(leg, verb.path, verb.transcribe)
            return V.Done()
        if kind is V.StopRecording:
            rec = self.carrier.recordings.stop_call(leg)
            return V.Done(detail={"url": rec.url if rec else "", "recording": rec})
        sim_op = getattr(verb, "sim_op", None)
        if sim_op is not None:  # a backend's own verb (TwiML's <Gather>, ...) brings its operation
            return sim_op(self).start()
        raise ConfigurationError(f"the simulator does not know the verb {kind.__name__}")

    def _refuse(self, verb: Any) -> Any:
        name = type(verb).__name__.lower()
        if not isinstance(verb, V.Hangup):
            self.trace("refused", verb=name, why="the call has ended")
        return V.hangup_outcome(verb)

    # -- prompts --------------------------------------------------------------------------------
    def render(self, say: V.Say) -> Prompt:
        return self.carrier.media.prompt(say, self.leg)

    def play_prompt(self, say: V.Say) -> Prompt:
        prompt = self.render(say)
        leg = self.on_call()
        prompt.start = self.carrier.clock.now
        if prompt.url:
            leg.trace("play", url=prompt.url, duration=prompt.duration)
        else:
            leg.trace("say", text=say.text, voice=say.voice, duration=prompt.duration)
        self.record_prompt(prompt)
        if leg.party is not None:
            leg.party.on_prompt(leg, prompt)
        return prompt

    def record_prompt(self, prompt: Prompt) -> None:
        leg = self.on_call()
        self.carrier.media.track(leg, "far", prompt.start, prompt.audio)
        if leg.recorder is not None:
            leg.recorder.add(leg, "flow", prompt.text, prompt.start, prompt.duration, prompt.audio)

    def cut_prompt(self, at: float) -> None:
        leg = self.on_call()
        self.carrier.media.cut(leg, at)
        if leg.recorder is not None:
            leg.recorder.cut(leg, at)

    def on_call(self) -> Leg:
        """The flow's leg; prompts need one (a session launched without a call has none)."""
        if self.leg is None:
            raise FlowError("this flow has no call to play to: place one with call.call(to)")
        return self.leg

    # -- endings --------------------------------------------------------------------------------
    def leg_ended(self, leg: Leg) -> None:
        """The call went away under the flow; pending operations have been told already."""

    def _finished(self) -> None:
        leg = self.leg
        err = self.session.error
        if err is not None:
            self.trace(
                "error",
                error=type(err).__name__,
                message=_describe(err),
                traceback=self.session.traceback,
            )
            if leg is not None and not leg.ended:
                leg.hangup("flow", cause=f"flow raised {type(err).__name__}", status="failed")
        elif leg is not None and not leg.ended:
            if not leg.answered and leg.direction == "inbound":
                leg.answer()
            leg.hangup("flow")
        on_finish, self.on_finish = self.on_finish, []
        for fn in on_finish:
            fn(self)

    def stop(self, reason: str) -> None:
        self.session.stop(reason)


def _describe(err: BaseException) -> str:
    """The error's message; for the exceptions that usually carry none, what happened."""
    if isinstance(err, SystemExit):
        return (
            f"the flow called sys.exit({err.code!r}), which ends this call (failed), not the "
            "kernel; end a flow with return or call.hangup()"
        )
    if isinstance(err, KeyboardInterrupt):
        return "the run was interrupted (KeyboardInterrupt) while this flow was running"
    return str(err) or f"{type(err).__name__} raised in the flow"


def start_session(network: SmsNetwork, first: Message, app: App) -> TextSession:
    """Open a text session for `first` (sent to `app`'s number) and start the app's flow."""
    carrier = network.carrier
    session = TextSession(network, first)
    runner = FlowRunner(
        carrier,
        session,  # type: ignore[arg-type]  # on the text channel the session stands in for a leg
        app.target,
        app.name,
        initial_text=first.body,
        channel="TEXT",
    )
    carrier.runners.append(runner)
    carrier.clock.schedule(0, runner.start)
    return session
