"""Call queues: <Enqueue> puts a caller on hold, <Dial><Queue> connects the first one.

While a caller waits, its interpreter plays the waitUrl TwiML.  When an agent dials the
queue, the caller's current hold prompt is cut short, both legs are bridged, and each side's
TwiML continues after the bridge ends: the caller with <Enqueue>'s action (QueueResult
``bridged``), the agent with <Dial>'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...flow import verbs as V
from ...sim.ops import PENDING, Op

if TYPE_CHECKING:
    from ...sim.leg import Leg


@dataclass
class QueueMember:
    leg: Leg
    enqueued_at: float
    state: str = "waiting"  # waiting, bridged, left, hungup
    agent: Any = None  # the dequeuing leg


@dataclass
class SimQueue:
    sid: str
    name: str
    max_size: int = 100
    members: list[QueueMember] = field(default_factory=list)
    waiting_agents: list[Any] = field(default_factory=list)  # DequeueOps with nobody to take
    served: list[float] = field(default_factory=list)  # wait times of dequeued callers

    @property
    def average_wait(self) -> float:
        return sum(self.served) / len(self.served) if self.served else 0.0

    def join(self, leg: Leg, now: float) -> QueueMember:
        member = QueueMember(leg, now)
        self.members.append(member)
        leg.trace("queue", action="enqueue", queue=self.name, position=len(self.members))
        if self.waiting_agents:  # an agent is waiting: connect once this caller is on hold
            agent = self.waiting_agents.pop(0)
            leg.clock.schedule(0, lambda: agent.connect(self.take()))
        return member

    def position(self, member: QueueMember) -> int:
        return self.members.index(member) + 1 if member in self.members else 0

    def leave(self, member: QueueMember, state: str) -> None:
        if member in self.members:
            self.members.remove(member)
        member.state = state

    def take(self) -> QueueMember | None:
        return self.members[0] if self.members else None


@dataclass
class BridgeWait:
    """The enqueued caller's side once an agent dequeued it: talk until either hangs up."""

    member: QueueMember

    def sim_op(self, runner: Any) -> Op:
        return _BridgeWaitOp(runner, self)


class _BridgeWaitOp(Op):
    bridging = True

    def start(self) -> Any:
        self.leg.op = self
        return PENDING

    def bridge_ended(self, other: Any, by: str) -> None:
        self.finish(V.Done(detail={"bridged": True}))


@dataclass
class DequeueVerb:
    """<Dial><Queue>: take the first caller in `queue`, waiting up to `timeout` for one."""

    queue: SimQueue
    timeout: float
    member: QueueMember | None = None  # filled in

    def sim_op(self, runner: Any) -> Op:
        return DequeueOp(runner, self)


class DequeueOp(Op):
    bridging = True
    verb: DequeueVerb

    def start(self) -> Any:
        if not self.leg.answered:
            self.leg.answer()
        self.leg.op = self
        self.leg.trace("queue", action="dial", queue=self.verb.queue.name)
        member = self.verb.queue.take()
        if member is None:
            self.verb.queue.waiting_agents.append(self)
            self.after(self.verb.timeout, self._give_up)
            return PENDING
        self.connect(member)
        return PENDING

    def _give_up(self) -> None:
        if self in self.verb.queue.waiting_agents:
            self.verb.queue.waiting_agents.remove(self)
        self.finish(V.DialOutcome("no-answer"))

    def connect(self, member: QueueMember | None) -> None:
        if member is None or self.done:
            return
        queue, carrier = self.verb.queue, self.runner.carrier
        if self in queue.waiting_agents:
            queue.waiting_agents.remove(self)
        for t in self.timers:
            self.clock.cancel(t)
        now = self.clock.now
        queue.leave(member, "bridged")
        queue.served.append(now - member.enqueued_at)
        member.agent = self.leg
        self.verb.member = member
        caller = member.leg
        caller.trace("queue", action="dequeue", queue=queue.name, by=self.leg.sid)
        waiting_op = caller.op
        if waiting_op is not None:  # cut the hold prompt short; its flow goes to BridgeWait
            waiting_op.finish(V.Done(detail={"dequeued": True}))
        carrier.bridge(self.leg, caller)

    def bridge_ended(self, other: Any, by: str) -> None:
        self.finish(V.DialOutcome("answered", other.sid, other.duration, ended_by="callee"))

    def on_hangup(self) -> None:
        if self in self.verb.queue.waiting_agents:
            self.verb.queue.waiting_agents.remove(self)
        member = self.verb.member
        sid = member.leg.sid if member else None
        self.finish(V.DialOutcome("hangup", sid, ended_by="caller"))
