"""SMS encoding and segments, counted as carriers and Twilio count them.

The rules (3GPP TS 23.038 for the alphabet, TS 23.040 for concatenation):

* A body is sent in **GSM-7** when every character is in the GSM 7-bit default alphabet or
  its extension table; otherwise the **whole** body is sent in **UCS-2** (in practice UTF-16:
  a character outside the BMP, such as most emoji, takes a surrogate pair, 2 code units).
* Sizes are in **septets** for GSM-7 (an extension character such as ``€ { } [ ] ~ \\ | ^``
  or form feed is ESC + char: 2 septets) and in **UTF-16 code units** for UCS-2.
* One segment holds 160 septets / 70 units.  A longer body is concatenated: each segment
  then loses 6 octets to the User Data Header and holds 153 septets / 67 units.
* Segments are filled greedily and never split a character: not an escape pair, not a
  surrogate pair, and not a grapheme cluster (UAX #29 extended grapheme clusters: flags,
  skin-tone emoji, ZWJ sequences, a letter and its combining marks, CR LF).  The one
  exception is a cluster bigger than a whole segment (say a letter with 100 combining
  marks): it is broken between code points (never inside a surrogate pair), filling the
  segments greedily, and its start is listed in `Segmentation.broken_clusters`.
* The body limit is Twilio's 1,600 characters, counted on the body as submitted (before
  smart encoding) in **UTF-16 code units**: Twilio documents that emoji and other
  characters "count as multiple characters", and UTF-16 length is what Java and
  JavaScript strings report.  An emoji outside the BMP counts 2; everything else counts 1.

* Smart encoding (opt-in) replaces look-alikes by GSM-7 text (see `alphabet.SMART_ENCODING`)
  only when that makes the whole body GSM-7, as Twilio announced it ("if there are GSM7/ASCII
  alternatives and no characters that can't be converted in the message").  It can cost
  segments: an ellipsis is 1 UCS-2 unit but 3 septets.

Keeping grapheme clusters whole is what Twilio's own segment calculator does; a carrier that
cuts between code points may, rarely, need one segment fewer than counted here.  Grapheme
clusters come from the `regex` module's ``\\X`` (imported only when a UCS-2 body needs
splitting, or `Segmentation.graphemes` is read).  A cut needs them only where it falls
next to a character that can join a cluster (a combining mark, ZWJ, a regional indicator,
a variation selector, Hangul jamo...): elsewhere every code point is a cluster of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import Any

from ..errors import MessageError
from .alphabet import GSM7, GSM7_CHARS, GSM7_EXTENSION, SMART_ENCODING, UCS2, Encoding
from .charnames import char_label
from .display import describe, to_html

#: Units in a lone segment and in each segment of a concatenated message.
SINGLE_SEGMENT: dict[str, int] = {GSM7: 160, UCS2: 70}
CONCATENATED_SEGMENT: dict[str, int] = {GSM7: 153, UCS2: 67}
UNIT_NAME: dict[str, str] = {GSM7: "septets", UCS2: "code units"}

#: Twilio's limit on a message body, in UTF-16 code units (see the module docstring).
MAX_BODY_LENGTH = 1600

#: Control characters SMS can carry: LF and CR (basic table) and form feed (extension).
ALLOWED_CONTROLS = frozenset("\n\r\f")

_NON_GSM = re.compile("[^" + "".join(re.escape(c) for c in sorted(GSM7_CHARS)) + "]")
_EXTENSION = re.compile("[" + "".join(re.escape(c) for c in GSM7_EXTENSION) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_CONTROL = re.compile("[\x00-\x09\x0b\x0e-\x1f\x7f-\x9f]")
_UNSENDABLE = re.compile("[\ud800-\udfff\x00-\x09\x0b\x0e-\x1f\x7f-\x9f]")  # one pass
_GSM7_WIDE = re.compile("\r\n|[" + "".join(re.escape(c) for c in GSM7_EXTENSION) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SMART = re.compile("[" + "".join(re.escape(c) for c in SMART_ENCODING) + "]")


def is_gsm7(text: str) -> bool:
    """True when every character of `text` is in the GSM-7 alphabet or extension table."""
    return _NON_GSM.search(text) is None


def septets(text: str) -> int:
    """Septets `text` takes in GSM-7 (extension characters count 2); assumes `is_gsm7`."""
    return len(text) + len(_EXTENSION.findall(text))


def utf16_units(text: str) -> int:
    """UTF-16 code units of `text`: 2 for a character outside the BMP, else 1."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def body_length(text: str) -> int:
    """Length of a body as measured against `MAX_BODY_LENGTH` (UTF-16 code units)."""
    return utf16_units(text)


