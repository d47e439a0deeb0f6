"""The Audio inspector widget: waveform and spectrogram on a canvas, DTMF digits and speech
segments marked, select a span (drag, or click a digit) and play it.

The analysis is the static `telenb.audio.inspect` (the same digits and segments, computed
in Python); the browser only draws: a min/max envelope, the spectrogram as 8-bit levels,
and 16-bit PCM for playback, all sent as binary buffers.
"""

from __future__ import annotations

from typing import Any

import anywidget
import numpy as np
import traitlets as t

from ..audio import inspect
from ..audio.analysis import spectrogram
from ._widget import Fallback, static

COLUMNS = 1000  # waveform envelope resolution
MAX_SPEC_COLUMNS = 1200
RANGE_DB = 80.0  # spectrogram dynamic range shown
MAX_PLAY_SAMPLES = 8_000_000  # longer audio is sent for playback at 16 kHz


class AudioInspector(Fallback, anywidget.AnyWidget):
    """Look at and listen to a signal (an `Audio` or a file path)."""

    _esm = static("inspector.js")
    _css = static("telenb.css")

    label = t.Unicode("").tag(sync=True)
    duration = t.Float(0.0).tag(sync=True)
    rate = t.Int(0).tag(sync=True)
    info = t.Unicode("").tag(sync=True)
    envelope = t.Bytes(b"").tag(sync=True)  # float32 (min, max) per column
    spectrogram = t.Bytes(b"").tag(sync=True)  # uint8 levels, [freq][time], low freq first
    spec_shape = t.List(t.Int()).tag(sync=True)
    max_hz = t.Float(0.0).tag(sync=True)
    dtmf = t.List(t.Dict()).tag(sync=True)
    speech = t.List(t.Dict()).tag(sync=True)
    pcm = t.Bytes(b"").tag(sync=True)  # int16 mono for playback
    pcm_rate = t.Int(0).tag(sync=True)
    selection = t.List(t.Float()).tag(sync=True)  # [] or [start, end] seconds

    def __init__(self, audio_or_path: Any, *, label: str | None = None, dtmf: bool = True):

        labels = (label,) if label is not None else None
        self.inspection = inspect(audio_or_path, labels=labels, dtmf=dtmf)
        item = self.inspection[0]
        audio = item.audio.mono()
        super().__init__(
            label=item.label,
            duration=round(audio.duration, 6),
            rate=audio.rate,
            info=item.text(),
            dtmf=[{"digit": e.digit, "start": e.start, "end": e.end} for e in item.dtmf],
            speech=[{"start": s.start, "end": s.end} for s in item.speech],
        )
        self.audio = audio
        self._draw_data(audio)

    @property
    def selected_audio(self) -> Any:
        """The selected span as `Audio` (the whole signal when nothing is selected)."""
        if len(self.selection) != 2:
            return self.inspection[0].audio
        start, end = sorted(self.selection)
        return self.inspection[0].audio.slice(start, end)

    def select(self, start: float, end: float) -> None:
        self.selection = [round(min(start, end), 4), round(max(start, end), 4)]

    def _draw_data(self, audio: Any) -> None:

        s = audio.samples
        if s.size:
            edges = np.linspace(0, s.size, min(COLUMNS, s.size) + 1).astype(int)
            env = np.stack([np.minimum.reduceat(s, edges[:-1]), np.maximum.reduceat(s, edges[:-1])])
            self.envelope = env.T.astype("<f4").tobytes()
        # long signals: a coarser hop, so there are never many more frames than pixels
        spec = spectrogram(audio, hop_ms=max(8.0, audio.duration * 1000 / MAX_SPEC_COLUMNS))
        if spec.times.size:
            db = spec.db
            if db.shape[1] > MAX_SPEC_COLUMNS:  # keep the loudest of neighbouring frames
                edges = np.linspace(0, db.shape[1], MAX_SPEC_COLUMNS + 1).astype(int)
                db = np.maximum.reduceat(db, edges[:-1], axis=1)
            top = float(db.max())
            level = np.clip((db - (top - RANGE_DB)) / RANGE_DB * 255, 0, 255).astype(np.uint8)
            self.spectrogram = np.ascontiguousarray(level).tobytes()
            self.spec_shape = [int(level.shape[0]), int(level.shape[1])]
            self.max_hz = float(spec.freqs[-1])
        play = audio if audio.frames <= MAX_PLAY_SAMPLES else audio.resample(16000)
        self.pcm = play.to_pcm16()
        self.pcm_rate = play.rate

    # -- without JavaScript ---------------------------------------------------------------------
    def fallback_text(self) -> str:
        return repr(self.inspection)

    def fallback_html(self) -> str:
        return self.inspection._repr_html_()
