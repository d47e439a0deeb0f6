"""The rules from the specs, written out again for the tests, independently of telenb.sms.

3GPP TS 23.038 6.2.1 (default alphabet) and 6.2.1.1 (extension table), TS 23.040
(concatenation: a 6-octet User Data Header), and UAX #29 grapheme clusters (via `regex`).
"""

from __future__ import annotations

import regex

# TS 23.038 6.2.1 as Unicode code points, row by row (None: 0x1B, the escape).
SPEC_BASIC = [
    0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
    0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
    0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
    0x03A3, 0x0398, 0x039E, None, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
    0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027,
    *range(0x28, 0x40),
    0x00A1, *range(0x41, 0x5B), 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
    0x00BF, *range(0x61, 0x7B), 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
]  # fmt: skip
assert len(SPEC_BASIC) == 128

# TS 23.038 6.2.1.1: code after ESC -> code point.
SPEC_EXTENSION = {
    0x0A: 0x000C, 0x14: 0x005E, 0x28: 0x007B, 0x29: 0x007D, 0x2F: 0x005C,
    0x3C: 0x005B, 0x3D: 0x007E, 0x3E: 0x005D, 0x40: 0x007C, 0x65: 0x20AC,
}  # fmt: skip

BASIC_CHARS = {chr(c) for c in SPEC_BASIC if c is not None}
EXT_CHARS = {chr(c) for c in SPEC_EXTENSION.values()}
GSM_CHARS = BASIC_CHARS | EXT_CHARS

SINGLE = {"GSM-7": 160, "UCS-2": 70}
MULTI = {"GSM-7": 153, "UCS-2": 67}


def cost(text: str, encoding: str) -> int:
    """Septets (extension characters: ESC + code) or UTF-16 code units."""
    if encoding == "GSM-7":
        return sum(2 if ch in EXT_CHARS else 1 for ch in text)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def clusters(text: str) -> list[str]:
    return regex.findall(r"\X", text)


def cluster_boundaries(text: str) -> set[int]:
    out, pos = {0}, 0
    for c in clusters(text):
        pos += len(c)
        out.add(pos)
    return out


def atoms(text: str, encoding: str, cap: int) -> list[str]:
    """What may not be split: clusters, or code points of a cluster bigger than `cap`."""
    out: list[str] = []
    for c in clusters(text):
        out.extend(list(c) if cost(c, encoding) > cap else [c])
    return out


def min_segments(text: str, encoding: str) -> int:
    """Fewest segments any cutting at atom boundaries can reach (dynamic programming)."""
    if cost(text, encoding) <= SINGLE[encoding]:
        return 1
    cap = MULTI[encoding]
    widths = [cost(a, encoding) for a in atoms(text, encoding, cap)]
    n = len(widths)
    best = [0] + [n + 1] * n  # best[i]: segments for the first i atoms
    for end in range(1, n + 1):
        used, start = 0, end
        while start > 0 and used + widths[start - 1] <= cap:
            used += widths[start - 1]
            start -= 1
            best[end] = min(best[end], best[start] + 1)
    return best[n]
