"""What the webhook server does with a request before it trusts it, and what it keeps after.

Shared by every vendor's live backend.  A request is hostile until its signature (Twilio's
X-Twilio-Signature, Plivo's V3 HMAC, Vonage's JWT, Telnyx's Ed25519) checks out, and the
signature covers the body, so the body has to be read first: `read_body` reads at most
`MAX_BODY` bytes and refuses (400/413, never a traceback) a bad ``Content-Length`` or a short
body; `parse_form` refuses a form that is not UTF-8.  `clean` makes any value safe to log
(control characters escaped, so CR/LF cannot start a forged log line; long values cut).
`Refusals` keeps the last few refused requests, cut short, so a flood of them costs a fixed
amount of memory.  `Replies` makes webhooks idempotent per call (see its docstring).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any
from urllib.parse import parse_qsl

MAX_BODY = 64 * 1024  # webhook forms and JSON events are a few KiB
MAX_FIELDS = 500
_LENGTH = re.compile(r"[0-9]{1,12}")
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


class Refused(Exception):
    """A request refused before it reached a flow: an HTTP status line and a plain reason."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def read_body(environ: dict[str, Any], limit: int = MAX_BODY) -> bytes:
    """The raw body of a WSGI request, reading no more than `limit` bytes."""
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    if raw and not _LENGTH.fullmatch(raw):
        raise Refused("400 Bad Request", "Content-Length must be a whole number of bytes")
    size = int(raw or 0)
    if size > limit:
        raise Refused("413 Content Too Large", f"a webhook body is at most {limit} bytes")
    body = environ["wsgi.input"].read(size) if size else b""
    if len(body) != size:
        raise Refused("400 Bad Request", "the body is shorter than its Content-Length")
    return body


def parse_form(body: bytes) -> dict[str, str]:
    """A form body as a dict (strict UTF-8, at most `MAX_FIELDS` fields), or `Refused`."""
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, errors="strict",
            max_num_fields=MAX_FIELDS,
        )  # fmt: skip
    except UnicodeDecodeError:
        raise Refused("400 Bad Request", "the form is not UTF-8 (vendors send UTF-8)") from None
    except ValueError:
        raise Refused("400 Bad Request", f"more than {MAX_FIELDS} form fields") from None
    return dict(pairs)


def read_form(environ: dict[str, Any], limit: int = MAX_BODY) -> dict[str, str]:
    """The POST form of a WSGI request, reading no more than `limit` bytes of body."""
    return parse_form(read_body(environ, limit))


def clean(value: Any, limit: int = 200) -> str:
    """`value` as one safe line for a log or a record: control characters escaped, at most
    `limit` characters (before escaping) kept."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = f"{text[:limit]}...(+{len(text) - limit} chars)"
    return text.translate(_ESCAPES)


class Refusals:
    """The last `keep` refused requests, each field cut to a few hundred characters."""

    def __init__(self, keep: int = 100):
        self._kept: deque[dict[str, str]] = deque(maxlen=keep)
        self.total = 0

    def add(self, **fields: Any) -> dict[str, str]:
        entry = {k: clean(v) for k, v in fields.items()}
        self._kept.append(entry)
        self.total += 1
        return entry

    def __iter__(self) -> Iterator[dict[str, str]]:
        return iter(list(self._kept))

    def __len__(self) -> int:
        return len(self._kept)

    def __getitem__(self, i: int) -> dict[str, str]:
        return self._kept[i]

    def __repr__(self) -> str:
        return f"<Refusals {len(self)} kept of {self.total}>"


class Replies:
    """Each call's webhook answers, so a repeated webhook is answered idempotently.

    Twilio sends a webhook again when it failed to connect, and, with the URL's connection
    overrides (``#rc=`` retries, ``#rp=`` which failures, such as a read timeout), when the
    answer was slow; anyone who captured a signed request can replay it too, since a signature
    never expires.  Running
    the flow again would repeat its side effects (one call sent three SMS), and refusing the
    retry would hang up a caller whose first answer was merely slow.  So the first request for
    a (CallSid, URL) starts the work and every repeat, before or after it finishes, waits on
    the same future and gets the same TwiML.  `/status` callbacks are not kept here: they are
    idempotent by nature and share one URL.  The `calls` most recent calls are remembered
    (their ``/voice`` or ``/answer`` answer and the last `per_call` others), so memory stays
    bounded.
    """

    def __init__(self, calls: int = 1024, per_call: int = 4):
        self._lock = threading.RLock()
        self._calls: OrderedDict[str, tuple[dict[str, Future], OrderedDict[str, Future]]] = (
            OrderedDict()
        )
        self.calls_kept = calls
        self.per_call = per_call

    def answer(self, sid: str, url: str, start: Callable[[], Future]) -> tuple[Future, bool]:
        """The future answering `url` for call `sid`: the first one's, or `start()`'s now.
        Returns (future, repeated)."""
        with self._lock:
            first, recent = self._entry(sid)
            kept = first.get(url) or recent.get(url)
            if kept is not None:
                return kept, True
            future = start()
            if url.startswith(("/voice", "/answer")):
                first[url] = future
            else:
                recent[url] = future
                while len(recent) > self.per_call:
                    recent.popitem(last=False)
            return future, False

    def _entry(self, sid: str) -> tuple[dict[str, Future], OrderedDict[str, Future]]:
        entry = self._calls.get(sid)
        if entry is None:
            entry = self._calls[sid] = ({}, OrderedDict())
            while len(self._calls) > self.calls_kept:
                self._calls.popitem(last=False)
        else:
            self._calls.move_to_end(sid)
        return entry
