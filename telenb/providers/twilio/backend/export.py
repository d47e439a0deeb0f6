"""The TwiML a flow produces, step by step: `flow_twiml(carrier_or_flow, number, caller=...)`.

The flow runs behind the Twilio backend's own webhook server, and the simulator's TwiML
interpreter plays Twilio, calling it with signed requests for a simulated caller.  So every
step shown is exactly the TwiML the backend would send Twilio, it has been executed, and the
notes say which constructs TwiML cannot express exactly and why.  For a TwiML app the steps
are its own documents.  Nothing here touches the network.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ....errors import ConfigurationError
from ....flow import verbs as V
from ....sim.carrier import Carrier
from ....sim.parties import parse_script
from ...export.host import flow_of, keep_current
from ..account import twilio_account
from ..sim.interpreter import TwimlApp
from .server import PREFIX, InlineExecutor, WebhookServer

ORIGIN = "https://telenb-backend.test"
SHOWN = (
    "CallStatus",
    "Digits",
    "SpeechResult",
    "Confidence",
    "RecordingUrl",
    "DialCallStatus",
    "QueueResult",
    "ErrorCode",
)


@dataclass
class Step:
    """One webhook: what Twilio sent (the interesting parameters) and the TwiML answer."""

    method: str
    path: str
    params: dict[str, str]
    twiml: str

    def pretty(self) -> str:
        from defusedxml.minidom import parseString

        try:
            text = parseString(self.twiml.encode()).toprettyxml(indent="  ")
        except Exception:  # not well-formed: show it as it came
            return self.twiml
        return "\n".join(line for line in text.splitlines()[1:] if line.strip())


@dataclass
class TwimlSteps:
    """A flow's TwiML for each step of one simulated call (text and HTML displays)."""

    number: str
    caller: str
    steps: list[Step]
    notes: list[str]
    result: Any = None
    messages: list[Any] = field(default_factory=list)
    markup: str = "TwiML"  # a dialect's name for its documents (TeXML, cXML)
    mount_options: dict[str, str] = field(default_factory=dict)  # its front door's, to replay

    @property
    def documents(self) -> list[str]:
        return [s.twiml for s in self.steps]

    def __len__(self) -> int:
        return len(self.steps)

    def replay(self) -> dict[str, str]:
        """A TwiML app (paths to documents) answering with these documents: the backend's
        absolute URLs become paths, so it runs behind any number's front door."""
        docs = [s.twiml.replace(ORIGIN, "") for s in self.steps]
        paths = ["/", *(s.path for s in self.steps[1:])]
        return dict(zip(paths, docs, strict=True))

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, i: int) -> Step:
        return self.steps[i]

    def _heading(self, step: Step) -> str:
        sent = "  ".join(f"{k}={step.params[k]}" for k in SHOWN if step.params.get(k))
        return f"{step.method} {step.path}  {sent}".rstrip()

    def __repr__(self) -> str:
        who = repr(self.caller) if self.caller else "silent"
        lines = [f"{self.markup} for {self.number} (caller: {who}), {len(self.steps)} step(s)"]
        for n, step in enumerate(self.steps, 1):
            lines.append(f"{n:2d}. {self._heading(step)}")
            lines += [f"      {line}" for line in step.pretty().splitlines()]
        for msg in self.messages:
            lines.append(f"  (REST) POST Messages.json  To={msg.to}  Body={msg.body!r}")
        if self.notes:
            lines.append(f"Notes - what {self.markup} cannot say exactly:")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = []
        for n, step in enumerate(self.steps, 1):
            rows.append(
                f"<div><b>{n}. {html.escape(self._heading(step))}</b>"
                f"<pre style='margin:2px 0 8px 1em'>{html.escape(step.pretty())}</pre></div>"
            )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        notes = (
            f"<div><b>What {self.markup} cannot say exactly</b><ul>{notes}</ul></div>"
            if notes
            else ""
        )
        head = html.escape(f"{self.markup} for {self.number}, {len(self.steps)} step(s)")
        return f"<div class='telenb-twiml'><h4>{head}</h4>{''.join(rows)}{notes}</div>"


def flow_twiml(
    source: Any,
    number: str | None = None,
    *,
    caller: str = "",
    seed: int = 0,
    direction: str = "inbound",
) -> TwimlSteps:
    """Show the TwiML for each step of a call to `number` (or of the flow `source`).

    `source`: a `Carrier` (the app answering `number`: a Python flow, a Tropo script, or a
    TwiML app) or a flow function.  `caller` is a caller script (default: silent).
    ``direction="outbound-api"`` runs it as a call the backend places."""

    with keep_current():  # the scratch carrier must not become the session's carrier
        if isinstance(source, Carrier):
            if not number:
                raise ConfigurationError(
                    "give the number whose TwiML to show: flow_twiml(c, '+1…')"
                )
            num = source.normalize(number)
            app = source.apps.get(num)
            if app is None:
                raise ConfigurationError(
                    f"no app answers {num}; numbers with apps: {', '.join(source.apps) or 'none'}"
                )
            if app.kind == "twiml":
                return _twiml_app(source, app, num, caller, seed)
            return _flow(app.target, num, caller, seed, direction)
        if callable(source):
            return _flow(source, number or "+15550100", caller, seed, direction)
        raise ConfigurationError(
            f"flow_twiml needs a Carrier or a flow, not {type(source).__name__}"
        )