def check_body(text: Any, max_length: int | None = MAX_BODY_LENGTH) -> str:
    """Return `text` if it can be sent as an SMS body, else raise `MessageError` saying why.

    The error's `code` is Twilio's for the same request: 21602 (no body), 21617 (over 1,600).
    """
    if not isinstance(text, str):
        hint = (
            " Decode it first, e.g. body.decode('utf-8')."
            if isinstance(text, bytes | bytearray)
            else " Pass the message text as a str."
        )
        raise MessageError(f"An SMS body must be str, not {type(text).__name__}.{hint}", code=21602)
    if not text:
        raise MessageError(
            "The SMS body is empty: a text message needs at least one character.", code=21602
        )
    suspect = _UNSENDABLE.search(text) is not None
    m = _SURROGATE.search(text) if suspect else None
    if m:
        i = m.start()
        pair = text[i : i + 2]
        if len(pair) == 2 and "\ud800" <= pair[0] <= "\udbff" and "\udc00" <= pair[1] <= "\udfff":
            what = (
                f"the UTF-16 surrogate pair U+{ord(pair[0]):04X} U+{ord(pair[1]):04X} at "
                f"index {i}, held as two code points"
            )
            fix = "Join such pairs with text.encode('utf-16', 'surrogatepass').decode('utf-16')."
        else:
            what = (
                f"a lone surrogate U+{ord(text[i]):04X} at index {i} (half of a UTF-16 "
                "pair, not a character)"
            )
            fix = "It usually comes from badly decoded bytes: fix the decoding or remove it."
        raise MessageError(f"The SMS body holds {what}. {fix}", position=i)
    bad = [(m.start(), m.group()) for m in _BAD_CONTROL.finditer(text)] if suspect else []
    if bad:
        first = ", ".join(f"{char_label(c)} at index {i}" for i, c in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        noun = "character" if len(bad) == 1 else "characters"
        raise MessageError(
            f"The SMS body holds {len(bad)} control {noun} SMS cannot carry: {first}{more}. "
            "Only line feed, carriage return and form feed are allowed; replace tabs with "
            "spaces and remove the others.",
            position=bad[0][0],
        )
    if max_length is not None:
        n = body_length(text)
        if n > max_length:
            raise MessageError(
                f"The SMS body is {n:,} characters long, {n - max_length:,} over the "
                f"{max_length:,}-character limit (counted in UTF-16 code units, as Twilio "
                "does: an emoji counts 2). Shorten it or send it as several messages.",
                position=_index_at_units(text, max_length),
                code=21617 if max_length == MAX_BODY_LENGTH else None,
            )
    return text


def _index_at_units(text: str, units: int) -> int:
    """Index of the first character that does not fit within `units` UTF-16 code units."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            return i
    return len(text)


@dataclass(frozen=True)
class Segment:
    """One SMS segment: its exact text and its size in the message's units."""

    number: int  #: 1-based position in the message
    text: str
    units: int  #: septets (GSM-7) or UTF-16 code units (UCS-2)
    capacity: int  #: 160/153 septets or 70/67 code units
    start: int  #: slice of `Segmentation.text`: text == body[start:end]
    end: int
    encoding: Encoding

    @property
    def free(self) -> int:
        """Units left unused in this segment."""
        return self.capacity - self.units

    @property
    def unit_name(self) -> str:
        return UNIT_NAME[self.encoding]


_new_object = object.__new__
_set_attribute = object.__setattr__


def _segment(
    number: int, text: str, units: int, capacity: int, start: int, end: int, encoding: Encoding
) -> Segment:
    """`Segment(...)` without the frozen dataclass's seven guarded assignments (the same
    object: fields in its __dict__); bodies are cut into many segments."""
    seg = _new_object(Segment)
    _set_attribute(
        seg,
        "__dict__",
        {
            "number": number,
            "text": text,
            "units": units,
            "capacity": capacity,
            "start": start,
            "end": end,
            "encoding": encoding,
        },
    )
    return seg


@dataclass(frozen=True)
class NonGsmChar:
    """A character that forced UCS-2, its index in the body, and its smart replacement."""

    char: str
    index: int
    replacement: str | None  #: what smart encoding would put instead, None if nothing

    @property
    def label(self) -> str:
        return char_label(self.char)


@dataclass(frozen=True)
class Replacement:
    """A character smart encoding replaced: index in `Segmentation.original`."""

    char: str
    index: int
    replacement: str

    @property
    def label(self) -> str:
        return char_label(self.char)


@dataclass(frozen=True)
class Segmentation:
    """How a body is encoded and cut into segments.  Build it with `segments()`."""

    original: str  #: the body as given
    text: str  #: the body as encoded: `original` after smart encoding, if applied
    encoding: Encoding
    segments: tuple[Segment, ...]
    replacements: tuple[Replacement, ...]  #: smart encoding's changes; indices into `original`
    smart: bool  #: smart encoding was asked for (see `replacements` for whether it applied)
    broken_clusters: tuple[int, ...] = ()  #: starts of clusters larger than a segment

    @property
    def num_segments(self) -> int:
        return len(self.segments)

    @property
    def units(self) -> int:
        """Total septets (GSM-7) or UTF-16 code units (UCS-2), headers not included."""
        return sum(s.units for s in self.segments)

    @property
    def unit_name(self) -> str:
        return UNIT_NAME[self.encoding]

    @property
    def characters(self) -> int:
        """Unicode code points in `text` (what Python's len counts)."""
        return len(self.text)

    @cached_property
    def non_gsm(self) -> tuple[NonGsmChar, ...]:
        """Why UCS-2: each character outside GSM-7 and its index in `text` (empty for GSM-7)."""
        if self.encoding == GSM7:
            return ()
        return tuple(
            NonGsmChar(m.group(), m.start(), SMART_ENCODING.get(m.group()))
            for m in _NON_GSM.finditer(self.text)
        )

    @cached_property
    def graphemes(self) -> int:
        """User-perceived characters (extended grapheme clusters) in `text`."""
        import regex

        return len(regex.findall(r"\X", self.text))

    @property
    def concatenated(self) -> bool:
        return len(self.segments) > 1

    @property
    def capacity(self) -> int:
        """Units each segment of this message can hold."""
        return self.segments[0].capacity

    def __repr__(self) -> str:
        smart = f", replacements={len(self.replacements)}" if self.replacements else ""
        return (
            f"Segmentation(encoding={self.encoding!r}, num_segments={self.num_segments}, "
            f"units={self.units}, characters={self.characters}{smart})"
        )

    def describe(self) -> str:
        """A plain-text, deterministic account: the counts, why UCS-2, and each segment."""
        return describe(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self) if cycle else self.describe())

    def _repr_html_(self) -> str:
        return to_html(self)


