"""One HTTP client for every webhook: httpx, over WSGI, ASGI or real loopback HTTP.

The same client settings (no proxies from the environment, no redirects followed: the
webhook client follows and counts them itself) serve an in-process WSGI app
(`httpx.WSGITransport`), an ASGI app (`httpx.ASGITransport`) and a server on this machine.
Bodies are streamed and reading stops one byte past `max_bytes`, so a 200 MB answer costs
64 KB; `deadline` (a `time.monotonic()` instant) ends a body that keeps dripping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    elapsed: float = 0.0  # wall-clock seconds the app took
    truncated: bool = False  # the body went past the size limit; reading stopped there
    set_cookies: list[str] = field(default_factory=list)  # each Set-Cookie header, in order

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Unreachable(Exception):
    """The request could not be delivered: `kind` is url, host, connect or timeout."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message)


NO_LIMIT = 2**62  # bytes: no size limit
# httpx's own defaults that Twilio's requests do not carry
_DROP = ("accept-encoding", "connection")


def client(transport: httpx.BaseTransport | None = None, timeout: float = 15.0) -> httpx.Client:
    """The webhook client: the same settings whatever carries the request."""
    c = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)
    for name in _DROP:
        del c.headers[name]
    return c


def _collect(
    status: int, headers: Any, chunks: Iterator[bytes], max_bytes: int, deadline: float
) -> HttpResponse:
    """Read a streamed body up to `max_bytes` (the response is marked truncated beyond)."""
    head = {k.lower(): v for k, v in headers.items()}
    cookies = list(headers.get_list("set-cookie"))
    length = head.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:  # announced too large: read nothing
        return HttpResponse(status, head, b"", truncated=True, set_cookies=cookies)
    body, size = [], 0
    for chunk in chunks:
        body.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            data = b"".join(body)[: max_bytes + 1]
            return HttpResponse(status, head, data, truncated=True, set_cookies=cookies)
        if time.monotonic() > deadline:
            raise Unreachable("timeout", "the response body was still arriving at the deadline")
    return HttpResponse(status, head, b"".join(body), set_cookies=cookies)


def _exchange(
    c: httpx.Client,
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    max_bytes: int,
    deadline: float,
) -> HttpResponse:
    content = body if method not in ("GET", "HEAD") else None
    with c, c.stream(method, url, content=content, headers=headers) as resp:
        return _collect(resp.status_code, resp.headers, resp.iter_raw(), max_bytes, deadline)


def call_wsgi(
    app: Callable[..., Any],
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    max_bytes: int = NO_LIMIT,
    deadline: float = float("inf"),
) -> HttpResponse:
    """Call a WSGI app with the environ a front-end server would build for this request."""
    transport = httpx.WSGITransport(app=app)
    return _exchange(client(transport), method, url, body, headers, max_bytes, deadline)


def fetch_loopback(
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    *,
    max_bytes: int,
    deadline: float,
) -> HttpResponse:
    """A real HTTP request to a server on this machine (never through a proxy)."""
    try:
        return _exchange(client(None, timeout), method, url, body, headers, max_bytes, deadline)
    except httpx.TimeoutException:
        raise Unreachable("timeout", f"no response from {url} within {timeout:g}s") from None
    except httpx.TransportError as exc:
        raise Unreachable("connect", f"cannot connect to {url}: {exc}") from None


class _TooLarge(Exception):
    """Raised into an ASGI app by `send` once its body passes the limit."""


def call_asgi(
    app: Callable[..., Any],
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    *,
    max_bytes: int = NO_LIMIT,
) -> HttpResponse:
    """Call an ASGI app once, on an event loop of its own (the kernel's loop may be running
    on this thread, so call it from a thread without one, as `Web.request` does)."""
    out: dict[str, Any] = {"status": 500, "headers": {}, "body": [], "size": 0, "over": False}
    out["cookies"] = []

    async def limited(scope: dict, receive: Callable, send: Callable) -> None:
        async def counting_send(message: dict[str, Any]) -> None:
            if out["over"]:
                raise _TooLarge
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
                raw = message.get("headers", [])
                out["headers"] = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
                out["cookies"] = [
                    v.decode("latin-1")
                    for k, v in raw
                    if k.decode("latin-1").lower() == "set-cookie"
                ]
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                out["body"].append(chunk)
                out["size"] += len(chunk)
                if out["size"] > max_bytes:
                    out["over"] = True
                    raise _TooLarge
            await send(message)

        scope.setdefault("state", {})
        await app(scope, receive, counting_send)

    async def run() -> HttpResponse:
        transport = httpx.ASGITransport(app=limited, client=("127.0.0.1", 0))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, trust_env=False) as ac:
            for name in _DROP:
                del ac.headers[name]
            content = body if method not in ("GET", "HEAD") else None
            try:
                r = await ac.request(method, url, content=content, headers=headers)
            except _TooLarge:
                pass
            else:
                if not out["over"]:
                    return HttpResponse(
                        r.status_code, dict(r.headers), r.content,
                        set_cookies=list(r.headers.get_list("set-cookie")),
                    )  # fmt: skip
        data = b"".join(out["body"])[: max_bytes + 1]
        return HttpResponse(
            out["status"], out["headers"], data, truncated=True, set_cookies=out["cookies"]
        )

    async def bounded() -> HttpResponse:
        return await asyncio.wait_for(run(), timeout)

    try:
        return asyncio.run(bounded())
    except TimeoutError:
        raise Unreachable("timeout", f"the ASGI app did not answer within {timeout:g}s") from None
