"""Plain-text and HTML views of a `Segmentation` (deterministic: same body, same output).

The HTML shows one box per segment, marks the characters that cost extra (extension
characters: 2 septets) or that forced UCS-2, and says why UCS-2 was chosen.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .alphabet import GSM7, GSM7_EXTENSION, SMART_ENCODING
from .charnames import char_label

if TYPE_CHECKING:
    from .encoding import Segmentation

_LIST_MAX = 10  # characters listed in "why UCS-2" and "replaced" before "and N more"
_VISIBLE = {"\n": "\u21b5\n", "\r": "\u240d", "\f": "\u240c"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _short(text: str) -> str:
    return repr(text) if len(text) <= 48 else f"{text[:30]!r}\u2026{text[-10:]!r}"


def headline(s: Segmentation) -> str:
    return (
        f"{s.encoding} \u00b7 {_plural(s.num_segments, 'segment')} \u00b7 {s.units} "
        f"{s.unit_name} \u00b7 {_plural(s.characters, 'character')}"
    )


def reasons(s: Segmentation) -> list[str]:
    """Sentences explaining the encoding: why UCS-2, what smart encoding did or could not do."""
    out: list[str] = []
    if s.replacements:
        out.append(
            f"Smart encoding replaced {_plural(len(s.replacements), 'character')}, "
            "making the body GSM-7:"
        )
        out += [
            f"  index {r.index}: {r.label} -> {r.replacement!r}" for r in s.replacements[:_LIST_MAX]
        ]
        if len(s.replacements) > _LIST_MAX:
            out.append(f"  ... and {len(s.replacements) - _LIST_MAX} more")
    if s.non_gsm:
        out.append(
            f"UCS-2 because {_plural(len(s.non_gsm), 'character')} "
            f"{'is' if len(s.non_gsm) == 1 else 'are'} not in the GSM-7 alphabet:"
        )
        groups: dict[str, list[int]] = {}
        for c in s.non_gsm:
            groups.setdefault(c.char, []).append(c.index)
        for n, (char, where) in enumerate(groups.items()):
            if n == _LIST_MAX:
                out.append(f"  ... and {len(groups) - _LIST_MAX} more distinct characters")
                break
            rep = SMART_ENCODING.get(char)
            hint = f" (smart encoding: {rep!r})" if rep is not None else ""
            times = f" x{len(where)}" if len(where) > 1 else ""
            at = ", ".join(map(str, where[:5])) + (", ..." if len(where) > 5 else "")
            out.append(f"  {char_label(char)}{times} at index {at}{hint}")
        blockers = [c for c in s.non_gsm if c.replacement is None]
        if s.smart and blockers:
            out.append(
                f"Smart encoding was not applied: {blockers[0].label} at index "
                f"{blockers[0].index} has no GSM-7 equivalent, so the body stays UCS-2."
            )
        elif s.smart:
            out.append("Smart encoding was not applied: it would leave the body empty.")
        elif all(c.replacement is not None for c in s.non_gsm):
            out.append(
                "With smart=True every one of them would be replaced and the body sent as GSM-7."
            )
    if s.encoding == GSM7:
        ext = [c for c in s.text if c in GSM7_EXTENSION]
        if ext:
            kinds = " ".join(sorted(set(ext), key=ext.index)).replace("\f", "\\f")
            out.append(
                f"{_plural(len(ext), 'extension character')} ({kinds}) cost 2 septets "
                "each: ESC + code."
            )
    for start in s.broken_clusters:
        out.append(
            f"The grapheme cluster at index {start} is larger than a segment, so it was "
            "split between code points."
        )
    return out


def describe(s: Segmentation) -> str:
    lines = [headline(s), *reasons(s)]
    width = len(str(s.capacity))
    for seg in s.segments:
        lines.append(
            f"  {seg.number}/{s.num_segments}  {seg.units:>{width}}/{seg.capacity} "
            f"{seg.unit_name}  {_short(seg.text)}"
        )
    return "\n".join(lines)


def _mark(text: str, title: str, colour: str) -> str:
    return (
        f'<span title="{escape(title)}" style="background:{colour};'
        f'border-radius:2px">{escape(text)}</span>'
    )


def _segment_html(s: Segmentation, text: str, start: int) -> str:
    if s.encoding == GSM7:
        pieces = []
        for ch in text:
            if ch in GSM7_EXTENSION:
                shown = _VISIBLE.get(ch, ch)
                pieces.append(_mark(shown, f"2 septets: ESC + {char_label(ch)}", "#fde68a"))
            else:
                pieces.append(escape(_VISIBLE.get(ch, ch)))
        return "".join(pieces)
    import regex

    bad = {c.index for c in s.non_gsm}
    pieces, pos = [], start
    for cluster in regex.findall(r"\X", text):
        if any(i in bad for i in range(pos, pos + len(cluster))):
            title = " + ".join(char_label(c) for c in cluster)
            pieces.append(_mark(cluster, f"not GSM-7: {title}", "#fecaca"))
        else:
            pieces.append(escape("".join(_VISIBLE.get(c, c) for c in cluster)))
        pos += len(cluster)
    return "".join(pieces)


def to_html(s: Segmentation) -> str:
    """Segments as boxes, extension characters in amber, non-GSM characters in red."""
    notes = "".join(
        f'<div style="margin:2px 0;white-space:pre-wrap">{escape(line)}</div>'
        for line in reasons(s)
    )
    boxes = []
    for seg in s.segments:
        fill = 100 * seg.units // seg.capacity
        boxes.append(
            '<div class="telenb-sms-segment" style="border:1px solid #9ca3af;'
            'border-radius:4px;padding:4px 6px;min-width:8em;max-width:28em">'
            f'<div style="font-size:11px;color:#4b5563">{seg.number}/{s.num_segments} '
            f"\u00b7 {seg.units}/{seg.capacity} {seg.unit_name} ({fill}%)</div>"
            '<div style="font-family:monospace;white-space:pre-wrap;word-break:break-all">'
            f"{_segment_html(s, seg.text, seg.start)}</div></div>"
        )
    return (
        '<div class="telenb-sms" style="font-family:sans-serif;font-size:13px">'
        f'<div style="margin-bottom:4px"><b>{escape(s.encoding)}</b> '
        f"\u00b7 {_plural(s.num_segments, 'segment')} \u00b7 {s.units} {s.unit_name} "
        f"\u00b7 {_plural(s.characters, 'character')}</div>"
        f'<div style="font-size:12px;color:#374151">{notes}</div>'
        '<div style="display:flex;flex-wrap:wrap;gap:6px;margin-top:4px">'
        f"{''.join(boxes)}</div></div>"
    )
