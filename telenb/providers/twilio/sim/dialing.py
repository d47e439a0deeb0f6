"""<Dial> (to numbers, clients, SIP, a conference or a queue) and <Enqueue>, for the
interpreter: the request parameters Twilio sends afterwards (DialCallStatus, QueueResult...)
and when the action URL is requested."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....errors import NumberError
from ....flow import verbs as V
from ...docverbs.dial import DialVerb
from ...docverbs.prompts import Item, PlayVerb
from ...docverbs.queues import BridgeWait, DequeueVerb
from .conferencing import v_conference
from .outcomes import NEXT, QueueExit, after_dial
from .recordings import publish, recording_params
from .screening import screener

if TYPE_CHECKING:
    from ..twiml.parse import Node
    from .interpreter import Interpreter

# Twilio's default hold music for <Enqueue> without waitUrl (the simulator does not fetch it)
HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"
HOLD_SECONDS = 30.0
DIAL_STATUS = {
    "answered": "completed",
    "busy": "busy",
    "no-answer": "no-answer",
    "failed": "failed",
    "canceled": "canceled",
}
RECORD_VALUES = (
    "do-not-record",
    "record-from-answer",
    "record-from-ringing",
    "record-from-answer-dual",
    "record-from-ringing-dual",
    "true",
    "false",
)
WAIT_VERBS = ("Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather")


def v_dial(interp: Interpreter, node: Node) -> Any:
    a = interp.attrs(node)
    action = interp.resolve(a.text("action"))
    method = a.method("method", 13210)
    timeout = a.int("timeout", 30, 13212, maximum=600) or 30
    time_limit = a.int("timeLimit", 14400, 13216, maximum=14400)
    record = a.choice("record", RECORD_VALUES, "do-not-record", 13217)
    hangup_on_star = a.bool("hangupOnStar", False, 13213)
    sequential = a.bool("sequential", False, 13218)
    caller_id = a.text("callerId")
    nouns = node.children
    special = [n for n in nouns if n.tag in ("Conference", "Queue")]
    if special:
        if len(nouns) > 1:
            interp.warn(13215, "Dial: <Conference> or <Queue> must be the only noun")
        noun = special[0]
        if noun.tag == "Conference":
            return v_conference(interp, noun, action, method)
        return _dequeue(interp, noun, action, method, float(timeout))
    targets, watches, screens = _targets(interp, node)
    extra: list[tuple[str, str]]
    if not targets:
        extra = [("DialCallStatus", "failed")]
    else:
        transfer = V.Transfer(tuple(targets), caller_id, float(timeout))
        verb = DialVerb(transfer, record not in ("do-not-record", "false"), time_limit)
        verb.answer_on_bridge = a.bool("answerOnBridge", False, None)
        verb.on_placed = lambda legs: _watch(interp, legs, watches)
        verb.screens, verb.screen = screens, screener(interp)
        verb.sequential, verb.hangup_on_star = sequential, hangup_on_star
        out = interp.perform(verb)
        placed = verb.placed
        status = DIAL_STATUS.get(out.kind, "completed" if out.sid else "canceled")
        extra = [("DialCallStatus", status)]
        last = placed[-1] if verb.sequential else (placed[0] if placed else None)
        sid = out.sid or (last.sid if placed and last is not None else None)
        if sid:
            extra.append(("DialCallSid", interp.account.call_id(sid)))
        if out.sid:
            child = interp.carrier.find_leg(out.sid)
            extra.append(("DialCallDuration", str(round(child.duration))))
        extra.append(("DialBridged", "true" if out.sid and verb.bridged else "false"))
        if verb.recording is not None:
            url = publish(interp.account, verb.recording)
            rec_params = recording_params(interp.account, verb.recording, url)
            extra += rec_params
            callback = interp.resolve(a.text("recordingStatusCallback"))
            if callback and "completed" in a.words("recordingStatusCallbackEvent", ("completed",)):
                call_sid = interp.account.call_id(interp.leg.sid)
                base = [("AccountSid", interp.account.account_sid), ("CallSid", call_sid)]
                interp.hooks.callback(
                    a.method("recordingStatusCallbackMethod"),
                    callback,
                    base + rec_params,
                    sid=interp.leg.sid,
                    event="recording",
                )
    return after_dial(interp, method, action, extra)


def _targets(interp: Interpreter, node: Node) -> tuple[list[str], list, dict]:
    carrier = interp.carrier
    targets: list[str] = []
    watches: list = []
    screens: dict[str, tuple[str, str]] = {}
    nouns = node.children or [node]
    dialect = interp.dialect
    for noun in nouns:
        a = interp.attrs(noun, "Dial") if noun is not node else None
        lacks = dialect.missing_nouns.get(noun.tag)
        extra_noun = dialect.nouns.get(noun.tag)
        if lacks is not None:
            interp.warn(13215, f"Dial: {dialect.markup} has no <{noun.tag}> ({lacks}); skipped")
            continue
        if extra_noun is not None:
            found = extra_noun(interp, noun)
            if found is None:
                continue
            raw, code = found, 13215
        elif noun.tag in ("Dial", "Number"):
            raw, code = noun.text, 13223
        elif noun.tag == "Client":
            ident = [c.text for c in noun.children if c.tag == "Identity"]
            raw, code = "client:" + (ident[0] if ident else noun.text), 13215
        elif noun.tag == "Sip":
            raw, code = noun.text, 13243
        else:
            interp.warn(13215, f"Dial: Invalid nested element <{noun.tag}> at {noun.where}")
            continue
        try:
            address = carrier.normalize(raw)
        except NumberError as exc:
            interp.warn(code, f"Dial: cannot dial {raw!r}: {exc}")
            continue
        targets.append(address)
        if a is not None:
            screen = interp.resolve(a.text("url"))
            if screen:
                screens[address] = (screen, a.method("method", 13221))
            if a.raw("sendDigits"):
                interp.leg.trace("senddigits", to=address, digits=a.raw("sendDigits"))
            callback = interp.resolve(a.text("statusCallback"))
            if callback:
                events = a.words("statusCallbackEvent", ("completed",))
                watches.append((address, callback, a.method("statusCallbackMethod"), events))
    return targets, watches, screens


def _watch(interp: Interpreter, legs: list, watches: list) -> None:
    for leg in legs:
        for address, url, method, events in watches:
            if leg.to == address:
                interp.account.watch_call(leg, url, method, events)


def _dequeue(
    interp: Interpreter, noun: Node, action: str | None, method: str, timeout: float
) -> Any:
    a = interp.attrs(noun, "Dial")
    if a.raw("url"):
        interp.warn(None, "telenb does not play <Queue url> whisper TwiML to the caller")
    if not noun.text:
        interp.warn(14212, "Dial->Queue: Queue name too short (empty)")
        return after_dial(interp, method, action, [("DialCallStatus", "failed")])
    queue = interp.account.queue(noun.text)
    verb = DequeueVerb(queue, timeout)
    out = interp.perform(verb)
    extra = [("DialCallStatus", DIAL_STATUS.get(out.kind, "completed")), ("QueueSid", queue.sid)]
    if verb.member is not None:
        member_leg = verb.member.leg
        extra += [
            ("DialCallSid", interp.account.call_id(member_leg.sid)),
            ("DialCallDuration", str(round(out.duration))),
            ("DequeuedCallSid", interp.account.call_id(member_leg.sid)),
        ]
    return after_dial(interp, method, action, extra)


def v_enqueue(interp: Interpreter, node: Node) -> Any:
    a = interp.attrs(node)
    action = interp.resolve(a.text("action"))
    method = a.method("method", 14201)
    wait_url = interp.resolve(a.text("waitUrl"))
    wait_method = a.method("waitUrlMethod", 14206)
    if a.raw("workflowSid"):
        interp.warn(None, "telenb does not simulate TaskRouter (<Enqueue workflowSid>)")
    name = node.text
    if not name or len(name) > 64:
        interp.warn(14204 if not name else 14205, f"Enqueue: invalid queue name {name!r}")
        return NEXT
    queue = interp.account.queue(name)
    clock = interp.carrier.clock
    if len(queue.members) >= queue.max_size:
        result, started = "queue-full", clock.now
    else:
        member = queue.join(interp.leg, clock.now)
        started = member.enqueued_at
        interp.queue_member = member
        result = _wait(interp, queue, member, wait_url, wait_method)
        interp.queue_member = None
        if member.state == "waiting":
            queue.leave(member, result)
    extra = [
        ("QueueResult", result),
        ("QueueSid", queue.sid),
        ("QueueTime", str(round(clock.now - started))),
    ]
    return after_dial(interp, method, action, extra, "enqueue")


def _wait(interp: Interpreter, queue: Any, member: Any, url: str | None, method: str) -> str:
    """Play the wait music (waitUrl TwiML, fetched again each time it ends) until the caller
    is dequeued, leaves, or hangs up; returns Twilio's QueueResult."""
    doc_before = interp.doc
    try:
        while not interp.over:
            if url:
                extra = [
                    ("AvgQueueTime", str(round(queue.average_wait))),
                    ("CurrentQueueSize", str(len(queue.members))),
                    ("MaxQueueSize", str(queue.max_size)),
                    ("QueuePosition", str(queue.position(member))),
                    ("QueueSid", queue.sid),
                    ("QueueTime", str(round(interp.carrier.clock.now - member.enqueued_at))),
                ]
                doc = interp.fetch(method, url, extra, "wait")
                while doc is not None and not interp.over:
                    doc = interp.execute(doc, WAIT_VERBS)
            else:
                known = {HOLD_MUSIC: HOLD_SECONDS}
                interp.perform(PlayVerb([Item("play", HOLD_MUSIC)], known=known))
        queue.leave(member, "hungup")
        return "hangup"
    except QueueExit as exit_:
        interp.doc = doc_before
        if exit_.result != "dequeued":
            queue.leave(member, "left")
            return exit_.result
    interp.bridging = True
    try:
        out = interp.perform(BridgeWait(member))
    finally:
        interp.bridging = False
    return "hangup" if out.hangup else "bridged"
