"""The Call log widget: every call on a carrier in a sortable table; click one to see its
timeline and hear it (audio fidelity), in the widget.

The table follows the carrier as calls happen (status listener, refreshed at most a few
times a second on the kernel's loop, so a traffic experiment does not flood the browser).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ..sim.results import CallResult
from ..sim.trace import short_sid
from . import session
from ._widget import Fallback, static

if TYPE_CHECKING:
    from ..sim.carrier import Carrier
    from ..sim.leg import Leg

FIELDS = ("sid", "parent_call_sid", "from", "to", "direction", "status", "start_time", "duration")
REFRESH_S = 0.25


class CallLogWidget(Fallback, anywidget.AnyWidget):
    """A live, sortable call log for `carrier` (default: the session carrier)."""

    _esm = static("calllog.js")
    _css = static("telenb.css")

    rows = t.List(t.Dict()).tag(sync=True)
    total = t.Int(0).tag(sync=True)
    selected = t.Unicode("").tag(sync=True)
    detail = t.Dict().tag(sync=True)
    recording = t.Bytes(b"").tag(sync=True)  # WAV of the selected call (audio fidelity)

    def __init__(self, carrier: Carrier | None = None, *, limit: int = 500, **kwargs: Any):
        if carrier is None:
            carrier = session.carrier()
        super().__init__(**kwargs)
        self.carrier = carrier
        self.limit = limit
        self._pending: Any = None
        ref = weakref.ref(self)

        def listener(leg: Leg, status: str) -> None:
            me = ref()  # (ipywidgets keeps open widgets alive; close() unsubscribes)
            if me is not None:
                me._changed(leg)

        self._listener = listener
        carrier.status_listeners.append(listener)
        self.observe(self._open, names="selected")
        self.refresh()

    def close(self) -> None:
        if self._listener in self.carrier.status_listeners:
            self.carrier.status_listeners.remove(self._listener)
        super().close()

    # -- data -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the carrier's call records (the newest `limit` calls)."""
        self._pending = None
        legs = self.carrier.legs
        shown = legs[-self.limit :] if self.limit else legs
        self.rows = [{k: leg.record()[k] for k in FIELDS} for leg in shown]
        self.total = len(legs)
        if self.selected:
            self._open()

    def _changed(self, leg: Leg) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # plain Python: no loop to batch on
            self.refresh()
            return
        if self._pending is None:
            self._pending = loop.call_later(REFRESH_S, self.refresh)

    def _open(self, change: Any = None) -> None:
        sid = self.selected
        leg = next((leg for leg in self.carrier.legs if leg.sid == sid), None)
        if leg is None:
            self.detail, self.recording = {}, b""
            return

        result = CallResult(self.carrier, leg)
        events = [[round(e.t, 3), short_sid(e.sid), e.kind, e.summary()] for e in result.trace]
        recordings = [repr(r) for r in result.recordings]
        audio = None
        call_audio = getattr(self.carrier.media, "call_audio", None)
        if leg.ended and call_audio is not None:
            audio = call_audio(leg)
        if audio is None:
            audio = next((r.audio for r in result.recordings if r.audio is not None), None)
        note = "" if audio is not None else "no audio (text fidelity, or the call is still up)"
        with self.hold_sync():  # the browser gets the recording and the timeline together
            self.recording = audio.wav_bytes() if audio is not None and audio.frames else b""
            self.detail = {
                "sid": sid,
                "header": result.header(),
                "events": events,
                "recordings": recordings,
                "note": note,
            }

    # -- without JavaScript ---------------------------------------------------------------------
    def fallback_text(self) -> str:
        return repr(self.carrier.calls)

    def fallback_html(self) -> str:
        return self.carrier.calls._repr_html_()
