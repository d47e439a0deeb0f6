"""Helpers for the Tropo WebAPI tests."""

from __future__ import annotations

from typing import Any

import telenb

APP = "+15550100"
AGENT = "+15550123"
ORIGIN = "https://15550100.tropo.test"


def run_app(app: Any, caller: str = "", *, seed: int = 1, setup=None, **options: Any):
    """Answer APP with the WebAPI `app`, call it with a scripted caller: the CallResult."""
    carrier = telenb.Carrier(seed=seed)
    if setup is not None:
        setup(carrier)
    carrier.app(APP, tropo_webapi=app, **options)
    return carrier.call(APP, caller=caller)


def posts(trace) -> list[tuple[str, dict]]:
    """(url, JSON) of every request Tropo made, in order."""
    return [(e["url"], e["json"]) for e in trace.filter("webhook")]


def errors(trace) -> list[str]:
    return [e["message"] for e in trace.filter("error")]
