"""The SIP messages of one call, as pjsip logged them, and the ladder diagram they draw.

The worker turns pjsip's message log ("TX 812 bytes Request msg INVITE/cseq=1 ...", then the
message) into "sip" events; the kernel keeps them per call, keyed by Call-ID, so that
`result.ladder()` shows the exchange a SIP engineer would draw: INVITE, 100, 180, 200, ACK,
BYE, 200, with who sent what and when.  Nothing here imports pjsua2.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_HEAD = re.compile(r"^(RX|TX) \d+ bytes (?:Request|Response) msg ")
_CALL_ID = re.compile(r"^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
_CSEQ = re.compile(r"^CSeq[ \t]*:[ \t]*(\d+[ \t]+\S+)", re.IGNORECASE | re.MULTILINE)
WIDTH = 34  # characters between the two lifelines


def sip_message(log_text: str) -> dict[str, str] | None:
    """The fields of one logged SIP message (direction, start line, Call-ID, CSeq), or None
    for any other log line."""
    first, _, rest = log_text.lstrip().partition("\n")
    head = _HEAD.match(first)
    if head is None:
        return None
    start = rest.lstrip("\r\n").split("\n", 1)[0].strip()
    call_id, cseq = _CALL_ID.search(rest), _CSEQ.search(rest)
    if not start or call_id is None:
        return None
    return {
        "dir": "in" if head.group(1) == "RX" else "out",
        "line": start,
        "callid": call_id.group(1),
        "cseq": " ".join(cseq.group(1).split()) if cseq else "",
    }


@dataclass(frozen=True)
class SipMessage:
    """One SIP message of a call: when (seconds from the call's start), which way, what."""

    at: float
    dir: str  # "out": telenb sent it; "in": the peer did
    line: str  # the start line: "INVITE sip:shop@127.0.0.1:5070 SIP/2.0", "SIP/2.0 180 Ringing"
    cseq: str

    @property
    def label(self) -> str:
        """`INVITE` for a request, `180 Ringing` for a response."""
        if self.line.startswith("SIP/2.0 "):
            return self.line[len("SIP/2.0 ") :]
        return self.line.split(" ", 1)[0]


class Ladder:
    """A call's SIP ladder: telenb's lifeline on the left, the peer's on the right."""

    def __init__(
        self, messages: list[SipMessage], peer: str, *, times: bool = True, trying: bool = True
    ):
        # 100 Trying is optional (RFC 3261 8.2.6.1: a UAS that answers within 200 ms need not
        # send it), so whether it appears depends on timing; trying=False leaves it out
        self.messages = [m for m in messages if trying or m.label != "100 Trying"]
        self.peer = peer
        self.times = times

    def rows(self) -> list[str]:
        stamp = "         " if self.times else ""
        rows = [f"{stamp}{'telenb':<{WIDTH + 2}}{self.peer}"]
        for m in self.messages:
            label = f" {m.label} "
            if m.dir == "out":
                arrow = "|" + label.center(WIDTH - 1, "-") + ">|"
            else:
                arrow = "|<" + label.center(WIDTH - 1, "-") + "|"
            method = m.cseq.rpartition(" ")[2]  # which request a response answers
            cseq = f"  ({method})" if method and method != m.label else ""
            rows.append((f"{m.at:8.3f} " if self.times else "") + arrow + cseq)
        return rows

    def __repr__(self) -> str:
        return "\n".join(self.rows())

    def _repr_html_(self) -> str:
        return f"<pre class='telenb-ladder'>{html.escape(repr(self))}</pre>"
