"""A small, safe SSML subset: ``<speak>``, ``<break>``, ``<say-as>``, ``<prosody>``,
``<p>``/``<s>``, ``<sub>``, ``<emphasis>``.

SSML is turned into engine-neutral `Segment`s and `Break`s, so every engine (espeak,
piper, ...) honours the same subset.  Parsing uses defusedxml: entity expansion and
external references are refused.  Unknown elements keep their text and lose their tag,
as real TTS engines do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from ..errors import SpeechError

_TAG_HINT = re.compile(r"<\s*(speak|break|say-as|prosody|sub|emphasis|p|s)\b", re.I)


@dataclass(frozen=True)
class Segment:
    """Text spoken with relative speed and pitch factors and a volume change in dB."""

    text: str
    speed: float = 1.0
    pitch: float = 1.0
    volume_db: float = 0.0


@dataclass(frozen=True)
class Break:
    seconds: float


Item = Segment | Break

_RATE = {"x-slow": 0.5, "slow": 0.75, "medium": 1.0, "default": 1.0, "fast": 1.25, "x-fast": 1.6}
_PITCH = {"x-low": 0.6, "low": 0.8, "medium": 1.0, "default": 1.0, "high": 1.2, "x-high": 1.4}
_VOLUME = {"silent": -100.0, "x-soft": -12.0, "soft": -6.0, "medium": 0.0, "default": 0.0,
           "loud": 6.0, "x-loud": 12.0}  # fmt: skip
_STRENGTH = {"none": 0.0, "x-weak": 0.1, "weak": 0.2, "medium": 0.4, "strong": 0.7,
             "x-strong": 1.2}  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip


def is_ssml(text: str) -> bool:
    """True when `text` uses any supported SSML tag."""
    return bool(_TAG_HINT.search(text))


def parse(text: str) -> list[Item]:
    """SSML (or a fragment with tags) -> segments and breaks; plain text -> one segment."""
    if not is_ssml(text):
        return [Segment(text)] if text.strip() else []

    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    src = text.strip()
    if not re.match(r"(<\?xml[^>]*>\s*)?<speak\b", src):
        src = f"<speak>{src}</speak>"
    try:
        root = DET.fromstring(src)
    except (ParseError, DefusedXmlException) as exc:
        raise SpeechError(f"the SSML cannot be parsed: {exc}. Text was: {text[:200]!r}") from exc
    items: list[Item] = []
    _walk(root, Segment(""), items)
    return _merge(items)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _walk(el, style: Segment, out: list[Item]) -> None:
    tag = _local(el.tag)
    if tag == "break":
        out.append(Break(_break_seconds(el.get("time"), el.get("strength"))))
        _text(el.tail, style, out)
        return
    inner = style
    if tag == "prosody":
        inner = Segment(
            "",
            style.speed * _factor(el.get("rate"), _RATE, "rate"),
            style.pitch * _pitch(el.get("pitch")),
            style.volume_db + _volume(el.get("volume")),
        )
    if tag == "say-as":
        _text(say_as(el.text or "", el.get("interpret-as", ""), el.get("format")), inner, out)
    elif tag == "sub":
        _text(el.get("alias", el.text or ""), inner, out)
    else:
        _text(el.text, inner, out)
        for child in el:
            _walk(child, inner, out)
    if tag in ("p", "s"):
        out.append(Break(0.5 if tag == "p" else 0.3))
    _text(el.tail, style, out)


def _text(text: str | None, style: Segment, out: list[Item]) -> None:
    if text and text.strip():
        out.append(Segment(" ".join(text.split()), style.speed, style.pitch, style.volume_db))


def _merge(items: list[Item]) -> list[Item]:
    """Join neighbouring segments of the same style and neighbouring breaks."""
    out: list[Item] = []
    for it in items:
        prev = out[-1] if out else None
        if (
            isinstance(it, Segment)
            and isinstance(prev, Segment)
            and ((prev.speed, prev.pitch, prev.volume_db) == (it.speed, it.pitch, it.volume_db))
        ):
            out[-1] = Segment(f"{prev.text} {it.text}", it.speed, it.pitch, it.volume_db)
        elif isinstance(it, Break) and isinstance(prev, Break):
            out[-1] = Break(prev.seconds + it.seconds)
        else:
            out.append(it)
    while out and isinstance(out[-1], Break) and out[-1].seconds <= 0.5:
        out.pop()  # a trailing sentence pause adds nothing
    return out


def _break_seconds(time: str | None, strength: str | None) -> float:
    if time:
        m = re.fullmatch(r"\s*([\d.]+)\s*(ms|s)?\s*", time)
        if not m:
            raise SpeechError(f"SSML <break time={time!r}>: use a time like '500ms' or '1.5s'")
        value = float(m[1]) / (1000 if m[2] == "ms" else 1)
        return min(value, 10.0)
    return _STRENGTH.get((strength or "medium").lower(), 0.4)


def _factor(value: str | None, names: dict[str, float], what: str) -> float:
    if not value:
        return 1.0
    v = value.strip().lower()
    if v in names:
        return names[v]
    m = re.fullmatch(r"([+-]?[\d.]+)%", v)
    if m:
        n = float(m[1])
        return max(0.1, 1 + n / 100 if v[0] in "+-" else n / 100)
    try:
        return max(0.1, float(v))
    except ValueError:
        raise SpeechError(f"SSML <prosody {what}={value!r}> is not understood") from None


def _pitch(value: str | None) -> float:
    if value and (m := re.fullmatch(r"\s*([+-]?[\d.]+)\s*st\s*", value)):
        return 2 ** (float(m[1]) / 12)
    if value and (m := re.fullmatch(r"\s*([+-][\d.]+)\s*hz\s*", value.lower())):
        return max(0.1, 1 + float(m[1]) / 120)  # relative to a typical 120 Hz voice
    return _factor(value, _PITCH, "pitch")


def _volume(value: str | None) -> float:
    if not value:
        return 0.0
    v = value.strip().lower()
    if v in _VOLUME:
        return _VOLUME[v]
    m = re.fullmatch(r"([+-]?[\d.]+)\s*db", v)
    if m:
        return float(m[1])
    raise SpeechError(f"SSML <prosody volume={value!r}>: use e.g. 'loud' or '+6dB'")


def say_as(text: str, interpret_as: str, fmt: str | None = None) -> str:
    """Expand a ``<say-as>`` so any engine reads it right."""
    kind = interpret_as.lower()
    t = text.strip()
    if kind in ("digits", "characters", "spell-out", "verbatim"):
        return " ".join(ch for ch in t if not ch.isspace())
    if kind == "telephone":
        groups = re.findall(r"[0-9*#]+", t)
        return ", ".join(" ".join(g) for g in groups)
    if kind in ("number", "cardinal"):
        return t.replace(",", "").replace(" ", "")
    if kind == "ordinal":
        n = int(re.sub(r"\D", "", t) or 0)
        return _ordinal(n)
    if kind == "date":
        return _date(t, (fmt or "mdy").lower())
    return t


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _date(text: str, fmt: str) -> str:
    parts = [p for p in re.split(r"[-/.\s]+", text) if p]
    if len(parts) != len(fmt) or not all(p.isdigit() for p in parts):
        return text
    got = dict(zip(fmt, (int(p) for p in parts), strict=True))
    month = MONTHS[got["m"] - 1] if 1 <= got.get("m", 0) <= 12 else None
    out = []
    if month:
        out.append(month)
    if "d" in got:
        out.append(_ordinal(got["d"]))
    text_out = " ".join(out)
    if "y" in got:
        text_out = f"{text_out}, {got['y']}" if text_out else str(got["y"])
    return text_out
