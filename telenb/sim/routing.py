"""How legs get connected: placing, routing, redirecting, trunks, bridges, status reactions.

A mixin of `Carrier`, kept apart so the carrier's public API reads on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from greenlet import getcurrent

from ..errors import FlowError
from .leg import FINAL, Leg
from .machines import Forwarder, VoicemailBox
from .runner import FlowRunner

if TYPE_CHECKING:
    from .carrier import App, Carrier
    from .clock import Clock
    from .ids import SidFactory
    from .parties import Party
    from .trunks import TrunkGroup

SETUP = 0.1  # seconds for the network to set up a leg (ringing starts)
BUSY_AFTER = 0.5
FAIL_AFTER = 0.2
TOO_MANY_HOPS = "too many hops (SIP 483)"
MAX_HANDOVERS_AT_ONCE = 50  # new flows for one call at one instant, as for TwiML documents


def _hop_error(leg: Leg, limit: int, what: str) -> None:
    """A call forwarded more than Max-Forwards times (RFC 3261 8.1.1.6, 16.3): a loop."""
    leg.trace(
        "error",
        error="TooManyHops",
        message=(
            f"{what} {leg.to} refused: the call has already been forwarded {limit} times "
            f"(Max-Forwards reached 0, SIP 483 Too Many Hops); a flow that transfers, dials "
            "or redirects to its own number, or a ring of numbers, loops for ever "
            "(raise Carrier(max_forwards=...) if the chain is meant to be this long)"
        ),
    )


class Routing:
    """The part of `Carrier` that connects legs; only `Carrier` uses it."""

    if TYPE_CHECKING:  # what the mixin uses of the carrier it is part of
        clock: Clock
        sids: SidFactory
        apps: dict[str, App]
        phones: dict[str, Party]
        legs: list[Leg]
        runners: list[FlowRunner]
        trunk_groups: list[TrunkGroup]
        status_listeners: list[Callable[[Leg, str], None]]
        max_call_duration: float
        max_forwards: int

        def normalize(self, number: str) -> str: ...
        def find_leg(self, sid: str) -> Leg: ...

    @property
    def _carrier(self) -> Carrier:
        return self  # type: ignore[return-value]  # Routing is only ever a Carrier

    def place_leg(
        self,
        from_: str,
        to: str,
        direction: str,
        *,
        parent: Leg | None = None,
        listener: Any = None,
        headers: dict[str, str] | None = None,
        seize: bool = True,
    ) -> Leg:
        """Create an outgoing leg and start routing it; its listener hears its statuses.

        `seize=False` when the leg continues a call that already holds a trunk."""
        leg = Leg(
            self._carrier, self.sids.new("call"), from_, self.normalize(to), direction, parent
        )
        leg.listener = listener
        if headers:
            leg.headers = dict(headers)
        self.legs.append(leg)
        if direction == "outbound-api":
            leg.set_status("queued")
        leg.set_status("initiated")
        if leg.hops > self.max_forwards:
            _hop_error(leg, self.max_forwards, "forwarding to")
            self.clock.schedule(0, leg.hangup, "network", TOO_MANY_HOPS, "failed")
            return leg
        if not seize or self._seize_trunk(leg):
            self._route_outbound(leg)
        return leg

    def _route_outbound(self, leg: Leg) -> None:
        phone = self.phones.get(leg.to)
        if phone is not None:
            behaviour = phone.behaviour
            leg.party = (
                VoicemailBox(phone.greeting, phone.number)
                if behaviour == "voicemail"
                else phone.copy()
            )
            if behaviour == "busy":
                self.clock.schedule(BUSY_AFTER, leg.hangup, "callee", "user busy (SIP 486)", "busy")
            elif behaviour == "fail":
                self.clock.schedule(
                    FAIL_AFTER, leg.hangup, "network", "call failed (SIP 500)", "failed"
                )
            else:
                self.clock.schedule(SETUP, leg.set_status, "ringing")
                if behaviour != "no-answer":
                    by = "machine_start" if behaviour == "voicemail" else "human"
                    self.clock.schedule(SETUP + phone.ring, leg.answer, by)
            return
        app = self.apps.get(leg.to)
        if app is not None and leg.parent is not None:
            leg.party = Forwarder(leg.parent)
            self.clock.schedule(SETUP, leg.set_status, "ringing")
            self.clock.schedule(SETUP + app.ring, self._start_app, leg, app)
            return
        cause = (
            "the simulator connects a flow's outbound call to a Phone, not to another app"
            if app is not None
            else "number not in service (SIP 404)"
        )
        self.clock.schedule(SETUP, leg.hangup, "network", cause, "failed")

    def _route_inbound(self, leg: Leg, dest: str, flow: Callable[[Any], Any] | None = None) -> None:
        if self._seize_trunk(leg):
            self._connect(leg, dest, flow)

    def _connect(self, leg: Leg, dest: str, flow: Callable[[Any], Any] | None = None) -> None:
        """Send a caller's leg to `dest`: an app answers it, a phone rings (the two people
        then talk), an unknown number fails as a network would.  A leg given its `flow`
        reaches it directly."""
        if flow is not None:
            leg.set_status("ringing")
            self.clock.schedule(0.0, self._start_flow, leg, flow, getattr(flow, "__name__", "flow"))
            return
        app = self.apps.get(dest)
        if app is not None:
            leg.set_status("ringing")
            self.clock.schedule(app.ring, self._start_app, leg, app)
        elif dest in self.phones:
            leg.set_status("ringing")
            self.place_leg(
                leg.from_,
                dest,
                "outbound-dial",
                parent=leg,
                listener=_PersonToPerson(self._carrier, leg),
                seize=False,
            )
        else:
            self.clock.schedule(
                SETUP, leg.hangup, "network", "number not in service (SIP 404)", "failed"
            )

    def _start_app(self, leg: Leg, app: App) -> None:
        self._start_flow(leg, app.target, app.name)

    def _start_flow(self, leg: Leg, flow: Callable[[Any], Any], name: str) -> None:
        if leg.ended:
            return
        runner = FlowRunner(self._carrier, leg, flow, name)
        self.runners.append(runner)
        runner.start()

    def redirect_call(
        self, call: Leg | str, flow: Callable[[Any], Any], *, name: str | None = None
    ) -> None:
        """Give a live call to another flow (Twilio's call update with a new Url or Twiml).

        The flow running it stops where it is (its `finally` blocks run), a bridge or
        conference it made ends, legs it was still ringing are canceled, and `flow` takes over
        the call.  A call not answered yet runs `flow` once it is answered.  Inside a flow the
        switch happens at the next event (a flow cannot stop itself mid-verb).
        """
        leg = self.find_leg(call) if isinstance(call, str) else call
        if leg.ended:
            raise FlowError(f"call {leg.sid} has ended ({leg.status}); it cannot be redirected")
        if getcurrent().parent is not None:
            self.clock.schedule(0, self._redirect_now, leg, flow, name)
        else:
            self._redirect_now(leg, flow, name)

    def _redirect_now(self, leg: Leg, flow: Callable[[Any], Any], name: str | None) -> None:
        if leg.ended:
            return
        now = self.clock.now
        at, count = leg.handovers
        leg.handovers = (now, count + 1 if at == now else 1)
        if leg.handovers[1] > MAX_HANDOVERS_AT_ONCE:
            leg.trace(
                "error",
                error="RedirectLoop",
                message=(
                    f"the call was given to a new flow {MAX_HANDOVERS_AT_ONCE} times without "
                    "time moving on: a flow that redirects its own call to itself loops for ever"
                ),
            )
            leg.hangup("network", "redirect loop", status="failed")
            return
        label = str(name or getattr(flow, "__name__", "flow"))
        listener = leg.listener
        if not leg.answered and isinstance(listener, StartFlowOnAnswer):
            listener.flow = flow
            leg.trace("redirect", flow=label, when="answered")
            return
        op, leg.op = leg.op, None
        if op is not None:
            op.done = True
            for t in op.timers:
                self.clock.cancel(t)
            question = getattr(op, "question", None)
            if question is not None:
                question.closed = True
        for child in leg.children:
            if not child.ended and not child.answered:
                child.hangup("network", "the parent call was redirected", status="canceled")
        peer = leg.peer
        if peer is not None:
            leg.peer = peer.peer = None
            leg.trace("unbridge", by="redirect")
            peer.hangup("network", "the other call was redirected")
        if leg.conference is not None:
            leg.conference.leave(leg, "redirect")
        old = leg.runner
        leg.runner = None
        if old is not None:
            old.leg = None
            old.stop("the call was redirected")
        leg.trace("redirect", flow=label)
        runner = FlowRunner(self._carrier, leg, flow, label)
        self.runners.append(runner)
        runner.start()

    def _redirect(self, leg: Leg, to: str, runner: FlowRunner) -> None:
        dest = self.normalize(to)
        runner.leg = None
        leg.runner = None
        leg.op = None
        leg.trace("redirect", to=dest)
        leg.hops += 1
        if leg.hops > self.max_forwards:
            _hop_error(leg, self.max_forwards, "redirecting to")
            self.clock.schedule(0, leg.hangup, "network", TOO_MANY_HOPS, "failed")
            return
        self._connect(leg, dest)

    def _seize_trunk(self, leg: Leg) -> bool:
        for tg in self.trunk_groups:
            if tg.matches(leg.to):
                if not tg.seize(self.clock.now):
                    leg.trace("blocked", trunk_group=tg.name, capacity=tg.capacity)
                    self.clock.schedule(
                        0, leg.hangup, "network", "all circuits busy (Q.850 cause 34)", "failed"
                    )
                    return False
                leg.add_on_end(lambda _leg, tg=tg: tg.release(self.clock.now))
        return True

    def bridge(self, a: Leg, b: Leg) -> None:
        a.peer, b.peer = b, a
        a.trace("bridge", to=b.sid)
        b.trace("bridge", to=a.sid)
        for x, y in ((a, b), (b, a)):
            if x.party is not None and not y.flow_driven:
                x.party.on_bridge(x)

    def _bridge_ended(self, survivor: Leg, ended: Leg, by: str) -> None:
        survivor.trace("unbridge", by=by)
        op = survivor.op
        if op is not None and hasattr(op, "bridge_ended"):
            op.bridge_ended(ended, by)
        else:
            survivor.hangup(by)

    def _status_changed(self, leg: Leg, status: str) -> None:
        if status == "in-progress":
            leg.add_timer(self.clock.schedule(self.max_call_duration, _max_duration, leg))
            if leg.party is not None:
                leg.party.on_connect(leg)
        if leg.listener is not None:
            leg.listener.leg_status(leg, status)
        for fn in self.status_listeners:
            fn(leg, status)


def _max_duration(leg: Leg) -> None:
    leg.hangup("network", "maximum call duration reached")


def no_answer(leg: Leg) -> None:
    if not leg.answered and not leg.ended:
        leg.hangup("network", "no answer", status="no-answer")


class StartFlowOnAnswer:
    """Outbound API call: the flow runs once the callee answers (as Twilio does)."""

    def __init__(self, carrier: Carrier, flow: Callable[[Any], Any]):
        self.carrier, self.flow = carrier, flow

    def leg_status(self, leg: Leg, status: str) -> None:
        if status == "in-progress" and leg.runner is None:
            runner = FlowRunner(
                self.carrier, leg, self.flow, getattr(self.flow, "__name__", "flow")
            )
            self.carrier.runners.append(runner)
            self.carrier.clock.schedule(0, runner.start)


class _PersonToPerson:
    """A person called a person: the caller's leg follows the callee's, then they talk."""

    def __init__(self, carrier: Carrier, origin: Leg):
        self.carrier, self.origin = carrier, origin
        self.timer = carrier.clock.schedule(carrier.dial_timeout, self._timeout)

    def _timeout(self) -> None:
        for child in self.origin.children:
            if not child.ended and not child.answered:
                child.hangup("network", "no answer", status="no-answer")

    def leg_status(self, leg: Leg, status: str) -> None:
        origin = self.origin
        if status == "in-progress":
            self.carrier.clock.cancel(self.timer)
            origin.answer()
            self.carrier.bridge(origin, leg)
        elif status in FINAL and not leg.answered and not origin.ended:
            self.carrier.clock.cancel(self.timer)
            origin.hangup("network", leg.cause, status=status)
