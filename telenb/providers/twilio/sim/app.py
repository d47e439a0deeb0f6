"""TwiML apps on the simulated carrier: `carrier.app(number, twiml=...)` lands here.

    carrier.app("+15550100", twiml="<Response><Say>Hi</Say></Response>")
    carrier.app("+15550100", twiml=flask_app, url="/voice")          # unmodified WSGI app
    carrier.app("+15550100", twiml="http://127.0.0.1:5000/voice")   # a server on this machine
    carrier.app("+15550100", twiml=lambda req: VoiceResponse().say(req["From"]))

The source is served at a URL on the simulated web (``https://15550100.twiml.test`` unless
`base_url` says otherwise) and the number's voice webhook points there, so every request
goes through Twilio's webhook rules: parameters, signature, redirects, errors, fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ....errors import ConfigurationError, check_options
from ...webhooks.web import absolute, app_address, detect_kind
from ..account import twilio_account
from .interpreter import MAX_DOCUMENTS_AT_ONCE, TwimlApp
from .messaging import enable_sms

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

OPTIONS = (
    "url", "method", "fallback_url", "fallback_method", "status_callback",
    "status_callback_method", "base_url", "auth_token", "kind", "timeout", "sms_url",
    "sms_method", "max_documents",
)  # fmt: skip


def twiml_flow(
    source: Any, *, carrier: Carrier, number: str, **options: Any
) -> Callable[[Any], Any]:
    """A flow that answers `number` with TwiML from `source` (see `_twiml_flow` for options);
    an unknown option is named, with the closest valid one."""
    check_options("app", options, OPTIONS)
    return _twiml_flow(source, carrier=carrier, number=number, **options)


def _twiml_flow(
    source: Any,
    *,
    carrier: Carrier,
    number: str,
    url: str | None = None,
    method: str = "POST",
    fallback_url: str | None = None,
    fallback_method: str = "POST",
    status_callback: str | None = None,
    status_callback_method: str = "POST",
    base_url: str | None = None,
    auth_token: str | None = None,
    kind: str | None = None,
    timeout: float | None = None,
    sms_url: str | None = None,
    sms_method: str = "POST",
    max_documents: int | None = None,
    account: Any = None,
    label: str = "twiml",
) -> Callable[[Any], Any]:
    """A flow that answers `number` with TwiML from `source`.

    `source`: TwiML text, a `VoiceResponse`, a path to an .xml file, a callable
    ``f(request) -> TwiML``, a WSGI or ASGI app, a dict of paths to any of these, or the URL
    of a webhook (on the simulated web or on 127.0.0.1).  `url` is the voice webhook path
    (or full URL) on the app; `fallback_url`, `status_callback` (call completed) and the
    methods are the number's settings on Twilio; `auth_token` is the account's, which apps
    use to check `X-Twilio-Signature`.  `timeout` overrides Twilio's 15 s webhook limit.
    A TwiML dialect's front door passes its own `account` (which carries the dialect) and
    `label` (the app's name in the trace).
    """
    if account is None:
        account = twilio_account(carrier, auth_token=auth_token)
    if timeout is not None:
        if timeout <= 0:
            raise ConfigurationError(f"timeout must be positive seconds, not {timeout!r}")
        account.webhooks.timeout = float(timeout)
    voice_url = mount(account, source, number, url=url, base_url=base_url, kind=kind)
    if sms_url is not None and not urlsplit(sms_url).scheme:
        sms_url = urljoin(voice_url, sms_url)
    account.add_number(
        number,
        voice_url=voice_url,
        voice_method=method.upper(),
        voice_fallback_url=fallback_url,
        voice_fallback_method=fallback_method.upper(),
        status_callback=status_callback,
        status_callback_method=status_callback_method.upper(),
        sms_url=sms_url,
        sms_method=sms_method.upper(),
    )
    if sms_url:
        enable_sms(account)
    app = TwimlApp(
        account,
        voice_url,
        method=method,
        fallback_url=absolute(fallback_url, voice_url),
        fallback_method=fallback_method,
        status_callback=absolute(status_callback, voice_url),
        status_callback_method=status_callback_method,
        max_documents=max_documents or MAX_DOCUMENTS_AT_ONCE,
        name=_label(source, label),
    )
    return app


def mount(
    account: Any,
    source: Any,
    number: str,
    *,
    url: str | None = None,
    base_url: str | None = None,
    kind: str | None = None,
) -> str:
    """Serve `source` on the simulated web; returns the voice webhook URL."""
    if isinstance(source, Path) or (
        isinstance(source, str) and source.strip().endswith(".xml") and "\n" not in source
    ):
        file = Path(source)
        if not file.exists():
            raise ConfigurationError(f"no TwiML file at {file}")
        source = file.read_text(encoding="utf-8")
    origin, path = app_address(account, source, number, url=url, base_url=base_url,
                               example="/voice")  # fmt: skip
    if origin is None:
        return path
    kind = kind or detect_kind(source)
    if kind == "static":  # a document lives at one URL; other paths are not found
        source, kind = {urlsplit(path).path: source}, "routes"
    account.web.mount(origin, source, kind)
    return origin + path


def _label(source: Any, label: str = "twiml") -> str:
    if isinstance(source, str):
        return f"{label}-url" if "://" in source and "<" not in source else label
    name = getattr(source, "name", None) or getattr(source, "__name__", None)
    return f"{label}:{name}" if isinstance(name, str) else f"{label}:{type(source).__name__}"
