"""The simulated carrier: numbers, routing, calls, messages, trunks — in virtual time.

    carrier = Carrier(seed=7)

    @carrier.app("+15550100")
    def shop(call):
        call.say("Hello")

    result = carrier.call("+15550100", caller=Caller("say: red"))

Same seed, same flows, same parties: the same trace, SIDs and records, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greenlet import getcurrent

from ..errors import ConfigurationError, FlowError
from . import messaging
from .bridge import Conference
from .clock import Clock, RealtimeClock
from .ids import SidFactory
from .leg import FINAL, Leg
from .machines import Forwarder, VoicemailBox
from .media import TextMedia
from .numbers import normalize
from .parties import Caller, Party, Phone
from .recording import RecordingStore
from .results import CallLog, CallResult
from .runner import FlowRunner
from .trace import Trace
from .traffic import Traffic, signalling_call
from .trunks import TrunkGroup

SETUP = 0.1  # seconds for the network to set up a leg (ringing starts)
BUSY_AFTER = 0.5
FAIL_AFTER = 0.2
FIDELITIES = ("text", "audio")


_current: Carrier | None = None


def current() -> Carrier | None:
    """The carrier created last (or chosen with `make_current`): what the magics act on."""
    return _current


def make_current(carrier: Carrier) -> None:
    global _current
    _current = carrier


@dataclass
class App:
    """A flow answering a number."""

    number: str
    target: Callable[[Any], Any]
    name: str
    kind: str = "flow"  # flow, tropo, twiml
    ring: float = 0.0
    source: str | None = None

    def __repr__(self) -> str:
        return f"<App {self.number} {self.kind} {self.name!r}>"


class Carrier:
    """A private telephone network in one Python object."""

    def __init__(
        self,
        seed: int | str = 0,
        *,
        fidelity: str = "text",
        realtime: bool = False,
        speed: float = 1.0,
        max_call_duration: float = 4 * 3600.0,
        max_steps: int = 10_000,
        dial_timeout: float = 60.0,
        region: str = "US",
        media: Any = None,
        account_sid: str | None = None,
        default_caller_id: str = "+15550000",
    ):
        if fidelity not in FIDELITIES:
            raise ConfigurationError(f"fidelity must be 'text' or 'audio', not {fidelity!r}")
        if max_call_duration <= 0 or max_steps < 1:
            raise ConfigurationError("max_call_duration and max_steps must be positive")
        self.seed = seed
        self.fidelity = getattr(media, "fidelity", fidelity) if media is not None else fidelity
        self.clock: Clock = RealtimeClock(speed) if realtime else Clock()
        self.rng = random.Random(f"carrier:{seed}")
        self.sids = SidFactory(seed)
        self.account_sid = (
            account_sid or "AC" + f"{random.Random(f'acct:{seed}').getrandbits(128):032x}"
        )
        self.region = region
        self.max_call_duration = float(max_call_duration)
        self.max_steps = int(max_steps)
        self.dial_timeout = float(dial_timeout)
        self.trace = Trace()
        self.media = media if media is not None else self._default_media(fidelity, seed)
        self.apps: dict[str, App] = {}
        self.phones: dict[str, Party] = {}
        self.legs: list[Leg] = []
        self.messages: list[messaging.Message] = []
        self.recordings = RecordingStore(self)
        self.conferences: dict[str, Conference] = {}
        self.trunk_groups: list[TrunkGroup] = []
        self.runners: list[FlowRunner] = []
        self.default_caller_id = self.normalize(default_caller_id)
        self.status_listeners: list[Callable[[Leg, str], None]] = []
        self.message_listeners: list[Callable[[messaging.Message, str], None]] = []
        make_current(self)

    @staticmethod
    def _default_media(fidelity: str, seed: int | str) -> Any:
        if fidelity == "audio":
            from .audio_media import AudioMedia

            return AudioMedia(seed=seed)
        return TextMedia()

    def __repr__(self) -> str:
        return (
            f"<Carrier seed={self.seed} fidelity={self.fidelity} t={self.clock.now:.3f}s "
            f"apps={len(self.apps)} phones={len(self.phones)} calls={len(self.legs)}>"
        )

    def normalize(self, number: str) -> str:
        return normalize(number, self.region)

    # -- numbers ----------------------------------------------------------------------------------
    def app(
        self,
        number: str,
        fn: Callable[[Any], Any] | None = None,
        *,
        script: str | Path | None = None,
        twiml: Any = None,
        name: str | None = None,
        ring: float = 0.0,
        params: dict[str, Any] | None = None,
        **twiml_options: Any,
    ) -> Any:
        """Answer `number` with a flow: a function (usable as a decorator), a Tropo script
        (`script=path` or source text), or TwiML (`twiml=` string, VoiceResponse, callable,
        WSGI/ASGI app or URL)."""
        num = self.normalize(number)
        given = sum(x is not None for x in (fn, script, twiml))
        if given > 1:
            raise ConfigurationError("give one of a function, script= or twiml=, not several")
        if twiml_options and twiml is None:
            raise ConfigurationError(f"unknown app option(s): {', '.join(twiml_options)}")
        if script is not None:
            from ..flow.tropo import tropo_flow

            target, label = tropo_flow(script, params=params)
            self.apps[num] = App(num, target, name or label, "tropo", ring, str(script))
            return self.apps[num]
        if twiml is not None:
            from ..providers.twilio.sim import twiml_flow

            target = twiml_flow(twiml, carrier=self, number=num, **twiml_options)
            self.apps[num] = App(num, target, name or "twiml", "twiml", ring)
            return self.apps[num]

        def register(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
            if not callable(f):
                raise ConfigurationError(f"an app must be callable as f(call), got {f!r}")
            self.apps[num] = App(num, f, name or getattr(f, "__name__", "flow"), "flow", ring)
            return f

        return register if fn is None else register(fn)

    def phone(self, number: str, party: Party | str | None = None, **options: Any) -> Party:
        """Register a subscriber: `carrier.phone("+15550123", behaviour="busy")`, or pass a
        `Phone`.  Each call to it gets a fresh copy of the party."""
        num = self.normalize(number)
        if isinstance(party, Party):
            if options:
                raise ConfigurationError("give a Phone or options, not both")
            party.number = num
        else:
            script = options.pop("script", None) if party is None else party
            party = Phone(script, number=num, **options)
        self.phones[num] = party
        return party

    def trunk_group(self, name: str, capacity: int, numbers: str | list[str] = "*") -> TrunkGroup:
        """Calls to matching numbers need a free trunk; beyond `capacity` they are blocked."""
        tg = TrunkGroup(name, capacity, [numbers] if isinstance(numbers, str) else numbers)
        self.trunk_groups.append(tg)
        return tg

    def traffic(self, to: str | Callable[[random.Random], str], **options: Any) -> Traffic:
        """Offer Poisson traffic to `to` (see `telenb.sim.traffic.Traffic` for the options)."""
        return Traffic(self, to, **options)

    def _signalling_call(self, from_: str, to: str, hold: float, trace: bool) -> Leg:
        return signalling_call(self, from_, to, hold, trace)

    # -- placing calls ----------------------------------------------------------------------------
    def call(
        self,
        to: str,
        *,
        caller: Party | str | None = None,
        from_: str | None = None,
        flow: Callable[[Any], Any] | None = None,
        headers: dict[str, str] | None = None,
        run: bool = True,
    ) -> CallResult:
        """Place a call and (by default) run the network until it is over.

        With `caller` (a `Caller` or a caller script), a simulated person calls `to`.  With
        `flow`, the network calls `to` and the flow runs once it is answered (outbound).
        """
        self._check_not_in_flow("call")
        if flow is not None:
            if caller is not None:
                raise ConfigurationError("give caller= (someone calls in) or flow= (calling out)")
            leg = self.place_leg(
                self.normalize(from_) if from_ else self.default_caller_id,
                to,
                "outbound-api",
                listener=_StartFlowOnAnswer(self, flow),
                headers=headers,
            )
            leg.timers.append(self.clock.schedule(self.dial_timeout, _no_answer, leg))
        else:
            party = caller if isinstance(caller, Party) else Caller(caller)
            number = self.normalize(from_) if from_ else self.normalize(party.number)
            party.number = number
            leg = Leg(
                self, self.sids.new("call"), number, self.normalize(to), "inbound", party=party
            )
            leg.headers = dict(headers or {})
            self.legs.append(leg)
            leg.set_status("initiated")
            self._route_inbound(leg, leg.to)
        result = CallResult(self, leg)
        if run:
            self.run_until(lambda: result.done)
            self.run_until(lambda: result.messages_settled)
        return result

    def launch(
        self,
        flow: Callable[[Any], Any] | None = None,
        *,
        script: str | Path | None = None,
        params: dict[str, Any] | None = None,
        run: bool = True,
    ) -> CallResult:
        """Start a flow with no incoming call (Tropo's token-launched session); it places
        calls with `call.call(to)` and sends messages."""
        self._check_not_in_flow("launch")
        if (flow is None) == (script is None):
            raise ConfigurationError("launch() needs a flow function or script=, exactly one")
        if script is not None:
            from ..flow.tropo import tropo_flow

            flow, _name = tropo_flow(script, params=params)
        runner = FlowRunner(self, None, flow, getattr(flow, "__name__", "session"))
        self.runners.append(runner)
        self.clock.schedule(0, runner.start)
        result = CallResult(self, None, runner)
        if run:
            self.run_until(lambda: result.done)
            self.run_until(lambda: result.messages_settled)
        return result

    def run(self, until: float | None = None) -> None:
        """Run the network until nothing is left to do (or virtual time `until`)."""
        self._check_not_in_flow("run")
        self.clock.run(until=until)

    def run_until(self, condition: Callable[[], bool]) -> None:
        self.clock.run(stop=condition)

    @property
    def realtime(self) -> bool:
        return self.clock.realtime

    def set_realtime(self, realtime: bool, speed: float = 1.0) -> None:
        """Switch between virtual and wall-clock time between calls (a notebook phone's live
        call).  Time and pending events carry over; refused while calls are active (their
        legs and operations hold the clock they started on)."""
        self._check_not_in_flow("set_realtime")
        old = self.clock
        if bool(realtime) == old.realtime and (not realtime or old.speed == speed):
            return
        active = sum(not leg.ended for leg in self.legs)
        active += sum(r.leg is None and not r.finished for r in self.runners)
        if active:
            raise ConfigurationError(
                f"cannot change the clock while {active} call(s) are active; let them end first"
            )
        now = max(old.now, old.elapsed()) if old.realtime else old.now
        self.clock = RealtimeClock(speed, start=now) if realtime else Clock(now)
        self.clock.adopt(old)

    def _check_not_in_flow(self, what: str) -> None:
        if getcurrent().parent is not None:
            raise FlowError(
                f"carrier.{what}() cannot be used inside a flow (the network is already running "
                "it); use call.transfer(), call.call() or call.message() instead"
            )

    # -- records ----------------------------------------------------------------------------------
    @property
    def calls(self) -> CallLog:
        """Every call leg so far (the call detail records)."""
        return CallLog(self.legs)

    def find_call(self, sid: str) -> Leg:
        for leg in self.legs:
            if leg.sid == sid:
                return leg
        raise KeyError(f"no call with SID {sid!r}")

    # -- messages ---------------------------------------------------------------------------------
    def send_message(
        self,
        body: str,
        *,
        to: str,
        from_: str | None = None,
        channel: str = "TEXT",
        network: str = "SMS",
        origin: str | None = None,
        direction: str | None = None,
    ) -> messaging.Message:
        to_n = self.normalize(to)
        from_n = self.normalize(from_) if from_ else self.default_caller_id
        if not isinstance(body, str) or not body.strip():
            raise ConfigurationError("a message needs a body; it was empty")
        segments, encoding = messaging.segment_info(body)
        msg = messaging.Message(
            self.sids.new("message"), from_n, to_n, body,
            direction or ("outbound-call" if origin else "outbound-api"), "queued",
            self.clock.now, channel, network, segments, encoding, call_sid=origin,
        )  # fmt: skip
        self.messages.append(msg)
        messaging.set_status(self, msg, "queued")
        messaging.progress(self, msg)
        return msg

    def _message_status(self, msg: messaging.Message, status: str) -> None:
        for fn in self.message_listeners:
            fn(msg, status)

    # -- conferences ------------------------------------------------------------------------------
    def conference_room(self, name: str) -> Conference:
        room = self.conferences.get(name)
        if room is None or room.status == "completed":
            room = Conference(self, self.sids.new("conference"), name)
            self.conferences[name] = room
        return room

    # -- routing (internal) -----------------------------------------------------------------------
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
        leg = Leg(self, self.sids.new("call"), from_, self.normalize(to), direction, parent)
        leg.listener = listener
        leg.headers = dict(headers or {})
        self.legs.append(leg)
        if direction == "outbound-api":
            leg.set_status("queued")
        leg.set_status("initiated")
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

    def _route_inbound(self, leg: Leg, dest: str) -> None:
        if not self._seize_trunk(leg):
            return
        app = self.apps.get(dest)
        if app is not None:
            leg.set_status("ringing")
            self.clock.schedule(app.ring, self._start_app, leg, app)
            return
        if dest in self.phones:
            leg.set_status("ringing")
            self.place_leg(
                leg.from_,
                dest,
                "outbound-dial",
                parent=leg,
                listener=_PersonToPerson(self, leg),
                seize=False,
            )
            return
        self.clock.schedule(
            SETUP, leg.hangup, "network", "number not in service (SIP 404)", "failed"
        )

    def _start_app(self, leg: Leg, app: App) -> None:
        if leg.ended:
            return
        runner = FlowRunner(self, leg, app.target, app.name)
        self.runners.append(runner)
        runner.start()

    def _redirect(self, leg: Leg, to: str, runner: FlowRunner) -> None:
        dest = self.normalize(to)
        runner.leg = None
        leg.runner = None
        leg.op = None
        leg.trace("redirect", to=dest)
        app = self.apps.get(dest)
        if app is not None:
            self.clock.schedule(app.ring, self._start_app, leg, app)
        elif dest in self.phones:
            self.place_leg(
                leg.from_,
                dest,
                "outbound-dial",
                parent=leg,
                listener=_PersonToPerson(self, leg),
                seize=False,
            )
        else:
            self.clock.schedule(
                SETUP, leg.hangup, "network", "number not in service (SIP 404)", "failed"
            )

    def _seize_trunk(self, leg: Leg) -> bool:
        for tg in self.trunk_groups:
            if tg.matches(leg.to):
                if not tg.seize(self.clock.now):
                    leg.trace("blocked", trunk_group=tg.name, capacity=tg.capacity)
                    self.clock.schedule(
                        0, leg.hangup, "network", "all circuits busy (Q.850 cause 34)", "failed"
                    )
                    return False
                leg.on_end.append(lambda _leg, tg=tg: tg.release(self.clock.now))
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
            leg.timers.append(self.clock.schedule(self.max_call_duration, _max_duration, leg))
            if leg.party is not None:
                leg.party.on_connect(leg)
        if leg.listener is not None:
            leg.listener.leg_status(leg, status)
        for fn in self.status_listeners:
            fn(leg, status)


def _max_duration(leg: Leg) -> None:
    leg.hangup("network", "maximum call duration reached")


def _no_answer(leg: Leg) -> None:
    if not leg.answered and not leg.ended:
        leg.hangup("network", "no answer", status="no-answer")


class _StartFlowOnAnswer:
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
