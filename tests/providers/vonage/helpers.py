"""Helpers for the Vonage provider tests: a carrier, an app, and what the app was sent."""

from __future__ import annotations

import json
from typing import Any

APP = "+15550100"
AGENT = "+15550123"
ORIGIN = "https://15550100.ncco.test"


def events(result) -> list[dict]:
    """The JSON bodies of every request to /webhooks/events, in order (from the trace)."""
    return [
        e["params"]
        for e in result.trace.filter("webhook")
        if "/webhooks/events" in e["url"] and e["method"] == "POST"
    ]


def statuses(result, uuid: str | None = None) -> list[str]:
    return [
        e["status"] for e in events(result) if "status" in e and (uuid is None or e["uuid"] == uuid)
    ]


def requests(result) -> list[tuple[str, str]]:
    return [(e["method"], e["url"].split("?")[0]) for e in result.trace.filter("webhook")]


def warnings(result) -> list[str]:
    return [e["message"] for e in result.trace.filter("warning")]


def errors(result) -> list[str]:
    return [e["message"] for e in result.trace.filter("error")]


def body(request: Any) -> dict:
    return json.loads(request.get_data() or b"{}")
