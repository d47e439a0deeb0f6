"""Notebook skin: magics, rich displays and widgets.

The widgets and live calls load on first use (``%load_ext telenb`` imports only the magics):

    Phone(number, carrier)      a telephone: keypad, prompts played in the browser, microphone
    CallLogWidget(carrier)      every call, sortable; click one for its timeline and recording
    AudioInspector(audio)       waveform and spectrogram with DTMF and speech marked; play spans
    LiveCall(carrier, number)   the plain API under the Phone: a real-time call on the kernel loop
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Phone": "phone",
    "CallLogWidget": "calllog",
    "AudioInspector": "inspector",
    "LiveCall": "live",
    "LiveEvent": "live",
    "Endpointer": "mic",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'telenb.notebook' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
