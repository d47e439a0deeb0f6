"""`inspect(audio)`: one look at a signal, or two side by side (before/after a channel).

The HTML view is a static PNG (matplotlib, Agg canvas, imported only when drawn): the
waveform with speech segments shaded, DTMF digits marked and clipped samples ticked, a
spectrogram under it, then a table of levels and a player per signal. The text view is
deterministic (fixed rounding, no addresses), so notebooks can compare it under nbval.
"""

from __future__ import annotations

import base64
import html
import io
import os
from dataclasses import dataclass, field

import numpy as np

from ..errors import AudioError
from .analysis import Levels, Segment, levels, spectrogram, speech_segments
from .core import Audio
from .dtmf import DtmfEvent, detect_dtmf


@dataclass(frozen=True)
class Inspected:
    """One signal's analysis."""

    label: str
    audio: Audio = field(repr=False)
    levels: Levels
    speech: list[Segment]
    dtmf: list[DtmfEvent]

    def text(self) -> str:
        lines = [f"{self.label}: {self.levels}"]
        if self.audio.frames == 0:
            lines.append("  (empty)")
            return "\n".join(lines)
        speech = ", ".join(f"{s.start:.2f}-{s.end:.2f}" for s in self.speech) or "none"
        lines.append(f"  speech: {speech}")
        digits = "".join(e.digit for e in self.dtmf)
        if self.dtmf:
            lines.append(
                f"  DTMF: {digits} ("
                + ", ".join(f"{e.digit}@{e.start:.2f}" for e in self.dtmf)
                + ")"
            )
        else:
            lines.append("  DTMF: none")
        return "\n".join(lines)


class Inspection:
    """The result of `inspect()`: text and rich (HTML + PNG) views of one or two signals."""

    def __init__(self, items: list[Inspected]) -> None:
        self.items = items

    def __getitem__(self, index: int) -> Inspected:
        return self.items[index]

    def __repr__(self) -> str:
        return "\n".join(item.text() for item in self.items)

    def figure(self):
        """The matplotlib Figure (waveforms over spectrograms, one column per signal)."""
        from matplotlib.figure import Figure

        cols = len(self.items)
        fig = Figure(figsize=(6.0 * cols, 4.6), dpi=90, layout="constrained")
        axes = fig.subplots(
            2, cols, squeeze=False, sharex="col", gridspec_kw={"height_ratios": [1, 1.3]}
        )
        for c, item in enumerate(self.items):
            _draw_waveform(axes[0][c], item)
            _draw_spectrogram(axes[1][c], item)
        return fig

    def png(self) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = self.figure()
        buf = io.BytesIO()
        FigureCanvasAgg(fig).print_png(buf, metadata={"Software": None})
        return buf.getvalue()

    def _details_html(self) -> str:
        """The table of levels and a player per signal (no figure)."""
        rows = "".join(_table_row(item) for item in self.items)
        players = "".join(
            f"<div><b>{html.escape(i.label)}</b> "
            f"<audio controls src='data:audio/wav;base64,"
            f"{base64.b64encode(i.audio.wav_bytes()).decode('ascii')}'></audio></div>"
            for i in self.items
        )
        return (
            "<table><tr><th></th><th>duration</th><th>rate</th><th>RMS dBFS</th>"
            "<th>peak dBFS</th><th>clipped</th><th>speech</th><th>DTMF</th></tr>"
            f"{rows}</table>{players}"
        )

    def _repr_html_(self) -> str:
        img = base64.b64encode(self.png()).decode("ascii")
        return (
            "<div class='telenb-inspect'>"
            f"<img src='data:image/png;base64,{img}' alt='{html.escape(repr(self))}'/>"
            f"{self._details_html()}</div>"
        )

    def _ipython_display_(self) -> None:
        """In Jupyter: the figure as an image output of its own, then the table and players.

        Notebook tests (nbval) compare text and HTML outputs but skip images, so keeping the
        PNG out of the HTML lets them check what is deterministic (levels, digits, the
        audio) without depending on how a matplotlib release draws a line.
        """
        from IPython.display import display

        labels = ", ".join(repr(i.label) for i in self.items)
        png = base64.b64encode(self.png()).decode("ascii")
        display(
            {"image/png": png, "text/plain": f"<waveform and spectrogram of {labels}>"},
            raw=True,
        )
        display(
            {
                "text/html": f"<div class='telenb-inspect'>{self._details_html()}</div>",
                "text/plain": repr(self),
            },
            raw=True,
        )


