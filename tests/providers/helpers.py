"""Helpers for the Twilio provider tests."""

from __future__ import annotations

from typing import Any

import telenb
from telenb.providers.twilio import twilio_account

APP = "+15550100"
AGENT = "+15550123"


def run_twiml(twiml: Any, caller: str = "", *, seed: int = 1, setup=None, **options: Any):
    """Answer APP with `twiml`, call it with a scripted caller, return the CallResult."""
    carrier = telenb.Carrier(seed=seed)
    if setup is not None:
        setup(carrier)
    carrier.app(APP, twiml=twiml, **options)
    return carrier.call(APP, caller=caller)


def events(result, kind: str) -> list:
    return list(result.trace.filter(kind))


def webhooks(result) -> list[tuple[str, str, dict]]:
    """(method, url, params) of every request the carrier made for this call."""
    return [(e["method"], e["url"], e["params"]) for e in result.trace.filter("webhook")]


def warnings(result) -> list[tuple[Any, str]]:
    return [(e["code"], e["message"]) for e in result.trace.filter("warning")]


def token(carrier) -> str:
    return twilio_account(carrier).auth_token
