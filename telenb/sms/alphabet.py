"""The GSM 7-bit default alphabet (3GPP TS 23.038, 6.2.1) and Twilio-style smart encoding.

Kept apart from the segmenting code so the tables can be read (and checked) against the
spec on their own.  Everything here is plain data: importing it costs nothing.
"""

from __future__ import annotations

from typing import Literal

#: The two encodings an SMS body can take (TS 23.038): 7-bit default alphabet or UCS-2.
GSM7: Literal["GSM-7"] = "GSM-7"
UCS2: Literal["UCS-2"] = "UCS-2"
Encoding = Literal["GSM-7", "UCS-2"]

#: The 128 characters of the default alphabet, indexed by septet value (TS 23.038 6.2.1).
#: Position 0x1B is the escape to the extension table; it stands for no character, so it
#: holds a placeholder (ESC, U+001B) that `GSM7_BASIC_CHARS` leaves out.  The Greek capitals
#: are written as escapes so that no Latin look-alike can slip in.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"  # 0x00-0x0F (0x09 is capital C cedilla in the current spec)
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\x1bÆæßÉ"  # 0x10-0x1F
    " !\"#¤%&'()*+,-./"  # 0x20-0x2F (0x24 is the currency sign, not $)
    "0123456789:;<=>?"  # 0x30-0x3F
    "¡ABCDEFGHIJKLMNO"  # 0x40-0x4F
    "PQRSTUVWXYZÄÖÑÜ§"  # 0x50-0x5F
    "¿abcdefghijklmno"  # 0x60-0x6F
    "pqrstuvwxyzäöñüà"  # 0x70-0x7F
)

#: Septet value of the escape to the extension table.
ESC = 0x1B

#: The extension table (TS 23.038 6.2.1.1): each is sent as ESC + this septet, 2 septets.
#: Form feed is in it (as a page break); LF and CR are in the basic table (1 septet each).
GSM7_EXTENSION: dict[str, int] = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

#: Character -> septet for the basic table (ESC excluded: it is not a character).
GSM7_BASIC_CHARS: dict[str, int] = {c: i for i, c in enumerate(GSM7_BASIC) if i != ESC}

#: Every character GSM-7 can carry.
GSM7_CHARS: frozenset[str] = frozenset(GSM7_BASIC_CHARS) | frozenset(GSM7_EXTENSION)

#: Septet -> character on decoding an escape pair.
GSM7_EXTENSION_DECODE: dict[int, str] = {v: k for k, v in GSM7_EXTENSION.items()}


def _table(*groups: tuple[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for replacement, chars in groups:
        for ch in chars:
            out[ch] = replacement
    return out


#: Smart encoding: look-alike Unicode -> GSM-7 text.  Modelled on Twilio's published "List of
#: characters replaced by Smart Encoding" (Messaging Services), grouped here by replacement.
#: Where that list or its copies looked wrong we chose the evident intent and say so:
#: no-break and other wide spaces become ONE space; U+2039/U+203A become < and >; the C0/C1
#: control characters some copies add are left out (telenb rejects control characters).
SMART_ENCODING: dict[str, str] = _table(
    ('"', "\u00ab\u00bb\u201c\u201d\u02ba\u02ee\u201f\u275d\u275e\u301d\u301e\uff02\u201e"),
    (
        "'",
        "\u2018\u2019\u02bb\u02c8\u02bc\u02bd\u02b9\u201b\uff07\u00b4\u02ca\u0060\u02cb"
        "\u275b\u275c\u0313\u0314\ufe10\ufe11",
    ),
    ("/", "\u00f7\u29f8\u0337\u0338\u2044\u2215\uff0f"),
    ("1/4", "\u00bc"),
    ("1/2", "\u00bd"),
    ("3/4", "\u00be"),
    ("\\", "\u29f9\u29f5\u20e5\ufe68\uff3c"),
    ("_", "\u0332\uff3f"),
    ("|", "\u20d2\u20d3\u2223\uff5c\u23b8\u23b9\u23d0\u239c\u239f"),
    ("-", "\u23bc\u23bd\u2015\ufe63\uff0d\u2010\u2043\u2013\u2014\u2022"),
    ("@", "\ufe6b\uff20"),
    ("$", "\ufe69\uff04"),
    ("!", "\u01c3\ufe15\ufe57\uff01"),
    ("#", "\ufe5f\uff03"),
    ("%", "\ufe6a\uff05"),
    ("&", "\ufe60\uff06"),
    (",", "\u201a\u0326\ufe50\ufe51\uff0c\uff64\u3001"),
    ("(", "\u2768\u276a\ufe59\uff08\u27ee\u2985"),
    (")", "\u2769\u276b\ufe5a\uff09\u27ef\u2986"),
    (
        "*",
        "\u204e\u2217\u229b\u2722\u2723\u2724\u2725\u2731\u2732\u2733\u273a\u273b\u273c"
        "\u273d\u2743\u2749\u274a\u274b\u29c6\ufe61\uff0a",
    ),
    ("+", "\u02d6\ufe62\uff0b"),
    (".", "\u3002\ufe52\uff0e\uff61"),
    (":", "\u02d0\u02f8\u2982\ua789\ufe13\uff1a"),
    (";", "\u204f\ufe14\ufe54\uff1b"),
    ("<", "\ufe64\uff1c\u2039"),
    ("=", "\u0347\ua78a\ufe66\uff1d"),
    (">", "\ufe65\uff1e\u203a"),
    ("?", "\ufe16\ufe56\uff1f"),
    ("^", "\u02c6\u0302\uff3e\u1dcd"),
    ("{", "\u2774\ufe5b\uff5b"),
    ("}", "\u2775\ufe5c\uff5d"),
    ("[", "\uff3b"),
    ("]", "\uff3d"),
    ("~", "\u02dc\u02f7\u0303\u0330\u0334\u223c\uff5e"),
    (
        " ",
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
        "\u205f\u3000\u2028\u2029",
    ),
    ("", "\u200b\u2060\ufeff"),  # zero-width characters vanish
    ("!!", "\u203c"),
    ("...", "\u2026"),
    # Fullwidth digits and capitals (U+FF10-FF19, U+FF21-FF3A) and small capitals.
    *((chr(0x30 + i), chr(0xFF10 + i)) for i in range(10)),
    *((chr(0x41 + i), chr(0xFF21 + i)) for i in range(26)),
    ("A", "\u1d00"),
    ("B", "\u0299"),
    ("C", "\u1d04"),
    ("D", "\u1d05"),
    ("E", "\u1d07"),
    ("F", "\ua730"),
    ("G", "\u0262"),
    ("H", "\u029c"),
    ("I", "\u026a"),
    ("J", "\u1d0a"),
    ("K", "\u1d0b"),
    ("L", "\u029f"),
    ("M", "\u1d0d"),
    ("N", "\u0274"),
    ("O", "\u1d0f"),
    ("P", "\u1d18"),
    ("R", "\u0280"),
    ("S", "\ua731"),
    ("T", "\u1d1b"),
    ("U", "\u1d1c"),
    ("V", "\u1d20"),
    ("W", "\u1d21"),
    ("Y", "\u028f"),
    ("Z", "\u1d22"),
)