def _fmt(x: float) -> str:
    return "-inf" if x == float("-inf") else f"{x:.1f}"


def _table_row(item: Inspected) -> str:
    lv = item.levels
    speech = sum(s.duration for s in item.speech)
    digits = "".join(e.digit for e in item.dtmf) or "-"
    cells = [
        item.label,
        f"{lv.duration:.3f} s",
        f"{lv.rate} Hz",
        _fmt(lv.rms_dbfs),
        _fmt(lv.peak_dbfs),
        str(lv.clipped),
        f"{speech:.2f} s",
        digits,
    ]
    return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


def _draw_waveform(ax, item: Inspected) -> None:
    a = item.audio.mono()
    ax.set_title(f"{item.label}  ({_fmt(item.levels.rms_dbfs)} dBFS RMS)", fontsize=9)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("amplitude", fontsize=8)
    ax.tick_params(labelsize=7)
    if a.frames == 0:
        ax.text(0.5, 0.5, "empty", ha="center", va="center", transform=ax.transAxes)
        return
    # min/max envelope per pixel column keeps long recordings fast and faithful
    bins = min(a.frames, 1200)
    edges = np.linspace(0, a.frames, bins + 1).astype(int)
    lo = np.minimum.reduceat(a.samples, edges[:-1])
    hi = np.maximum.reduceat(a.samples, edges[:-1])
    t = edges[:-1] / a.rate
    ax.fill_between(t, lo, hi, color="#2a6fb0", linewidth=0.5, step="post")
    for s in item.speech:
        ax.axvspan(s.start, s.end, color="#7fc97f", alpha=0.25, linewidth=0)
    for e in item.dtmf:
        ax.axvspan(e.start, e.end, color="#fdb462", alpha=0.6, linewidth=0)
        ax.text(
            (e.start + e.end) / 2,
            0.92,
            e.digit,
            ha="center",
            va="top",
            fontsize=8,
            fontweight="bold",
        )
    clipped = np.flatnonzero(np.abs(a.samples) >= 0.999)
    if clipped.size:
        ax.plot(clipped / a.rate, np.sign(a.samples[clipped]), "|", color="red", ms=6)
    ax.set_xlim(0, a.duration)


def _draw_spectrogram(ax, item: Inspected) -> None:
    a = item.audio.mono()
    ax.set_xlabel("time (s)", fontsize=8)
    ax.set_ylabel("Hz", fontsize=8)
    ax.tick_params(labelsize=7)
    spec = spectrogram(a)
    if spec.times.size == 0:
        return
    top = float(spec.db.max())
    ax.pcolormesh(
        spec.times,
        spec.freqs,
        spec.db,
        shading="auto",
        cmap="magma",
        vmin=top - 80,
        vmax=top,
        rasterized=True,
    )
    for e in item.dtmf:
        ax.axvline(e.start, color="white", linewidth=0.6, alpha=0.7)


def inspect(
    audio_or_path: Audio | str | os.PathLike,
    compare: Audio | str | os.PathLike | None = None,
    *,
    labels: tuple[str] | tuple[str, str] | None = None,
    dtmf: bool = True,
) -> Inspection:
    """Analyse a signal (and optionally a second one to compare, e.g. after a channel).

    Paths are loaded (errors name the file). DTMF detection runs at 8 kHz; pass
    dtmf=False to skip it for long music or to save time.
    """
    sources = [audio_or_path] + ([compare] if compare is not None else [])
    default_labels = ["before", "after"] if compare is not None else ["audio"]
    names = list(labels) if labels is not None else default_labels
    if len(names) != len(sources):
        raise AudioError(f"give {len(sources)} labels, got {len(names)}")
    items = []
    for src, name in zip(sources, names, strict=True):
        if isinstance(src, Audio):
            audio, label = src, name
        elif isinstance(src, (str, os.PathLike)):
            audio = Audio.load(src)
            label = name if labels is not None else os.path.basename(os.fspath(src))
        else:
            raise AudioError(f"inspect() takes Audio or a file path, got {type(src).__name__}")
        events = detect_dtmf(audio) if dtmf and audio.frames else []
        items.append(Inspected(label, audio, levels(audio), speech_segments(audio), events))
    return Inspection(items)
