"""Plivo XML apps on the simulated carrier: `carrier.app(number, plivo=...)` lands here.

    carrier.app("+15550100", plivo="<Response><Speak>Hi</Speak></Response>")  # the XML
    carrier.app("+15550100", plivo=flask_app, url="/answer", hangup_url="/hangup")
    carrier.app("+15550100", plivo="http://127.0.0.1:5000/answer")            # a local server
    carrier.app("+15550100", plivo=lambda req: "<Response>...</Response>")

The source is served on the simulated web (``https://15550100.plivo.test``) and the number's
answer_url points there; every request is a signed Plivo webhook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ....errors import ConfigurationError, check_options
from ...webhooks.web import HttpResponse, app_address, detect_kind
from ..application import plivo_application
from ..messaging import enable
from .interpreter import PlivoXmlApp

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

OPTIONS = (
    "url",
    "method",
    "hangup_url",
    "hangup_method",
    "message_url",
    "message_method",
    "base_url",
    "auth_id",
    "auth_token",
    "kind",
)


class XmlSite:
    """A plain callable (or fixed XML) as a webhook: its answer goes out as XML."""

    def __init__(self, target: Any):
        self.target = target
        self.__name__ = getattr(target, "__name__", "plivo")

    def __call__(self, request: Any) -> HttpResponse:
        value = self.target(request) if callable(self.target) else self.target
        if isinstance(value, HttpResponse):
            return value
        if hasattr(value, "to_string"):  # a plivoxml.ResponseElement
            value = value.to_string()
        body = value.encode("utf-8") if isinstance(value, str) else bytes(value or b"")
        return HttpResponse(200, {"content-type": "application/xml"}, body)


def _document(source: Any) -> str | None:
    if isinstance(source, Path) or (isinstance(source, str) and source.strip().endswith(".xml")):
        path = Path(source)
        if not path.exists():
            raise ConfigurationError(f"no Plivo XML file at {path}")
        return path.read_text(encoding="utf-8")
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return source
    if hasattr(source, "to_string"):
        return str(source.to_string())
    return None


def _site(target: Any, kind: str | None) -> Any:
    if isinstance(target, str) or _document(target) is not None:
        return XmlSite(_document(target) or target)
    if (kind or detect_kind(target)) == "callable":
        return XmlSite(target)
    return target


def plivo_flow(
    source: Any, *, carrier: Carrier, number: str, **options: Any
) -> Callable[[Any], Any]:
    """A flow that answers `number` with the Plivo XML app `source`.

    `source`: Plivo XML (text, a .xml file, a plivoxml element), a callable ``f(request)``,
    a WSGI or ASGI app, a dict of paths to any of these, or the answer_url (simulated web or
    127.0.0.1).  `url`/`method` are the answer_url's path and method (POST by default),
    `hangup_url`/`hangup_method` Plivo's hangup callback; `message_url`/`message_method`
    where texts to the number are posted (Plivo's message_url: From, To, Text, Type,
    MessageUUID; the <Message> elements it answers are sent); `auth_id`/`auth_token` the
    account's (they sign every webhook)."""
    check_options("app", options, OPTIONS)
    url, base_url, kind = options.get("url"), options.get("base_url"), options.get("kind")
    papp = plivo_application(
        carrier, auth_id=options.get("auth_id"), auth_token=options.get("auth_token")
    )
    origin, path = app_address(papp, source, number, url=url, base_url=base_url,
                               what="answer_url", example="/answer")  # fmt: skip
    if origin is None:
        answer_url = path
    else:
        if isinstance(source, Mapping):
            papp.web.mount(origin, {p: _site(v, None) for p, v in source.items()}, "routes")
        elif _document(source) is not None or (kind or detect_kind(source)) == "callable":
            papp.web.mount(origin, {urlsplit(path).path: _site(source, kind)}, "routes")
        else:
            papp.web.mount(origin, source, kind or detect_kind(source))
        answer_url = origin + path
    method = str(options.get("method", "POST")).upper()
    hangup_method = str(options.get("hangup_method", "POST")).upper()
    if method not in ("GET", "POST") or hangup_method not in ("GET", "POST"):
        raise ConfigurationError("method and hangup_method must be GET or POST")
    hangup = options.get("hangup_url")
    papp.numbers.add(carrier.normalize(number))
    message_url, message_method = options.get("message_url"), options.get("message_method")
    if message_url:
        message_method = str(message_method or "POST").upper()
        if message_method not in ("GET", "POST"):
            raise ConfigurationError("message_method must be GET or POST")
        papp.message_urls[carrier.normalize(number)] = (
            urljoin(answer_url, message_url), message_method)  # fmt: skip
        enable(papp)
    name = getattr(source, "__name__", None) or getattr(source, "name", None) or "plivo"
    return PlivoXmlApp(papp, answer_url, answer_method=method,
                       hangup_url=urljoin(answer_url, hangup) if hangup else None,
                       hangup_method=hangup_method, name=f"plivo:{name}")  # fmt: skip
