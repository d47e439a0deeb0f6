"""The kernel <-> SIP worker message protocol: one JSON object per line.

Kept separate from the worker so the kernel never imports pjsua2: a dead or misbehaving
worker can only send bad lines, which `decode` turns into `ProtocolError`, never a crash.
Audio crosses as WAV files (16-bit, 8 kHz) named by path: the kernel synthesises and
quantises them with telenb's own G.711, the worker streams them as 20 ms RTP frames.
"""

from __future__ import annotations

import json
from typing import Any

MAX_LINE = 64 * 1024  # a line longer than this is refused, not parsed

# commands the kernel sends, and the fields each one requires
COMMANDS: dict[str, tuple[str, ...]] = {
    "listen": ("host", "port"),
    "answer": ("call",),
    "reject": ("call", "code"),
    "hangup": ("call",),
    "play": ("call", "path"),  # stream a WAV file to the caller; "played" when it ends
    "stop_play": ("call",),  # barge-in: cut the prompt now ("played" follows)
    "record": ("call", "path"),  # write what the caller sends to a WAV file
    "stop_record": ("call",),  # close that file ("recorded" follows)
    # the whole-call recording: the caller's audio and the flow's prompts, each to a WAV file
    # until the call ends ("recorded" follows for each)
    "tap": ("call", "caller", "flow"),
    "send_dtmf": ("call", "digits"),  # RFC 4733 telephone-events to the peer
    "send_message": ("call", "ref", "text"),  # an in-dialog SIP MESSAGE (RFC 3428), text/plain
    "bridge": ("call", "other"),  # connect two answered calls' audio both ways (B2BUA)
    "unbridge": ("call",),  # take a call's audio out of its bridge again
    "refer": ("call", "uri"),  # blind transfer by REFER (RFC 3515); "refer_status" follows
    "call": ("uri", "ref"),  # place a call (optional "headers": X- fields); "calling" names it
    # REGISTER `aor` at `registrar` (RFC 3261 digest); the password crosses only this pipe
    "register": ("ref", "aor", "registrar", "username", "password", "expires"),
    "unregister": ("ref",),  # REGISTER with Expires: 0, then drop the account
    "quit": (),
}
# events the worker sends, and the fields each one requires
EVENTS: dict[str, tuple[str, ...]] = {
    "ready": ("port",),
    "incoming": ("call", "from", "to"),  # with "headers": the INVITE's header fields
    "calling": ("ref", "call"),
    "state": ("call", "state"),
    "media": ("call", "codec"),  # the audio stream is up, with the negotiated codec
    "dtmf": ("call", "digit"),
    "played": ("call",),
    "recorded": ("call", "path"),
    "tapped": ("call", "path"),  # one file of the call recording (`tap`) is whole
    "message": ("call", "text"),  # a SIP MESSAGE the peer sent in the call's dialog
    "message_status": ("call", "ref", "code"),  # the final response to our MESSAGE
    "sip": ("callid", "dir", "line"),  # a SIP message the worker sent ("out") or received
    "rtp": ("call",),  # the audio stream's counters when the call ended (packets, loss, jitter)
    "refer_status": ("call", "code", "final"),  # the REFER's answer, then each NOTIFY's
    "media_timeout": ("call", "seconds"),  # no RTP for that long: the worker hangs up
    "registration": ("ref", "code", "active"),  # each REGISTER's final answer (or timeout)
    "error": ("message",),
}
REJECT_CODES = frozenset({404, 486, 603})


class ProtocolError(ValueError):
    """A line that is not a well-formed message of the protocol."""


def encode(kind: str, **fields: Any) -> bytes:
    """One message as a newline-terminated JSON line."""
    _check(kind, fields)
    line = json.dumps({"type": kind, **fields}, separators=(",", ":"), sort_keys=True)
    return line.encode("utf-8") + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    """Parse one line; raise `ProtocolError` for anything that is not a known message."""
    if len(line) > MAX_LINE:
        raise ProtocolError(f"line of {len(line)} bytes exceeds {MAX_LINE}")
    try:
        msg = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"not a JSON line: {exc}") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        raise ProtocolError("a message is a JSON object with a string 'type'")
    kind = msg.pop("type")
    _check(kind, msg)
    msg["type"] = kind
    return msg


def _check(kind: str, fields: dict[str, Any]) -> None:
    required = COMMANDS.get(kind, EVENTS.get(kind))
    if required is None:
        raise ProtocolError(f"unknown message type {kind!r}")
    missing = [f for f in required if f not in fields]
    if missing:
        raise ProtocolError(f"{kind!r} needs {missing}")
    if kind == "reject" and fields["code"] not in REJECT_CODES:
        raise ProtocolError(f"reject code {fields['code']!r} not in {sorted(REJECT_CODES)}")
