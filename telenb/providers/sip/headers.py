"""SIP header fields: read from a received INVITE, checked before they go on one we send.

Tropo's `currentCall.headers` (and `getHeader(name)`) give a flow the header fields of the
INVITE that started its call, `From` and `Via` as well as custom `X-` ones; telenb's `Call`
exposes the same as `call.headers` / `call.get_header(name)`.  Tropo's "SIP Headers -
Retrieving & Sending" lists standard fields as written (`Via`, `Content-Length`) and custom
ones downcased (`x-test-header` for `X-Test-Header`); `flow_view` does the same.  Outbound,
only custom `X-` fields may be added (the dialog's own fields are the stack's), each checked
so a value can never smuggle a line break, and so a second header, into the request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...errors import ConfigurationError

# RFC 3261 7.3.3: the compact forms, read as their full names
COMPACT = {
    "i": "Call-ID", "m": "Contact", "e": "Content-Encoding", "l": "Content-Length",
    "c": "Content-Type", "f": "From", "s": "Subject", "k": "Supported", "t": "To", "v": "Via",
}  # fmt: skip
TOKEN = re.compile(r"[A-Za-z0-9.!%*_+`'~-]+")  # RFC 3261 25.1 token: a header field's name
MAX_FIELDS = 64  # more than a sane INVITE carries; the rest are dropped
MAX_VALUE = 1024  # longer values are refused outbound, cut inbound


def parse_headers(message: str) -> dict[str, str]:
    """The header fields of a SIP message's text (RFC 3261 7.3), names as the sender wrote
    them (compact forms expanded); a repeated field's values joined with ", " (7.3.1)."""
    head = message.replace("\r\n", "\n").split("\n\n", 1)[0].split("\n")[1:]
    found: dict[str, str] = {}
    lower: dict[str, str] = {}
    last: str | None = None
    for line in head:
        if line[:1] in (" ", "\t") and last is not None:  # a folded continuation line
            found[last] = f"{found[last]} {line.strip()}"[:MAX_VALUE]
            continue
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not TOKEN.fullmatch(name):
            last = None
            continue
        name = COMPACT.get(name.lower(), name) if len(name) == 1 else name
        key = lower.setdefault(name.lower(), name)
        if key in found:
            found[key] = f"{found[key]}, {value.strip()}"[:MAX_VALUE]
        elif len(found) < MAX_FIELDS:
            found[key] = value.strip()[:MAX_VALUE]
        last = key if key in found else None
    return found


def flow_view(headers: Mapping[str, str]) -> dict[str, str]:
    """Header fields as Tropo shows them to a script: custom `x-` names downcased."""
    return {(k.lower() if k.lower().startswith("x-") else k): v for k, v in headers.items()}


def outbound_headers(headers: Mapping[str, object] | None) -> dict[str, str]:
    """Custom header fields for an INVITE we send, or `ConfigurationError` saying why not."""
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if (
            not isinstance(name, str)
            or not TOKEN.fullmatch(name)
            or not name.lower().startswith("x-")
        ):
            raise ConfigurationError(
                f"headers= takes custom SIP header fields named X-something "
                f"(RFC 3261 token characters), not {name!r}"
            )  # fmt: skip
        text = str(value)
        if any(c in text for c in "\r\n\0") or len(text) > MAX_VALUE:
            raise ConfigurationError(
                f"the value of header {name} must be one line of at most {MAX_VALUE} characters"
            )
        checked[name] = text
    if len(checked) > MAX_FIELDS:
        raise ConfigurationError(f"at most {MAX_FIELDS} custom headers on one INVITE")
    return checked
