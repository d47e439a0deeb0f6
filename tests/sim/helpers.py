"""Small helpers shared by the simulator tests."""

from __future__ import annotations

import runpy
from pathlib import Path

import telenb

APP = "+15550100"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example_flow(file: str, name: str):
    """A flow from examples/, so tests run exactly what the README tells users to run."""
    return runpy.run_path(str(EXAMPLES / file))[name]


def run_flow(flow, caller: str | telenb.Caller = "", seed: int = 1, **carrier_options):
    """Register `flow` on a fresh carrier, call it with `caller`, return the result."""
    carrier = telenb.Carrier(seed=seed, **carrier_options)
    carrier.app(APP, flow)
    return carrier.call(APP, caller=caller)


def kinds(result, *wanted: str) -> list[str]:
    return [e.kind for e in result.trace if not wanted or e.kind in wanted]
