"""A raw HTTP/1.1 client for attacking a server on 127.0.0.1: exact bytes out, the status back.

`urllib` refuses malformed requests (bad Content-Length, CR/LF in a path), which are exactly
the ones an attacker sends, so the fault tests write them to a socket themselves.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterable


def send(
    address: tuple[str, int],
    head: bytes,
    body: Iterable[bytes] | bytes = b"",
    *,
    timeout: float = 5.0,
) -> tuple[int, dict[str, str], bytes]:
    """Send `head` (request line and headers, without the blank line) and `body`; returns
    (status, headers, body). A server that refuses early may reset the connection while the
    body is still going out: the answer it sent first is still read. Status 0: no answer."""
    chunks = [body] if isinstance(body, bytes) else body
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(head + b"\r\n\r\n")
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        data = b""
        try:
            while len(data) < 1 << 20:
                got = sock.recv(65536)
                if not got:
                    break
                data += got
        except (ConnectionResetError, TimeoutError):
            pass
    return parse(data)


def parse(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return 0, {}, data
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, rest


def post_head(path: str | bytes, length: int | str | None, *extra: str) -> bytes:
    """A POST request head to `path` with Content-Length `length` (None: no such header)."""
    raw = path if isinstance(path, bytes) else path.encode("latin-1")
    lines = [b"POST " + raw + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines.append(b"Content-Type: application/x-www-form-urlencoded")
    if length is not None:
        lines.append(f"Content-Length: {length}".encode("latin-1"))
    lines += [h.encode("latin-1") for h in extra]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines)
