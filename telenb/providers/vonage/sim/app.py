"""NCCO apps on the simulated carrier: `carrier.app(number, ncco=...)` lands here.

    carrier.app("+15550100", ncco=[{"action": "talk", "text": "Hi"}])      # the NCCO itself
    carrier.app("+15550100", ncco=flask_app, url="/webhooks/answer",       # unmodified WSGI
                event_url="/webhooks/events")
    carrier.app("+15550100", ncco="http://127.0.0.1:3000/webhooks/answer") # a local server
    carrier.app("+15550100", ncco=lambda req: [{"action": "talk", "text": req["from"]}])

The source is served on the simulated web (``https://15550100.ncco.test`` unless `base_url`
says otherwise) and the number's answer_url points there, so every request goes through
Vonage's webhook rules: GET or POST, JSON bodies, JWT signatures, retries, error events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ....errors import ConfigurationError, check_options
from ...webhooks.json_apps import inline_document, mount
from ...webhooks.web import absolute
from ..application import vonage_application
from ..ncco.parse import loads, parse_ncco
from .interpreter import NccoApp

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

OPTIONS = (
    "url",
    "method",
    "event_url",
    "event_method",
    "fallback_answer_url",
    "base_url",
    "signature_secret",
    "api_key",
    "application_id",
    "signed",
    "kind",
    "timeout",
    "inbound_url",
    "status_url",
)


def ncco_flow(
    source: Any, *, carrier: Carrier, number: str, **options: Any
) -> Callable[[Any], Any]:
    """A flow that answers `number` with the NCCO app `source`; see `_ncco_flow`."""
    check_options("app", options, OPTIONS)
    return _ncco_flow(source, carrier=carrier, number=number, **options)


def _ncco_flow(
    source: Any,
    *,
    carrier: Carrier,
    number: str,
    url: str | None = None,
    method: str = "GET",
    event_url: str | None = None,
    event_method: str = "POST",
    fallback_answer_url: str | None = None,
    base_url: str | None = None,
    signature_secret: str | None = None,
    api_key: str | None = None,
    application_id: str | None = None,
    signed: bool | None = None,
    kind: str | None = None,
    timeout: float | None = None,
    inbound_url: str | None = None,
    status_url: str | None = None,
) -> Callable[[Any], Any]:
    """A flow that answers `number` with an NCCO app.

    `source`: an NCCO (a list of actions, its JSON text or a .json file), a callable
    ``f(request) -> NCCO``, a WSGI or ASGI app, a dict of paths to any of these, or the URL
    of an answer webhook (on the simulated web or on 127.0.0.1).  `url` is the answer
    webhook's path on the app and `method` its method (Vonage's answer_method, GET by
    default); `event_url`/`event_method` and `fallback_answer_url` are the application's
    other webhooks (paths are relative to the answer URL).  `signature_secret`, `api_key`
    and `application_id` are the account's; `signed=False` turns JWT signing off.
    `timeout` overrides Vonage's 5 s socket timeout.  `inbound_url` and `status_url` are the
    application's Messages webhooks (texts to the number; statuses of the SMS it sends).
    """
    vapp = vonage_application(
        carrier, signature_secret=signature_secret, api_key=api_key, application_id=application_id
    )
    if signed is not None:
        vapp.signed = bool(signed)
    if timeout is not None:
        if timeout <= 0:
            raise ConfigurationError(f"timeout must be positive seconds, not {timeout!r}")
        vapp.webhooks.timeout = float(timeout)
    if method.upper() not in ("GET", "POST") or event_method.upper() not in ("GET", "POST"):
        raise ConfigurationError("method and event_method must be GET or POST")
    inline = inline_document(source, loads)
    if inline is not None and url is None and event_url is None and not (inbound_url or status_url):
        app = NccoApp(vapp, ncco=parse_ncco(inline), name="ncco")
        vapp.numbers[number] = {"ncco": "inline"}
        return app
    answer_url = mount(vapp, source, number, url=url, base_url=base_url, kind=kind, loads=loads)
    app = NccoApp(
        vapp,
        answer_url,
        answer_method=method,
        event_url=absolute(event_url, answer_url),
        event_method=event_method,
        fallback_answer_url=absolute(fallback_answer_url, answer_url),
        name=_label(source),
    )
    vapp.numbers[number] = {"answer_url": answer_url, "event_url": app.event_url}
    if inbound_url or status_url:
        from ..messages import register

        register(vapp, number, inbound_url=absolute(inbound_url, answer_url),
                 status_url=absolute(status_url, answer_url))  # fmt: skip
    return app


def _label(source: Any) -> str:
    if isinstance(source, str):
        return "ncco-url" if "://" in source else "ncco"
    name = getattr(source, "name", None) or getattr(source, "__name__", None)
    return f"ncco:{name}" if isinstance(name, str) else f"ncco:{type(source).__name__}"