def smart_replace(text: str) -> tuple[str, tuple[Replacement, ...]]:
    """Replace every look-alike character that has a GSM-7 equivalent; report each change."""
    reps = tuple(
        Replacement(m.group(), m.start(), SMART_ENCODING[m.group()]) for m in _SMART.finditer(text)
    )
    if not reps:
        return text, ()
    return _SMART.sub(lambda m: SMART_ENCODING[m.group()], text), reps


def segments(
    text: str, *, smart: bool = False, max_length: int | None = MAX_BODY_LENGTH
) -> Segmentation:
    """Encode `text` as an SMS body and cut it into segments exactly as carriers count them.

    With ``smart=True`` look-alike characters (curly quotes, dashes, ellipsis, odd spaces...)
    are replaced by GSM-7 equivalents, but, as Twilio does, only when that makes the whole
    body GSM-7: a body that would stay UCS-2 anyway (an emoji, Cyrillic...) is sent as is.
    `max_length` is the body limit in UTF-16 code units (None: no limit).
    Raises `MessageError` for a body that cannot be sent (see `check_body`).
    """
    check_body(text, max_length)
    body = text
    replacements: tuple[Replacement, ...] = ()
    gsm = is_gsm7(text)
    if smart and not gsm:
        replaced, reps = smart_replace(text)
        if replaced and is_gsm7(replaced):
            body, replacements, gsm = replaced, reps, True
    if gsm:
        encoding: Encoding = GSM7
        total = septets(body)
        cuts, broken = ([(0, len(body), total)], []) if total <= 160 else _cut_gsm7(body)
    else:
        encoding = UCS2
        total = utf16_units(body)
        cuts, broken = ([(0, len(body), total)], []) if total <= 70 else _cut_ucs2(body)
    capacity = (SINGLE_SEGMENT if len(cuts) == 1 else CONCATENATED_SEGMENT)[encoding]
    segs = tuple(
        _segment(n, body[a:b], u, capacity, a, b, encoding) for n, (a, b, u) in enumerate(cuts, 1)
    )
    return Segmentation(text, body, encoding, segs, replacements, smart, tuple(broken))


