"""enqueue and dequeue: callers wait in a named queue until another call takes them.

While a caller waits, the waitHook is fetched (with ``queue_sid``, ``queue_time``,
``queue_size`` and 0-based ``queue_position``) and its say, play, pause and leave verbs
run, then it is fetched again; without one the caller hears silence.  ``leave`` takes the
caller out.  When the caller leaves the queue, enqueue's actionHook gets ``queue_result``
(bridged, leave, hangup) and ``queue_time``.  dequeue bridges the first caller, waiting up
to ``timeout`` seconds for one (0, the default, waits on); its actionHook gets
``dequeue_result``: complete, timeout or hangup.  The queue mechanics (join, take, bridge)
are the simulator's queues shared with TwiML's <Enqueue>.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...docverbs.prompts import Item, PlayVerb
from ...docverbs.queues import BridgeWait, DequeueVerb, SimQueue
from .prompts import pause, say_or_play

if TYPE_CHECKING:
    from ..verbs.parse import Verb
    from .interpreter import Interpreter

HOLD = 3600.0  # silence while waiting without a waitHook (cut short by a dequeue)
FOREVER = 24 * 3600.0
WAIT_VERBS = ("say", "play", "pause", "leave", "tag")


def queue_for(interp: Interpreter, name: str) -> SimQueue:
    queues = interp.japp.queues
    if name not in queues:
        queues[name] = SimQueue(f"queue:{interp.japp.account_sid}:{name}", name)
    return queues[name]


def enqueue(interp: Interpreter, verb: Verb) -> list | None:
    leg, clock = interp.leg, interp.carrier.clock
    if not leg.answered:
        leg.answer()
    queue = queue_for(interp, verb.get("name"))
    start = clock.now
    member = queue.join(leg, start)
    result = "hangup"
    while not interp.over and member.state == "waiting":
        hook = verb.get("waitHook")
        verbs = None
        if hook:
            payload = interp.info() | {
                "queue_sid": queue.sid,
                "queue_time": round(clock.now - start),
                "queue_size": len(queue.members),
                "queue_position": max(queue.position(member) - 1, 0),
            }
            verbs = interp.ask(hook, payload, "waitHook")
        if not verbs:
            interp.perform(PlayVerb([Item("pause", seconds=HOLD)]))
            continue
        for wait_verb in verbs:
            if interp.over or member.state != "waiting":
                break
            if wait_verb.name == "leave":
                queue.leave(member, "left")
                result = "leave"
                break
            if wait_verb.name not in WAIT_VERBS:
                interp.warn(f"waitHook: jambonz allows only {', '.join(WAIT_VERBS)}; "
                            f"{wait_verb.name} skipped")  # fmt: skip
            elif wait_verb.name == "pause":
                pause(interp, wait_verb)
            elif wait_verb.name == "tag":
                interp.v_tag(wait_verb)
            else:
                say_or_play(interp, wait_verb)
    if member.state == "bridged" and not interp.over:
        interp.perform(BridgeWait(member))
        result = "bridged"
    elif member.state == "bridged":
        result = "bridged"
    if member.state == "waiting":
        queue.leave(member, "hungup")
    hook = verb.get("actionHook")
    if not hook or interp.over:
        return None
    payload = interp.info() | {
        "queue_sid": queue.sid,
        "queue_time": round(clock.now - start),
        "queue_result": result,
    }
    return interp.ask(hook, payload, "actionHook:enqueue")


def dequeue(interp: Interpreter, verb: Verb) -> list | None:
    queue = queue_for(interp, verb.get("name"))
    timeout = float(verb.get("timeout", 0) or 0) or FOREVER
    out: Any = interp.perform(DequeueVerb(queue, timeout))
    result = {"answered": "complete", "no-answer": "timeout"}.get(out.kind, "hangup")
    hook = verb.get("actionHook")
    if not hook or interp.over:
        return None
    return interp.ask(hook, interp.info() | {"dequeue_result": result}, "actionHook:dequeue")
