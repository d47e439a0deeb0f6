"""Recordings at URLs an app can fetch: a small loopback HTTP server, started on first use.

``RecordingUrl`` is ``http://127.0.0.1:PORT/2010-04-01/Accounts/AC…/Recordings/RE…``, the path
Twilio uses; GET it for WAV audio (``.wav`` or no extension), ``.json`` for the metadata.
In text fidelity the audio is silence of the recording's length (the words are in the
``X-Telenb-Transcript`` header and the JSON); in audio fidelity it is the recorded audio.
The server is shared by every carrier in the process and binds only to 127.0.0.1; set
``TELENB_RECORDINGS_PORT`` for a fixed port (for byte-identical traces across processes).
"""

from __future__ import annotations

import io
import json
import os
import threading
import wave
import weakref
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .account import API_VERSION

_lock = threading.Lock()
_server: ThreadingHTTPServer | None = None
# (account SID, recording SID) -> recording, for as long as its carrier keeps it
_published: weakref.WeakValueDictionary[tuple[str, str], Any] = weakref.WeakValueDictionary()


def base_url() -> str:
    """The recordings server's origin (starting it if needed)."""
    global _server
    with _lock:
        if _server is None:
            port = int(os.environ.get("TELENB_RECORDINGS_PORT", "0") or 0)
            _server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
            _server.daemon_threads = True
            thread = threading.Thread(
                target=_server.serve_forever, name="telenb-recordings", daemon=True
            )
            thread.start()
        host, port = _server.server_address[:2]
    return f"http://{host}:{port}"


def recording_path(account_sid: str, rec_sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}/Recordings/{rec_sid}"


def publish(account: Any, rec: Any) -> str:
    """Make `rec` fetchable; returns its RecordingUrl."""
    _published[(account.account_sid, rec.sid)] = rec
    url = base_url() + recording_path(account.account_sid, rec.sid)
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


def recording_params(
    account: Any, rec: Any, url: str, *, trimmed: bool = False
) -> list[tuple[str, str]]:
    """The Recording* parameters Twilio sends about a finished recording."""
    return [
        ("RecordingChannels", str(rec.channels)),
        ("RecordingDuration", str(seconds(rec, trimmed))),
        ("RecordingSid", rec.sid),
        ("RecordingSource", "RecordVerb" if rec.source == "record" else "DialVerb"),
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


class _Handler(BaseHTTPRequestHandler):
    server_version = "telenb-recordings"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) != 5 or parts[0] != API_VERSION or parts[3] != "Recordings":
            self._send(404, "text/plain", b"not found")
            return
        sid, _, ext = parts[4].partition(".")
        entry = _published.get((parts[2], sid))
        if entry is None:
            self._send(404, "application/json", b'{"code": 20404, "status": 404}')
            return
        rec = entry
        if ext == "json":
            body = {
                "sid": rec.sid, "call_sid": rec.call_sid, "duration": str(seconds(rec)),
                "channels": rec.channels, "status": "completed", "transcript": rec.text,
            }  # fmt: skip
            self._send(200, "application/json", json.dumps(body).encode())
        elif ext in ("", "wav"):
            text = " ".join(rec.text.split())[:500]
            self._send(200, "audio/x-wav", wav_bytes(rec), {"X-Telenb-Transcript": text})
        else:
            self._send(415, "text/plain", f"{ext} is not available offline; use .wav".encode())

    def _send(self, status: int, ctype: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v.encode("latin-1", "replace").decode("latin-1"))
        self.end_headers()
        self.wfile.write(body)
