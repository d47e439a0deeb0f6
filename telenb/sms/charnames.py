"""How errors and displays name a character: one place, so an error message and the segment
view never disagree about what a character is called."""

from __future__ import annotations

import unicodedata

_CONTROL_NAMES = {
    0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0B: "VERTICAL TAB",
    0x1B: "ESC", 0x7F: "DEL", 0x85: "NEXT LINE",
}  # fmt: skip


def char_label(ch: str) -> str:
    """'U+201C LEFT DOUBLE QUOTATION MARK': how errors and displays name a character."""
    cp = ord(ch)
    name = _CONTROL_NAMES.get(cp) or unicodedata.name(ch, "")
    if not name and unicodedata.category(ch) == "Cc":
        name = "control character"
    return f"U+{cp:04X} {name}".rstrip()
