"""Media on a message (MMS): what a message carries besides its text.

Each item has its own SID (ME...), URL and content type, as Twilio's Media subresource
lists them.  The content type is told by the sender or guessed from the URL's extension
(offline, nothing is fetched).  Twilio's limits: at most 10 media per message (21623), and
an MMS is billed as one message whatever the length of its text (`telenb.sms.pricing`).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import MessageError

MAX_MEDIA = 10
DEFAULT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class MediaItem:
    sid: str
    url: str
    content_type: str
    created: float


def content_type(url: str) -> str:
    """The content type a URL's extension names (image/jpeg for .jpg), or a generic one."""
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed or DEFAULT_TYPE


def check_media(media: Iterable[str | tuple[str, str]] | None) -> list[tuple[str, str]]:
    """(url, content type) pairs from URLs or pairs; MessageError for bad or too many."""
    out: list[tuple[str, str]] = []
    for item in media or ():
        url, ctype = item if isinstance(item, tuple) else (item, content_type(item))
        if urlsplit(url).scheme not in ("http", "https"):
            raise MessageError(f"The media URL {url!r} is not an http(s) URL", code=21620)
        out.append((url, ctype))
    if len(out) > MAX_MEDIA:
        raise MessageError(
            f"A message carries at most {MAX_MEDIA} media, not {len(out)}", code=21623
        )
    return out
