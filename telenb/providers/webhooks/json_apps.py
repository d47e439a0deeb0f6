"""Vendors whose webhooks answer JSON (Vonage NCCO, jambonz): how an app is served.

An app is a document (a list, JSON text or a .json file), a plain callable returning one, a
WSGI or ASGI app, a dict of paths to any of these, or the URL of a loopback server.  The
vendor decides what its documents mean; this module only puts them on the simulated web.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ...errors import ConfigurationError
from .web import HttpResponse, app_address, detect_kind


def inline_document(source: Any, loads: Callable[[str], Any] = json.loads) -> Any:
    """The document itself when `source` is one (a list, JSON text or a .json file), read
    with the vendor's `loads` (which says, in the vendor's terms, why text is not JSON)."""
    if isinstance(source, Path) or (
        isinstance(source, str) and source.strip().endswith(".json") and "\n" not in source
    ):
        path = Path(source)
        if not path.exists():
            raise ConfigurationError(f"no JSON document at {path}")
        source = path.read_text(encoding="utf-8")
    if isinstance(source, list):
        return source
    if isinstance(source, str) and source.strip()[:1] in ("[", "{"):
        return loads(source)  # an object where an array belongs is the parser's to refuse
    return None


def mount(
    vapp: Any,
    source: Any,
    number: str,
    *,
    url: str | None = None,
    base_url: str | None = None,
    kind: str | None = None,
    loads: Callable[[str], Any] = json.loads,
) -> str:
    """Serve `source` on the simulated web of `vapp` (a vendor's account: ``web`` and
    ``origin_for``); returns the URL of its first webhook."""
    origin, path = app_address(vapp, source, number, url=url, base_url=base_url,
                               what="first webhook", example="/webhooks/answer")  # fmt: skip
    if origin is None:
        return path
    inline = inline_document(source, loads)
    if inline is not None:  # a document served at one URL; events go nowhere else
        source, kind = {urlsplit(path).path: JsonSite(inline)}, "routes"
    elif isinstance(source, Mapping):
        source, kind = {p: json_site(v) for p, v in source.items()}, "routes"
    else:
        source = json_site(source, kind)
        kind = kind or detect_kind(source)
    vapp.web.mount(origin, source, kind)
    return origin + path


class JsonSite:
    """A plain callable (or a fixed document) as a webhook: what it returns goes out as JSON."""

    def __init__(self, target: Any):
        self.target = target
        self.__name__ = getattr(target, "__name__", "document")

    def __call__(self, request: Any) -> HttpResponse:
        value = self.target(request) if callable(self.target) else self.target
        status = 200
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int):
            value, status = value
        if isinstance(value, HttpResponse):
            return value
        if value is None:
            return HttpResponse(204, {}, b"")
        if isinstance(value, (bytes, str)):
            body = value.encode("utf-8") if isinstance(value, str) else value
        else:
            body = json.dumps(value).encode("utf-8")
        return HttpResponse(status, {"content-type": "application/json"}, body)


def json_site(target: Any, kind: str | None = None) -> Any:
    """`target` as something the simulated web serves: documents and callables answer JSON."""
    if isinstance(target, (list, dict)):
        return JsonSite(target)
    if isinstance(target, str):
        return JsonSite(target)
    if (kind or detect_kind(target)) == "callable":
        return JsonSite(target)
    return target
