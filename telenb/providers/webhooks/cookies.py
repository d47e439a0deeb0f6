"""HTTP cookies a webhook client keeps for an app, the way a browser keeps them for one user.

Vendors keep cookies between webhooks so that an app can hold a conversation in a session
(Twilio: per From/To pair for Messaging, for four hours; for the life of a call for Voice).
A `CookieJar` is one such scope.  It follows the parts of RFC 6265 that apps rely on:
host-only and Domain cookies, Path, Secure, Max-Age and Expires (deletion included), in the
simulator's virtual time: `now` is the clock's time, and an Expires date is read against
`epoch`, the wall-clock date of virtual time zero.  `lifetime` caps how long any cookie is
kept after it was set (the vendor's rule, whatever the app asks for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

BAD_CHARACTERS = frozenset("\t\r\n\v\f")  # a cookie carrying one is refused


@dataclass
class Cookie:
    name: str
    value: str
    domain: str  # lower-case host, without a leading dot
    host_only: bool
    path: str
    secure: bool
    expires: float | None  # virtual time; None: until the jar goes


class CookieJar:
    """Cookies for one scope (one conversation, one call)."""

    def __init__(self, lifetime: float | None = None, epoch: datetime | None = None) -> None:
        self.lifetime = lifetime
        self.epoch = epoch
        self._cookies: dict[tuple[str, str, str], Cookie] = {}

    def __len__(self) -> int:
        return len(self._cookies)

    def __repr__(self) -> str:
        return f"<CookieJar {sorted(c.name for c in self._cookies.values())}>"

    def values(self, now: float) -> dict[str, str]:
        """Name -> value of every live cookie (for display and tests)."""
        self._expire(now)
        return {c.name: c.value for c in self._cookies.values()}

    def header(self, url: str, now: float) -> str | None:
        """The Cookie header for a request to `url` (None when no cookie applies)."""
        self._expire(now)
        parts = urlsplit(url)
        host, path = (parts.hostname or "").lower(), parts.path or "/"
        secure = parts.scheme == "https"
        chosen = [
            c
            for c in self._cookies.values()
            if _domain_match(c, host) and _path_match(c.path, path) and (secure or not c.secure)
        ]
        chosen.sort(key=lambda c: -len(c.path))  # longer paths first (RFC 6265 5.4)
        return "; ".join(f"{c.name}={c.value}" for c in chosen) or None

    def update(self, url: str, set_cookies: list[str], now: float) -> list[str]:
        """Store the Set-Cookie headers of a response from `url`; returns why any was refused."""
        problems: list[str] = []
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        for line in set_cookies:
            cookie, why = self._parse(line, host, parts.path or "/", now)
            if cookie is None:
                problems.append(f"{why}: {line[:80]!r}")
                continue
            key = (cookie.domain, cookie.path, cookie.name)
            if cookie.expires is not None and cookie.expires <= now:
                self._cookies.pop(key, None)  # the app deleted it
            else:
                self._cookies[key] = cookie
        return problems

    def _expire(self, now: float) -> None:
        gone = [k for k, c in self._cookies.items() if c.expires is not None and c.expires <= now]
        for key in gone:
            del self._cookies[key]

    def _parse(self, line: str, host: str, path: str, now: float) -> tuple[Cookie | None, str]:
        first, *attrs = line.split(";")
        name, eq, value = first.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name:
            return None, "a cookie with no name"
        if any(ch in BAD_CHARACTERS for ch in line):
            return None, "a control character in a cookie"
        domain, host_only, cookie_path, secure = host, True, _default_path(path), False
        max_age: float | None = None
        expires: float | None = None
        for attr in attrs:
            key, _, val = attr.strip().partition("=")
            key, val = key.strip().lower(), val.strip()
            if key == "max-age" and val.lstrip("-").isdigit():
                max_age = float(val)
            elif key == "expires":
                expires = self._date(val)
            elif key == "domain" and val:
                wanted = val.lstrip(".").lower()
                if host != wanted and not host.endswith("." + wanted):
                    return None, f"Domain={val} does not cover {host}"
                domain, host_only = wanted, False
            elif key == "path" and val.startswith("/"):
                cookie_path = val
            elif key == "secure":
                secure = True
        if max_age is not None:  # Max-Age wins over Expires (RFC 6265 5.3 step 3)
            expires = now + max_age if max_age > 0 else now
        if self.lifetime is not None:
            cap = now + self.lifetime
            expires = cap if expires is None else min(expires, cap)
        return Cookie(name, value, domain, host_only, cookie_path, secure, expires), ""

    def _date(self, text: str) -> float | None:
        if self.epoch is None:
            return None
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return (when - self.epoch).total_seconds()


def _domain_match(cookie: Cookie, host: str) -> bool:
    if cookie.host_only:
        return host == cookie.domain
    return host == cookie.domain or host.endswith("." + cookie.domain)


def _path_match(cookie_path: str, path: str) -> bool:
    if path == cookie_path:
        return True
    if not path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or path[len(cookie_path)] == "/"


def _default_path(path: str) -> str:
    """RFC 6265 5.1.4: the directory of the request path."""
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rfind("/")]
