"""telenb: Jupyter as a telephony workbench.

Write a call flow once; run it on the built-in simulated carrier (offline, deterministic,
faster than real time) or on a real provider.  Heavy parts import lazily so that
``%load_ext telenb`` and ``import telenb`` stay fast.
"""

from __future__ import annotations

from typing import Any

from ._lazy import lazy_exports

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "Carrier": "telenb.sim.carrier",
    "Caller": "telenb.sim.parties",
    "Phone": "telenb.sim.parties",
    "Texter": "telenb.sim.texter",
    "Party": "telenb.sim.parties",
    "CallResult": "telenb.sim.results",
    "Trace": "telenb.sim.trace",
    "erlang_b": "telenb.sim.erlang",
    "connect": "telenb.providers",
    "export": "telenb.providers.export",
    "Audio": "telenb.audio.core",
    "inspect": "telenb.audio",
    "synthesize": "telenb.speech",
    "recognize": "telenb.speech",
    "transcribe": "telenb.speech",
    "voices": "telenb.speech",
    "SpeechError": "telenb.errors",
    "TelenbError": "telenb.errors",
    "GrammarError": "telenb.errors",
    "NumberError": "telenb.errors",
    "FlowError": "telenb.errors",
    "UnknownOptionError": "telenb.errors",
    "AudioError": "telenb.errors",
    "MessageError": "telenb.errors",
}

__all__, __getattr__, __dir__ = lazy_exports(
    __name__, _EXPORTS, extra=("load_ipython_extension", "unload_ipython_extension")
)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext telenb`: register the magics (imports only the magics module)."""
    from .notebook.magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .notebook.magics import unload_ipython_extension as _unload

    _unload(ipython)
