"""Notebook skin: magics, rich displays and widgets.

The widgets and live calls load on first use (``%load_ext telenb`` imports only the magics):

    Phone(number, carrier)      a telephone: keypad, prompts played in the browser, microphone
    CallLogWidget(carrier)      every call, sortable; click one for its timeline and recording
    AudioInspector(audio)       waveform and spectrogram with DTMF and speech marked; play spans
    LiveCall(carrier, number)   the plain API under the Phone: a real-time call on the kernel loop
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "Phone": ".phone",
    "CallLogWidget": ".calllog",
    "AudioInspector": ".inspector",
    "LiveCall": ".live",
    "LiveEvent": ".live",
    "Endpointer": ".mic",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
