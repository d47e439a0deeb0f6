"""Twilio-shaped identifiers (two-letter prefix + 32 hex digits) from a seeded generator."""

from __future__ import annotations

import random

PREFIXES = {
    "call": "CA",
    "message": "SM",
    "mms": "MM",  # a message with media
    "media": "ME",
    "recording": "RE",
    "conference": "CF",
    "account": "AC",
    "transcription": "TR",
    "queue": "QU",
    "number": "PN",
    "application": "AP",
    "key": "SK",
}


class SidFactory:
    """Deterministic SIDs: the same seed gives the same sequence of identifiers."""

    __slots__ = ("_rng",)

    def __init__(self, seed: int | str):
        self._rng = random.Random(f"sids:{seed}")

    def new(self, kind: str) -> str:
        return PREFIXES[kind] + f"{self._rng.getrandbits(128):032x}"


def is_sid(value: str, kind: str | None = None) -> bool:
    if not isinstance(value, str) or len(value) != 34:
        return False
    prefix_ok = value[:2] == PREFIXES[kind] if kind else value[:2] in PREFIXES.values()
    try:
        int(value[2:], 16)
    except ValueError:
        return False
    return prefix_ok and value[2:] == value[2:].lower()