@dataclass(frozen=True)
class Door:
    """How the export's backend meets a TwiML front door: Twilio's own, or a dialect's
    (TeXML, cXML), which brings its account, its signing, and the options it is mounted with.

    `key` is what the backend checks X-Twilio-Signature with (None: the dialect signs
    otherwise, and `guard` wraps the backend in that check)."""

    keyword: str = "twiml"
    markup: str = "TwiML"
    vendor: str = "Twilio"
    account: Callable[[Carrier], Any] = twilio_account
    key: Callable[[Any], str] | None = lambda acct: acct.auth_token
    guard: Callable[[Any, Any], Any] | None = None
    options: tuple[tuple[str, str], ...] = ()
    redirect_after_gather: bool = False  # the dialect may not honour actionOnEmptyResult


TWILIO_DOOR = Door()


def flow_dialect(
    door: Door, source: Any, number: str | None = None, *, caller: str = "", seed: int = 0
) -> TwimlSteps:
    """`flow_twiml` for a TwiML dialect: a flow (or the flow answering `number` on a
    Carrier) behind the backend, called by the dialect's simulated vendor."""
    flow, number = flow_of(source, number, door.markup)
    with keep_current():
        return _flow(flow, number, caller, seed, "inbound", door)


def _flow(
    flow: Callable, number: str, caller: str, seed: int, direction: str, door: Door = TWILIO_DOOR
) -> TwimlSteps:

    sim = Carrier(seed=seed)
    acct = door.account(sim)
    sent: list[Any] = []

    def messenger(verb: Any, params: dict[str, str]) -> Any:
        inbound = params.get("Direction", "inbound") == "inbound"  # TeXML sends no Direction
        ours = params.get("To") if inbound else params.get("From")
        sent.append(sim.send_message(verb.text, to=verb.to, from_=verb.from_ or ours))
        return V.Done(detail={"sid": sent[-1].sid, "status": sent[-1].status})

    server = WebhookServer(
        door.key(acct) if door.key else "",
        ORIGIN,
        messenger=messenger,
        executor=InlineExecutor(),
        check_signatures=door.key is not None,
    )
    server.numbers[sim.normalize(number)] = flow
    server.redirect_after_gather = door.redirect_after_gather
    site = door.guard(acct, server) if door.guard else server
    options = dict(door.options)
    if direction == "inbound":
        # the status callback tells the backend the call ended, which stops the flow
        status = f"{PREFIX}/status"
        door_options: dict[str, Any] = {door.keyword: site, "status_callback": status, **options}
        sim.app(number, url=f"{PREFIX}/voice", base_url=ORIGIN, kind="wsgi", **door_options)
        acct.web.mount(ORIGIN, site, "wsgi", same_thread=True)  # it runs the flow inline
        result = sim.call(number, caller=caller)
    else:
        sim.phone(number, script=caller or None)
        token = server.session_token(flow)
        app = TwimlApp(acct, f"{ORIGIN}{PREFIX}/voice?session={token}")
        acct.web.mount(ORIGIN, server, "wsgi", same_thread=True)
        result = sim.call(number, flow=app, from_="+15550000")
        sim.run()
    steps = [
        Step("POST", ex.path, {k: v for k, v in ex.params.items() if k in SHOWN}, ex.twiml)
        for ex in server.exchanges
        if not ex.path.startswith(f"{PREFIX}/status")
    ]
    notes = [n.replace("Twilio", door.vendor) for n in server.notes + _caller_notes(caller)]
    if sent:
        notes.append(f"message() is sent through the Messages REST API, not with {door.markup}")
    return TwimlSteps(number, caller, steps, notes, result, sent, door.markup, options)


def _caller_notes(caller: str) -> list[str]:
    """Things in the caller script that exist only in simulation."""

    notes = []
    for step in parse_script(caller or ""):
        if step.at is not None:
            notes.append(
                f"the caller speaks {step.at:g} s into a prompt ({step.text!r}): that timing is "
                "the simulated person's; on Twilio barge-in happens whenever the person speaks "
                "(<Gather bargeIn>), it cannot be scheduled"
            )
        if step.confidence is not None:
            notes.append(
                f"the caller's recognition confidence {step.confidence:g} is simulated; Twilio "
                "reports its recogniser's own Confidence"
            )
    return notes


def _twiml_app(carrier: Carrier, app: Any, number: str, caller: str, seed: int) -> TwimlSteps:
    """A TwiML app's own documents, from a call on a scratch carrier sharing its web."""

    original = app.target
    acct = twilio_account(carrier)
    sim = Carrier(seed=seed)
    scratch = twilio_account(sim, auth_token=acct.auth_token)
    scratch.web = acct.web
    copy = TwimlApp(
        scratch,
        original.url,
        method=original.method,
        twiml=original.twiml,
        fallback_url=original.fallback_url,
        fallback_method=original.fallback_method,
    )
    sim.app(number, copy, name=app.name)
    result = sim.call(number, caller=caller)
    events = [e for e in result.trace if e.kind in ("webhook", "twiml")]
    steps: list[Step] = []
    for i, event in enumerate(events):
        if event.kind == "webhook" and not str(event.get("purpose", "")).startswith("callback"):
            doc = (
                events[i + 1]["twiml"]
                if i + 1 < len(events) and events[i + 1].kind == "twiml"
                else ""
            )
            params = {k: v for k, v in event["params"].items() if k in SHOWN}
            steps.append(Step(event["method"], event["url"], params, doc))
    return TwimlSteps(number, caller, steps, [], result, list(result.messages))