def _cut_gsm7(body: str) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Greedy 153-septet cuts.  Only escape pairs and CR LF (one grapheme cluster, UAX #29
    GB3) are wider than one septet or unsplittable, so plain runs between them are jumped."""
    cap = CONCATENATED_SEGMENT[GSM7]
    n = len(body)
    cuts: list[tuple[int, int, int]] = []
    start = used = pos = 0
    for m in _GSM7_WIDE.finditer(body):
        wide = m.start()
        while wide - pos > cap - used:  # the plain run up to `wide` overflows: cut inside it
            pos += cap - used
            cuts.append((start, pos, cap))
            start, used = pos, 0
        used += wide - pos
        if used + 2 > cap:  # the escape pair or CR LF moves whole to the next segment
            cuts.append((start, wide, used))
            start, used = wide, 0
        used += 2
        pos = m.end()
    while n - pos > cap - used:
        pos += cap - used
        cuts.append((start, pos, cap))
        start, used = pos, 0
    cuts.append((start, n, used + n - pos))
    return cuts, []


def _cut_ucs2(body: str) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Greedy 67-unit cuts at grapheme cluster boundaries; a cluster wider than a segment
    is broken between code points (so never inside a surrogate pair)."""
    cap = CONCATENATED_SEGMENT[UCS2]
    fast = _cut_code_points(body, cap)
    if fast is not None:
        return fast, []

    atoms: list[str] = _clusters().findall(body)
    if _ASTRAL.search(body) is None:
        widths = list(map(len, atoms))
    else:
        widths = [1 if len(a) == 1 and a < "\U00010000" else utf16_units(a) for a in atoms]
    broken: list[int] = []
    if max(widths) > cap:
        atoms, widths, broken = _break_clusters(atoms, widths, cap)
    units = list(accumulate(widths, initial=0))
    chars = list(accumulate(map(len, atoms), initial=0))
    cuts: list[tuple[int, int, int]] = []
    i, m = 0, len(atoms)
    while i < m:
        j = bisect_right(units, units[i] + cap, i + 1) - 1  # most atoms that fit from i
        cuts.append((chars[i], chars[j], units[j] - units[i]))
        i = j
    return cuts, broken


_JOINERS: Any = None
_CLUSTERS: Any = None


def _clusters() -> Any:
    """``\\X`` compiled once: `regex`'s own pattern cache costs microseconds per call."""
    global _CLUSTERS
    if _CLUSTERS is None:
        import regex

        _CLUSTERS = regex.compile(r"\X")
    return _CLUSTERS


