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
from ..flow.tropo_scripts import tropo_flow
from . import faults, frontdoors, messaging
from .afterwork import AfterWork
from .audio_media import AudioMedia
from .bridge import Conference
from .clock import Clock, RealtimeClock
from .ids import SidFactory
from .leg import Leg
from .media import TextMedia
from .messagelog import MessageLog
from .numbers import normalize
from .parties import Caller, Party, Phone
from .recording import RecordingStore
from .results import CallLog, CallResult
from .routing import Routing, StartFlowOnAnswer, no_answer
from .runner import FlowRunner
from .trace import Trace
from .traffic import FiniteSources, Traffic, signalling_call
from .trunks import TrunkGroup

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
    kind: str = "python"  # python (a function), tropo (a script), or a front door (twiml, ...)
    ring: float = 0.0
    source: str | None = None

    def __repr__(self) -> str:
        return f"<App {self.number} {self.kind} {self.name!r}>"


class Carrier(Routing):
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
        max_forwards: int = 70,
        dial_timeout: float = 60.0,
        region: str = "US",
        media: Any = None,
        recognizer: str | None = None,
        account_sid: str | None = None,
        default_caller_id: str = "+15550000",
    ):
        if fidelity not in FIDELITIES:
            raise ConfigurationError(f"fidelity must be 'text' or 'audio', not {fidelity!r}")
        if max_call_duration <= 0 or max_steps < 1:
            raise ConfigurationError("max_call_duration and max_steps must be positive")
        if isinstance(max_forwards, bool) or not isinstance(max_forwards, int) or max_forwards < 1:
            raise ConfigurationError(f"max_forwards must be an int >= 1, got {max_forwards!r}")
        self.seed = seed
        self.fidelity = getattr(media, "fidelity", fidelity) if media is not None else fidelity
        self.clock: Clock = RealtimeClock(speed) if realtime else Clock()
        self.clock.on_error = self._contain_fault
        self.rng = random.Random(f"carrier:{seed}")
        self.sids = SidFactory(seed)
        self.account_sid = (
            account_sid or "AC" + f"{random.Random(f'acct:{seed}').getrandbits(128):032x}"
        )
        self.region = region
        self.max_call_duration = float(max_call_duration)
        self.max_forwards = max_forwards  # hops a call may take: SIP's Max-Forwards (RFC 3261)
        self.max_steps = int(max_steps)
        self.dial_timeout = float(dial_timeout)
        self.trace = Trace()
        self.afterwork = AfterWork(self)  # work calls leave for later (transcriptions)
        if recognizer is not None and (media is not None or fidelity != "audio"):
            raise ConfigurationError(
                "recognizer= picks the speech recogniser of audio fidelity: use it with "
                "fidelity='audio' (or give AudioMedia(recognizer=...) as media=)"
            )
        self.media = media if media is not None else self._default_media(fidelity, seed, recognizer)
        # audio URLs a flow plays that cannot be fetched offline -> a local file or seconds
        # (a key ending in "*" matches every URL it starts); unmapped ones play a placeholder
        self.audio_urls: dict[str, str | float] = {}
        self.apps: dict[str, App] = {}
        self.phones: dict[str, Party] = {}
        self.legs: list[Leg] = []
        self.messages = MessageLog()  # every message: a list with filters, totals, threads
        self.sms = messaging.SmsNetwork(self)  # delivery rules, inbound hooks, text sessions
        self.recordings = RecordingStore(self)
        self.conferences: dict[str, Conference] = {}
        self.trunk_groups: list[TrunkGroup] = []
        self.runners: list[FlowRunner] = []
        self.default_caller_id = self.normalize(default_caller_id)
        self.status_listeners: list[Callable[[Leg, str], None]] = []
        self.message_listeners: list[Callable[[messaging.Message, str], None]] = []
        make_current(self)

    def set_fidelity(self, fidelity: str, recognizer: str | None = None) -> None:
        """Switch text/audio fidelity before the first call (a script's own carrier can
        then be run in audio fidelity from the command line)."""
        if fidelity not in FIDELITIES:
            raise ConfigurationError(f"fidelity must be 'text' or 'audio', not {fidelity!r}")
        if self.legs:
            raise ConfigurationError("fidelity can only change before the carrier's first call")
        if recognizer is not None and fidelity != "audio":
            raise ConfigurationError("recognizer= picks the speech recogniser of audio fidelity")
        self.fidelity = fidelity
        self.media = self._default_media(fidelity, self.seed, recognizer)

    @staticmethod
    def _default_media(fidelity: str, seed: int | str, recognizer: str | None) -> Any:
        if fidelity == "audio":
            return AudioMedia(seed=seed, recognizer=recognizer)
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
        lang: str | None = None,
        **options: Any,
    ) -> Any:
        """Answer `number` with a flow: a function (usable as a decorator), a Tropo script
        (`script=path` or source text; JavaScript, Groovy, Ruby and PHP by the file's
        extension or `lang="js"`, "groovy", "ruby", "php"), or an app document through a
        provider's front door:
        `twiml=` (a string, VoiceResponse, callable, WSGI/ASGI app or URL) and any keyword in
        `telenb.sim.frontdoors.kinds()`; the remaining keywords are that door's options."""
        num = self.normalize(number)
        doors = {k: options.pop(k) for k in list(options) if k in frontdoors.kinds()}
        if twiml is not None:
            doors["twiml"] = twiml
        doors = {k: v for k, v in doors.items() if v is not None}
        given = sum(x is not None for x in (fn, script)) + len(doors)
        if given > 1:
            raise ConfigurationError(
                "give one of a function, script= or an app document "
                f"({', '.join(f'{k}=' for k in frontdoors.kinds())}), not several"
            )
        if options and not doors:
            raise ConfigurationError(f"unknown app option(s): {', '.join(options)}")
        if lang is not None and script is None:
            raise ConfigurationError("lang= says a script's language: give script= too")
        if script is not None:
            target, label = tropo_flow(script, params=params, lang=lang)
            self.apps[num] = App(num, target, name or label, "tropo", ring, str(script))
            return self.apps[num]
        if doors:
            ((kind, document),) = doors.items()
            build = frontdoors.builder(kind)
            target = build(document, carrier=self, number=num, **options)
            self.apps[num] = App(num, target, name or kind, kind, ring)
            return self.apps[num]

        def register(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
            if not callable(f):
                raise ConfigurationError(f"an app must be callable as f(call), got {f!r}")
            label = str(name or getattr(f, "__name__", "flow"))
            self.apps[num] = App(num, f, label, "python", ring)
            return f

        return register if fn is None else register(fn)

    def phone(self, number: str, party: Party | str | None = None, **options: Any) -> Party:
        """Register a subscriber: `carrier.phone("+15550123", behaviour="busy")`, or pass a
        `Phone`.  Each call to it gets a fresh copy of the party.  `sms=` sets what texts to
        it do: deliver, unreachable, unknown, landline, filtered, blocked, overflow."""
        num = self.normalize(number)
        sms = options.pop("sms", None)
        if sms is not None:
            self.sms.rule(num, sms)
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

    def sources(self, to: str, **options: Any) -> FiniteSources:
        """A finite population of callers calling `to` (Engset's model; see
        `telenb.sim.traffic.FiniteSources` for the options)."""
        return FiniteSources(self, to, **options)

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
        timeout: float | None = None,
        answer: Callable[[Any], Any] | None = None,
    ) -> CallResult:
        """Place a call and (by default) run the network until it is over.

        With `caller` (a `Caller` or a caller script), a simulated person calls `to`.  With
        `flow`, the network calls `to` and the flow runs once it is answered (outbound); it
        gives up after `timeout` seconds of ringing (default `dial_timeout`).  `answer` is a
        flow that answers the person's call itself, whatever `to` says (which may be ""), as
        an application answers a softphone client's call.  With
        `run=False` the call is only placed, which a flow may do too (a webhook app placing
        calls through a REST API runs inside the flow it answers).
        """
        if run:
            self._check_not_in_flow("call")
        if flow is not None:
            if caller is not None or answer is not None:
                raise ConfigurationError("give caller= (someone calls in) or flow= (calling out)")
            leg = self.place_leg(
                self.normalize(from_) if from_ else self.default_caller_id,
                to,
                "outbound-api",
                listener=StartFlowOnAnswer(self, flow),
                headers=headers,
            )
            wait = self.dial_timeout if timeout is None else float(timeout)
            leg.add_timer(self.clock.schedule(wait, no_answer, leg))
        else:
            party = caller if isinstance(caller, Party) else Caller(caller)
            number = self.normalize(from_) if from_ else self.normalize(party.number)
            party.number = number
            dest = self.normalize(to) if to or answer is None else ""
            leg = Leg(self, self.sids.new("call"), number, dest, "inbound", party=party)
            if headers:
                leg.headers = dict(headers)
            self.legs.append(leg)
            leg.set_status("initiated")
            self._route_inbound(leg, leg.to, answer)
        result = CallResult(self, leg)
        if run:
            self.run_until(lambda: result.done)
            self.run_until(lambda: result.settled)
        return result

    def launch(
        self,
        flow: Callable[[Any], Any] | None = None,
        *,
        script: str | Path | None = None,
        params: dict[str, Any] | None = None,
        lang: str | None = None,
        run: bool = True,
    ) -> CallResult:
        """Start a flow with no incoming call (Tropo's token-launched session); it places
        calls with `call.call(to)` and sends messages."""
        self._check_not_in_flow("launch")
        if (flow is None) == (script is None):
            raise ConfigurationError("launch() needs a flow function or script=, exactly one")
        if flow is None:
            flow, _name = tropo_flow(str(script), params=params, lang=lang)
        runner = FlowRunner(self, None, flow, getattr(flow, "__name__", "session"))
        self.runners.append(runner)
        self.clock.schedule(0, runner.start)
        result = CallResult(self, None, runner)
        if run:
            self.run_until(lambda: result.done)
            self.run_until(lambda: result.settled)
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
        if bool(realtime) == old.realtime and (not realtime or getattr(old, "speed", 1.0) == speed):
            return
        active = sum(not leg.ended for leg in self.legs)
        active += sum(r.leg is None and not r.finished for r in self.runners)
        if active:
            raise ConfigurationError(
                f"cannot change the clock while {active} call(s) are active; let them end first"
            )
        now = max(old.now, old.elapsed()) if isinstance(old, RealtimeClock) else old.now
        self.clock = RealtimeClock(speed, start=now) if realtime else Clock(now)
        self.clock.adopt(old)

    def _contain_fault(self, fn: Callable[..., Any], args: tuple, exc: BaseException) -> bool:
        """An event raised: end the call it belongs to as failed (see `telenb.sim.faults`)."""
        return faults.contain(self, fn, args, exc)

    def _check_not_in_flow(self, what: str) -> None:
        if getcurrent().parent is not None:
            raise FlowError(
                f"carrier.{what}() cannot be used inside a flow (the network is already running "
                "it); use call.transfer(), call.call() or call.message() instead"
            )

    # -- records ----------------------------------------------------------------------------------
    @property
    def calls(self) -> CallLog:
        """Every leg so far, as call detail records: one row per Call SID, as Twilio's
        `calls.list()` has one per leg (a transfer makes two rows for one conversation)."""
        return CallLog(self.legs)

    def find_leg(self, sid: str) -> Leg:
        """The leg with this Call SID."""
        for leg in self.legs:
            if leg.sid == sid:
                return leg
        raise KeyError(f"no call leg with SID {sid!r}")

    find_call = find_leg  # the earlier name, kept for code written against it

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
        status_callback: Any = None,
        smart_encoding: bool = False,
        session: str | None = None,
        media: Any = None,
        hold_until: float | None = None,
    ) -> messaging.Message:
        """Send a text message: queued now, then it progresses in virtual time.

        `origin`: the call SID it was sent from; `session`: a text session's SID; `media`:
        URLs (or (url, content type) pairs) that make it an MMS; `hold_until`: the virtual
        time a scheduled message goes out (``scheduled`` until then, `sms.cancel` stops it).
        `status_callback`: a callable f(params) or an http(s) URL, told of every status after
        queued with Twilio's parameters (MessageSid, MessageStatus, ErrorCode, ...).  Bad
        input raises `MessageError` carrying Twilio's error code.  From a person's number
        (not one of the network's) to a number answering texts by webhook, it is that person
        texting: one inbound message, as `text()` makes.
        """
        if from_ and direction is None and origin is None and session is None and not hold_until:
            person = self._person_texting(body, to, from_, status_callback, smart_encoding, media)
            if person is not None:
                return person
        return self.sms.send(
            body, to=to, from_=from_, channel=channel, network=network, call_sid=origin,
            direction=direction or ("outbound-call" if origin else "outbound-api"),
            session_sid=session, status_callback=status_callback, smart_encoding=smart_encoding,
            media=media, hold_until=hold_until,
        )  # fmt: skip

    def _person_texting(
        self, body: str, to: str, from_: str, callback: Any, smart: bool, media: Any
    ) -> messaging.Message | None:
        """A text from a person's phone to a number that answers texts by webhook (a TwiML
        app's SMS URL) is one inbound message, as the vendor logs it, not an outbound copy
        as well."""
        try:
            to_n, from_n = self.sms.address(to, "To"), self.sms.address(from_, "From")
        except Exception:
            return None  # let send() report it
        if callback is not None or self.sms.ours(from_n) or self.sms.webhook_for(to_n) is None:
            return None
        return self.sms.receive(body, to=to_n, from_=from_n, smart_encoding=smart, media=media)

    def text(
        self,
        to: str,
        body: str,
        *,
        from_: str | None = None,
        texter: Any = None,
        run: bool = True,
        media: Any = None,
    ) -> Any:
        """A person texts `to`; to an app's number this starts a text session with its flow.

        `texter` (a `Texter` or its script, "text: red; wait: 30s; text: thanks") replies on.
        Returns a `TextResult` (messages, sessions, thread, trace); with `run`, the network
        runs until the sessions end and the texter has nothing left to say.
        """
        self._check_not_in_flow("text")
        result = self.sms.text(to, body, from_=from_, texter=texter, media=media)
        if run:
            self.run_until(lambda: result.done)
        return result

    def on_message(self, number: str, handler: Callable[[Any], Any] | None = None) -> Any:
        """Handle messages to `number` yourself (usable as a decorator): `handler(message)`
        gets each inbound `Message` (status received; `message.webhook_params()` gives what
        Twilio would POST) and may return reply text (or a list of them), sent back from
        `number`.  It takes precedence over the number's app for texts."""

        def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
            self.sms.on_message(number, fn)
            return fn

        return register if handler is None else register(handler)

    def message_rule(self, pattern: str, behaviour: str) -> None:
        """What messages to numbers matching `pattern` ("+15550123", "+1555*") do: deliver,
        unreachable (30003), blocked (30004), unknown (30005), landline (30006), filtered
        (30007) or overflow (30001, failed).  The rule added last wins."""
        self.sms.rule(pattern, behaviour)

    sms_rule = message_rule  # the earlier name, kept for code written against it

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
