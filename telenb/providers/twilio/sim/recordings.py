"""Recordings at URLs an app can fetch: a small loopback HTTP server, started on first use.

``RecordingUrl`` is ``http://127.0.0.1:PORT/<key>/2010-04-01/Accounts/AC…/Recordings/RE…``:
Twilio's path behind a key, an HMAC of the recording with a secret of this process, so that
only whoever was handed the URL (the app the webhook went to) can fetch the recording; the
SIDs alone, which follow from the carrier's seed, are not enough.  GET it for WAV audio
(``.wav`` or no extension), ``.json`` for the metadata.  In text fidelity the audio is
silence of the recording's length and the words are only in the JSON; in audio fidelity it
is the recorded audio.  The server (waitress, with small limits) is shared by every carrier
in the process, binds only to 127.0.0.1 and answers only loopback clients.  For
byte-identical traces across processes set ``TELENB_RECORDINGS_PORT`` to a fixed port and
``TELENB_RECORDINGS_SECRET`` to a fixed secret (within one process they are identical
anyway).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import ipaddress
import json
import os
import secrets
import threading
import wave
import weakref
from collections.abc import Callable
from typing import Any

from ...webhooks.serving import RunningServer
from ..account import API_VERSION

_lock = threading.Lock()
_server: Any = None  # serving.RunningServer, once started
_secret = (os.environ.get("TELENB_RECORDINGS_SECRET") or "").encode() or secrets.token_bytes(32)
# (account SID, recording SID) -> recording, for as long as its carrier keeps it
_published: weakref.WeakValueDictionary[tuple[str, str], Any] = weakref.WeakValueDictionary()
LIMITS = {
    "threads": 2,
    "connection_limit": 50,
    "max_request_header_size": 8 * 1024,
    "max_request_body_size": 1024,  # only GETs are served
    "ident": "telenb-recordings",
}


def base_url() -> str:
    """The recordings server's origin (starting it if needed)."""
    global _server
    with _lock:
        if _server is None:
            port = int(os.environ.get("TELENB_RECORDINGS_PORT", "0") or 0)
            _server = RunningServer(app, "127.0.0.1", port, name="telenb-recordings", limits=LIMITS)
        host, port = _server.address
    return f"http://{host}:{port}"


def stop_server() -> None:
    """Stop the recordings server (the next `base_url()` starts a new one, on a new port)."""
    global _server
    with _lock:
        server, _server = _server, None
    if server is not None:
        server.stop()


def recording_path(account_sid: str, rec_sid: str) -> str:
    """Twilio's path for a recording (the public REST API's; here it needs `key()` before)."""
    return f"/{API_VERSION}/Accounts/{account_sid}/Recordings/{rec_sid}"


def key(account_sid: str, rec_sid: str) -> str:
    """The unguessable part of a recording's URL (22 characters, 128 bits)."""
    mac = hmac.new(_secret, f"{account_sid}/{rec_sid}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def publish(account: Any, rec: Any) -> str:
    """Make `rec` fetchable; returns its RecordingUrl."""
    _published[(account.account_sid, rec.sid)] = rec
    path = recording_path(account.account_sid, rec.sid)
    url = f"{base_url()}/{key(account.account_sid, rec.sid)}{path}"
    rec.meta.setdefault("twilio_url", url)
    return url


def known_urls(account: Any) -> dict[str, float]:
    """RecordingUrl -> duration, for <Play> of a recording (its real length)."""
    out: dict[str, float] = {}
    for rec in account.carrier.recordings:
        url = rec.meta.get("twilio_url")
        if url:
            out[url] = rec.duration
            for ext in (".wav", ".mp3"):
                out[url + ext] = rec.duration
    return out


SOURCES = {"record": "RecordVerb", "conference": "Conference", "api": "StartCallRecordingAPI"}


def recording_params(
    account: Any, rec: Any, url: str, *, trimmed: bool = False
) -> list[tuple[str, str]]:
    """The Recording* parameters Twilio sends about a finished recording."""
    return [
        ("RecordingChannels", str(rec.channels)),
        ("RecordingDuration", str(seconds(rec, trimmed))),
        ("RecordingSid", rec.sid),
        ("RecordingSource", SOURCES.get(rec.source, "DialVerb")),
        ("RecordingStartTime", account.rfc2822(rec.started_at) or ""),
        ("RecordingStatus", "completed"),
        ("RecordingUrl", url),
        ("ErrorCode", "0"),
    ]


def seconds(rec: Any, trimmed: bool = False) -> int:
    """Whole seconds, as Twilio reports them; with trim-silence, from first to last word."""
    duration = rec.duration
    if trimmed and rec.segments:
        first = min(s.start for s in rec.segments)
        last = max(s.start + s.duration for s in rec.segments)
        duration = last - first
    return max(1, round(duration)) if duration > 0 else 0


def wav_bytes(rec: Any) -> bytes:
    audio = getattr(rec, "audio", None)
    if audio is not None and hasattr(audio, "wav_bytes"):
        return audio.wav_bytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(rec.channels)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * rec.channels * int(8000 * rec.duration))
    return buffer.getvalue()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """The recordings server's WSGI app: GET of a published recording, from loopback only."""
    status, ctype, body = _answer(environ)
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]


NOT_FOUND = ("404 Not Found", "application/json", b'{"code": 20404, "status": 404}')


def _answer(environ: dict[str, Any]) -> tuple[str, str, bytes]:
    if not _loopback(environ.get("REMOTE_ADDR", "")):
        return "403 Forbidden", "text/plain", b"recordings are served to this machine only"
    if environ.get("REQUEST_METHOD") != "GET":
        return "405 Method Not Allowed", "text/plain", b"only GET"
    parts = environ.get("PATH_INFO", "").strip("/").split("/")
    if len(parts) != 6 or parts[1:3] != [API_VERSION, "Accounts"] or parts[4] != "Recordings":
        return NOT_FOUND
    given, account, (sid, _, ext) = parts[0], parts[3], parts[5].partition(".")
    if not hmac.compare_digest(given.encode(), key(account, sid).encode()):
        return NOT_FOUND
    rec = _published.get((account, sid))
    if rec is None:
        return NOT_FOUND
    if ext == "json":
        body = {
            "sid": rec.sid, "call_sid": rec.call_sid, "duration": str(seconds(rec)),
            "channels": rec.channels, "status": "completed", "transcript": rec.text,
        }  # fmt: skip
        return "200 OK", "application/json", json.dumps(body).encode()
    if ext in ("", "wav"):
        return "200 OK", "audio/x-wav", wav_bytes(rec)
    return "415 Unsupported Media Type", "text/plain", b"only .wav is available offline"


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
