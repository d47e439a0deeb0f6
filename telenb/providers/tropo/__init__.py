"""Tropo for telenb: WebAPI apps (your web app answers each step with Tropo JSON) on the
simulated carrier, and Tropo's session API to launch them.

    carrier.app("+15550100", tropo_webapi=flask_app, url="/index.json")
    start_session(carrier, carrier.apps["+15550100"].target.token, numberToDial="+15550123")
    flow_webapi(carrier, "+15550100", caller="press: 1")   # a flow or script as WebAPI JSON

Tropo scripts (the Scripting API) run through `telenb.flow.tropo` (``script=``).  Names load
lazily.
"""

from __future__ import annotations

from ..._lazy import lazy_exports

_EXPORTS = {
    "tropo_webapi_flow": ".webapi.app",
    "start_session": ".webapi.app",
    "TropoRequest": ".webapi.app",
    "WebApiApp": ".webapi.interpreter",
    "parse_document": ".webapi.document",
    "WebApiError": ".webapi.document",
    "tropo_cloud": ".webapi.client",
    "flow_webapi": ".webapi.export",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
