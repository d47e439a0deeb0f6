"""<Number url> (and <Client>/<Sip> url): the screening or whisper TwiML Twilio runs on the
callee's leg once it answers, before the two parties are connected.

The callee hears it (a <Gather> there takes the callee's keys, "press 1 to accept"); the
caller keeps waiting.  When the document runs to its end with the callee still on the line,
the calls are bridged; a <Hangup> in it (or the callee hanging up) declines the call, and the
caller's <Dial> ends with DialCallStatus=completed and DialBridged=false.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ....flow import verbs as V
from ....sim.runner import FlowRunner

if TYPE_CHECKING:
    from .interpreter import Interpreter

# what Twilio lets the url's TwiML do (it cannot <Dial> on, <Record> or <Enqueue>)
SCREEN_VERBS = ("Play", "Say", "Pause", "Gather", "Hangup", "Redirect")


@dataclass
class Screened:
    """The screening TwiML ended with the callee there: hand the leg back to the <Dial>."""

    dial_op: Any

    def sim_op(self, runner: Any) -> Any:
        return _Handback(runner, self.dial_op)


class _Handback:
    def __init__(self, runner: Any, dial_op: Any):
        self.runner, self.dial_op = runner, dial_op

    def start(self) -> Any:
        leg = self.runner.leg
        self.runner.leg, leg.runner, leg.op = None, None, None  # the flow no longer owns it
        self.dial_op.screened(leg)
        return V.Done()


def screener(interp: Interpreter) -> Any:
    """A `DialVerb.screen` for this call: runs (url, method) on the answered callee's leg."""

    def screen(child: Any, where: tuple[str, str], dial_op: Any) -> None:
        url, method = where
        app = type(interp.app)(interp.account, url, method=method, name="twiml:screen")
        app.allowed = SCREEN_VERBS
        app.on_end = lambda callee: callee.perform(Screened(dial_op))
        runner = FlowRunner(interp.carrier, child, app, "twiml:screen")
        interp.carrier.runners.append(runner)
        runner.start()

    return screen
