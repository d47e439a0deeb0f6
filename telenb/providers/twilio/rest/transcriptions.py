"""Transcriptions, offline: what `<Record transcribe>` produced, as Twilio lists them.

`/Transcriptions.json` (every transcription of the account, newest first),
`/Transcriptions/{Sid}.json` (fetch, delete) and the same under
`/Recordings/{RecordingSid}/Transcriptions`.  A transcription is ``in-progress`` from the end
of its recording until the text is ready (sim/transcriptions.py), then ``completed`` or
``failed``; the carrier has no transcription prices, so `price` stays null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..account import API_VERSION, SimAccount
from ..sim.transcriptions import Transcription
from .resources import base, not_found, page

if TYPE_CHECKING:
    from .offline import OfflineHttpClient


def transcription_json(acct: SimAccount, item: Transcription) -> dict[str, Any]:
    return {
        "account_sid": acct.account_sid,
        "api_version": API_VERSION,
        "date_created": acct.rfc2822(item.created),
        "date_updated": acct.rfc2822(item.updated if item.updated is not None else item.created),
        "duration": str(max(1, round(item.duration)) if item.duration > 0 else 0),
        "price": None,
        "price_unit": "USD",
        "recording_sid": item.recording_sid,
        "sid": item.sid,
        "status": item.status,
        "transcription_text": item.text,
        "type": "fast",
        "uri": f"{base(acct.account_sid)}/Transcriptions/{item.sid}.json",
    }


def transcriptions(
    client: OfflineHttpClient,
    method: str,
    rest: list[str],
    query: dict[str, str],
    path: str,
    *,
    recording_sid: str | None = None,
) -> tuple[int, Any]:
    """The Transcriptions list and instances, optionally those of one recording."""
    acct = client.account
    items = [
        t
        for t in acct.transcriptions
        if t.sid not in acct.deleted and (recording_sid is None or t.recording_sid == recording_sid)
    ]
    if not rest:
        if method != "GET":
            raise not_found(path)
        rows = [transcription_json(acct, t) for t in items[::-1]]
        return 200, page("transcriptions", rows, path, query)
    item = next((t for t in items if t.sid == rest[0]), None)
    if item is None or len(rest) > 1:
        raise not_found(path)
    if method == "GET":
        return 200, transcription_json(acct, item)
    if method == "DELETE":
        acct.deleted.add(item.sid)
        return 204, None
    raise not_found(path)