def _joiners() -> Any:
    """Characters that can join a grapheme cluster with a neighbour (UAX #29 GB3-GB13:
    CR, Hangul jamo and syllables, Extend, ZWJ, SpacingMark, Prepend, regional indicators).
    Between two characters outside this set there is always a cluster boundary."""
    global _JOINERS
    if _JOINERS is None:
        import regex

        props = [
            "Extend",
            "ZWJ",
            "SpacingMark",
            "Prepend",
            "L",
            "V",
            "T",
            "LV",
            "LVT",
            "Regional_Indicator",
        ]
        _JOINERS = regex.compile(
            "[\r" + "".join(f"\\p{{Grapheme_Cluster_Break={p}}}" for p in props) + "]"
        )
    return _JOINERS


_JOINING: set[str] = set()  # characters seen so far, sorted by `_joiners`
_PLAIN: set[str] = set()


def _joining_chars(chars: set[str]) -> set[str]:
    """The joining characters among `chars`, each tested once per process: bodies repeat
    few distinct characters, and set arithmetic beats a Unicode property class per body."""
    new = chars - _PLAIN - _JOINING
    if new:
        pattern = _joiners()
        for ch in new:
            (_JOINING if pattern.match(ch) else _PLAIN).add(ch)
    return chars & _JOINING


def _cut_code_points(body: str, cap: int) -> list[tuple[int, int, int]] | None:
    """Greedy cuts of `cap` code units without listing every cluster: between two
    characters that cannot join (see `_joiners`) there is always a boundary, so clusters are
    found (by ``\\X``) only in the islands around joining characters that a cut falls in.
    Returns None when a cluster is wider than a segment (the general path handles that)."""

    islands: list[tuple[int, int]] = []  # [s, e): both ends are certain cluster boundaries
    chars = set(body)
    present = _joining_chars(chars)
    found = re.finditer("[" + re.escape("".join(sorted(present))) + "]", body) if present else ()
    # positions of characters outside the BMP (2 code units each)
    wide = [m.start() for m in _ASTRAL.finditer(body)] if max(chars) >= "\U00010000" else []

    def units(a: int, b: int) -> int:
        return b - a + (bisect_left(wide, b) - bisect_left(wide, a) if wide else 0)

    for m in found:
        s, e = max(m.start() - 1, 0), m.start() + 2
        if islands and s <= islands[-1][1]:
            islands[-1] = (islands[-1][0], e)
        else:
            islands.append((s, e))
    starts = [s for s, _ in islands]
    cuts: list[tuple[int, int, int]] = []
    n, a = len(body), 0
    while a < n:
        b = min(a + cap, n)
        used = units(a, b)
        while used > cap:  # astral characters: drop at least half the excess, re-measure
            b -= (used - cap + 1) // 2
            used = units(a, b)
        k = bisect_right(starts, b - 1) - 1
        if b < n and k >= 0 and islands[k][1] > b > islands[k][0]:  # b inside an island
            s = islands[k][0]
            bound = s
            for atom in _clusters().findall(body[s : islands[k][1]]):
                if bound + len(atom) > b:
                    break
                bound += len(atom)
            if bound <= a:
                return None
            b = bound
            used = units(a, b)
        cuts.append((a, b, used))
        a = b
    return cuts


def _break_clusters(
    atoms: list[str], widths: list[int], cap: int
) -> tuple[list[str], list[int], list[int]]:
    """Replace each cluster wider than `cap` by its code points; list where those start."""
    out_atoms: list[str] = []
    out_widths: list[int] = []
    broken: list[int] = []
    pos = 0
    for atom, width in zip(atoms, widths, strict=True):
        if width > cap:
            broken.append(pos)
            out_atoms += atom
            out_widths += [2 if ord(ch) > 0xFFFF else 1 for ch in atom]
        else:
            out_atoms.append(atom)
            out_widths.append(width)
        pos += len(atom)
    return out_atoms, out_widths, broken
