"""A simulated person texting: a script of replies, or a function that answers each message.

    carrier.text("+15550100", "I want a dress", texter=Texter("text: red; wait: 30s; text: thanks"))

The script language (steps separated by ';' or new lines, like a caller script):

  ``text: red``     reply "red" to the next message you get (``reaction`` seconds after it
                    arrives; several messages arriving together get one reply, after the last)
  ``send: hello``   text "hello" now, without waiting for a message
  ``wait: 30s``     pause before the next step (counted from the previous step)
  ``silence``       read the next message and do not answer it (its question times out)

Replies go to whoever texted you last (at first: the number you texted).  When the steps run
out the person stops texting.  A function instead of a script gets each message's body and
returns the reply text, or None to stay quiet.  A texter sends at most `limit` messages (a
reactive texter and a flow could otherwise text each other forever).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from .parties import fresh_copy, parse_duration, script_items

if TYPE_CHECKING:
    from .messaging import Message, SmsNetwork

REACTION = 3.0  # seconds to read a message and type the reply


@dataclass(frozen=True, slots=True)
class TextStep:
    kind: str  # text, send, wait, silence
    text: str = ""
    seconds: float = 0.0


def parse_texter_script(script: str) -> list[TextStep]:
    """Parse the texter script language; errors name the step and say what is expected."""
    steps: list[TextStep] = []
    for verb, arg, where in script_items(script, "texter"):
        if verb in ("text", "send"):
            if not arg:
                raise ConfigurationError(f"'{verb}:' needs the words to text{where}")
            steps.append(TextStep(verb, arg))
        elif verb in ("wait", "pause") and arg:
            steps.append(TextStep("wait", seconds=parse_duration(arg, where)))
        elif verb in ("silence", "ignore") and not arg:
            steps.append(TextStep("silence"))
        else:
            raise ConfigurationError(
                f"unknown step{where}; texter steps are text: WORDS, send: WORDS, wait: 30s, "
                "silence"
            )
    return steps


class Texter:
    """A person with a phone that texts (default number +15550199, like `Caller`)."""

    default_number = "+15550199"

    def __init__(
        self,
        script: str | Callable[[str], str | None] | None = None,
        *,
        number: str | None = None,
        reaction: float = REACTION,
        name: str | None = None,
        limit: int = 100,
    ):
        if reaction < 0:
            raise ConfigurationError("reaction must be zero or more seconds")
        if limit < 1:
            raise ConfigurationError("limit must be at least 1 message")
        self.limit = int(limit)
        self.react: Callable[[str], str | None] | None = None
        if callable(script):
            self.react, script = script, None
        self.script = script or ""
        self.steps = parse_texter_script(self.script)
        self.number = number or self.default_number
        self.reaction = float(reaction)
        self.name = name
        self._reset()

    def _reset(self) -> None:
        self.network: SmsNetwork | None = None
        self.peer: str | None = None
        self.received: list[Message] = []
        self.sent: list[Message] = []
        self._i = 0
        self._t = 0.0
        self._unread: list[Message] = []
        self._arrived = 0.0
        self._timer: Any = None
        self._pending = 0

    def copy(self) -> Texter:
        """A fresh texter with the same settings (texters keep per-conversation state)."""
        return fresh_copy(self)

    def __repr__(self) -> str:
        what = repr(self.script) if self.script else ("reactive" if self.react else "silent")
        return f"Texter({what}, number={self.number!r})"

    @property
    def idle(self) -> bool:
        """Nothing scheduled: the texter waits for a message or has run out of steps."""
        return self._pending == 0

    # -- wiring (called by the carrier) ---------------------------------------------------------
    def _network(self) -> SmsNetwork:
        if self.network is None:
            raise ConfigurationError(
                "this texter is in no conversation yet: pass it to carrier.text()"
            )
        return self.network

    def attach(self, network: SmsNetwork, number: str, peer: str) -> None:
        self.network, self.number, self.peer = network, number, peer
        self._t = network.carrier.clock.now

    def start(self) -> None:
        """Begin the script (its first `send:` or `wait:` steps need no message)."""
        self._advance()

    def on_message(self, msg: Message) -> None:
        """A message reached this person's phone."""
        now = self._network().carrier.clock.now
        self.received.append(msg)
        self.peer = msg.from_
        self._arrived = now
        if self.react is not None:
            reply = self.react(msg.body)
            if reply:
                self._later(now + self.reaction, self._send, str(reply), msg.from_)
            return
        self._unread.append(msg)
        self._advance()

    # -- the script timeline --------------------------------------------------------------------
    def _advance(self) -> None:
        clock = self._network().carrier.clock
        now = clock.now
        if self._timer is not None and self._timer[2] is not None:
            clock.cancel(self._timer)
            self._pending -= 1
        self._timer = None
        while self._i < len(self.steps):
            step = self.steps[self._i]
            if step.kind == "wait":
                self._i += 1
                self._t = max(self._t, now) + step.seconds
                continue
            due = max(self._t, now)
            if step.kind in ("text", "silence"):
                if not self._unread:
                    return  # wait for a message
                due = max(due, self._arrived + self.reaction)
            if due > now:
                self._timer = self._later(due, self._advance)
                return
            self._i += 1
            self._t = now
            if step.kind == "silence":
                self._unread.clear()
            elif step.kind == "text":
                to = self._unread[-1].from_
                self._unread.clear()
                self._send(step.text, to)
            else:
                self._send(step.text, self.peer)

    def _later(self, when: float, fn: Callable[..., Any], *args: Any) -> list:
        self._pending += 1
        return self._network().carrier.clock.at(when, self._fire, fn, args)

    def _fire(self, fn: Callable[..., Any], args: tuple) -> None:
        self._pending -= 1
        if fn == self._advance:
            self._timer = None
        fn(*args)

    def _send(self, body: str, to: str | None) -> None:
        if to is None:
            raise ConfigurationError("the texter has nobody to text yet")
        if len(self.sent) >= self.limit:
            return  # stop: see `limit`
        self.sent.append(self._network().receive(body, to=to, from_=self.number))
