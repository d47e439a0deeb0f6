"""What `carrier.text()` returns: the conversation's messages, text sessions and trace."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from .messagelog import MessageLog
from .threads import Thread
from .trace import TraceQuestions, error_note_html, timeline_html

if TYPE_CHECKING:
    from .carrier import Carrier
    from .textchannel import TextSession
    from .texter import Texter
    from .trace import Trace


class TextResult(TraceQuestions):
    """A texted conversation (what `carrier.text()` returns): messages, sessions, trace."""

    def __init__(
        self, carrier: Carrier, person: str, number: str, start: int, texter: Texter | None
    ):
        self.carrier = carrier
        self.person, self.number = person, number
        self.texter = texter
        self._start = start
        self._end: int | None = None  # set once done: later texts are another conversation

    @property
    def messages(self) -> MessageLog:
        """The messages between the two numbers, and any others its sessions sent."""
        sids = {s.sid for s in self.sessions}
        pair = {self.person, self.number}
        return MessageLog(
            m
            for m in self.carrier.messages[self._start : self._end]
            if {m.from_, m.to} == pair or m.session_sid in sids
        )

    @property
    def sessions(self) -> list[TextSession]:
        """The text sessions this conversation started (the first message of each is ours)."""
        sids = {m.sid for m in self.carrier.messages[self._start : self._end]}
        return [s for s in self.carrier.sms.sessions if s.sid in sids and s.from_ == self.person]

    @property
    def session(self) -> TextSession | None:
        """The first text session this conversation started (None: the number has no flow)."""
        sessions = self.sessions
        return sessions[0] if sessions else None

    @property
    def status(self) -> str | None:
        return self.session.status if self.session else None

    @property
    def done(self) -> bool:
        sessions_over = all(s.ended and s.runner.finished for s in self.sessions if s.runner)
        idle = self.texter is None or self.texter.idle
        done = sessions_over and idle and all(m.final for m in self.messages)
        if done and self._end is None:
            self._end = len(self.carrier.messages)
        return done

    @property
    def error(self) -> BaseException | None:
        for s in self.sessions:
            if s.runner is not None and s.runner.session.error is not None:
                return s.runner.session.error
        return None

    @property
    def thread(self) -> Thread:
        """The conversation as chat bubbles (messages to other numbers left out)."""
        return Thread(
            self.messages.between(self.person, self.number), self.person, self.number,
            ours=self.number,
        )  # fmt: skip

    @property
    def trace(self) -> Trace:
        sids = {s.sid for s in self.sessions} | {m.sid for m in self.messages}
        return self.carrier.trace.filter(sid=sids)

    def replies(self) -> list[str]:
        """The bodies the app texted back to the person, in order."""
        return [m.body for m in self.messages if (m.from_, m.to) == (self.number, self.person)]

    def header(self) -> str:
        sessions = self.sessions
        what = (
            ", ".join(f"session {s.sid[:8]} {s.status}" for s in sessions)
            if sessions
            else "no text session"
        )
        return f"Texts {self.person} -> {self.number}  ({what})"

    def __repr__(self) -> str:
        return f"{self.header()}\n{self.thread.text()}"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))

    def _repr_html_(self) -> str:
        note = error_note_html(self.error)
        return (
            f"<div class='telenb-text'><b>{html.escape(self.header())}</b>{note}"
            f"{self.thread._repr_html_()}<details><summary>trace</summary>"
            f"{timeline_html(self.trace)}</details></div>"
        )
