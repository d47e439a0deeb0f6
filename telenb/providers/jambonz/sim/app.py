"""jambonz applications on the simulated carrier: `carrier.app(number, jambonz=...)`.

    carrier.app("+15550100", jambonz=[{"verb": "say", "text": "Hi"}])     # the verbs
    carrier.app("+15550100", jambonz=flask_app, url="/call",             # unmodified WSGI
                status_hook="/status")
    carrier.app("+15550100", jambonz="http://127.0.0.1:3000/call")       # a local server
    carrier.app("+15550100", jambonz=lambda req: [{"verb": "say", "text": req["from"]}])

The source is served on the simulated web (``https://15550100.jambonz.test``) and the
number's call_hook points there, so every request follows jambonz's webhook rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ....errors import ConfigurationError, check_options
from ...webhooks.json_apps import inline_document, mount
from ..application import jambonz_application
from ..verbs.parse import parse_app
from .interpreter import JambonzApp

if TYPE_CHECKING:
    from ....sim.carrier import Carrier

OPTIONS = ("url", "method", "status_hook", "status_method", "base_url", "webhook_secret",
           "account_sid", "application_sid", "signed", "kind", "timeout")  # fmt: skip


def jambonz_flow(
    source: Any, *, carrier: Carrier, number: str, **options: Any
) -> Callable[[Any], Any]:
    """A flow answering `number` with the jambonz application `source`.

    `url`/`method` are the call_hook's path and method (POST by default); `status_hook` and
    `status_method` the call_status_hook (relative to the call_hook).  `webhook_secret`,
    `account_sid` and `application_sid` are the account's; `signed=False` stops signing."""
    check_options("app", options, OPTIONS)
    japp = jambonz_application(
        carrier,
        webhook_secret=options.get("webhook_secret"),
        account_sid=options.get("account_sid"),
        application_sid=options.get("application_sid"),
    )
    if options.get("signed") is not None:
        japp.signed = bool(options["signed"])
    if options.get("timeout") is not None:
        if options["timeout"] <= 0:
            raise ConfigurationError("timeout must be positive seconds")
        japp.webhooks.timeout = float(options["timeout"])
    method = (options.get("method") or "POST").upper()
    status_method = (options.get("status_method") or "POST").upper()
    if method not in ("GET", "POST") or status_method not in ("GET", "POST"):
        raise ConfigurationError("method and status_method must be GET or POST")
    inline = inline_document(source)
    status = options.get("status_hook")
    if inline is not None and options.get("url") is None and status is None:
        japp.numbers[number] = {"app": "inline"}
        return JambonzApp(japp, verbs=parse_app(inline))
    call_url = mount(japp, source, number, url=options.get("url"),
                     base_url=options.get("base_url"), kind=options.get("kind"))  # fmt: skip
    status_hook = {"url": status, "method": status_method} if status else None
    japp.numbers[number] = {"call_hook": call_url, "call_status_hook": status}
    return JambonzApp(japp, {"url": call_url, "method": method}, status_hook=status_hook,
                      base=call_url, name="jambonz")  # fmt: skip
