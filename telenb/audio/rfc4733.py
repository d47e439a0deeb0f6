"""RFC 4733 telephone-events: DTMF as RTP event payloads instead of audio.

The 4-byte payload (RFC 4733 section 2.3, Figure 1), network byte order::

    | event (8) |E|R| volume (6) |      duration (16)      |

`event` 0-9 are the digits, 10 '*', 11 '#', 12-15 'A'-'D' (section 3.2, Table 3);
`volume` is the power level with the sign dropped (0..63 means 0..-63 dBm0); `duration`
counts RTP timestamp units since the event began; E marks the final packet(s).

A sender repeats the payload while the tone lasts (same RTP timestamp, growing duration)
and sends the end packet three times (section 2.5.1.4). Events longer than 65535 units are
split into segments with new timestamps (section 2.5.1.3).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import AudioError
from .dtmf import DIGITS, DtmfEvent

MAX_DURATION = 0xFFFF


@dataclass(frozen=True)
class TelephoneEvent:
    """One telephone-event payload."""

    event: int
    end: bool = False
    volume: int = 10
    duration: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.event <= 255:
            raise AudioError(f"telephone-event code must be 0..255, got {self.event}")
        if not 0 <= self.volume <= 63:
            raise AudioError(f"volume is 0..63 (-dBm0), got {self.volume}")
        if not 0 <= self.duration <= MAX_DURATION:
            raise AudioError(
                f"duration must fit 16 bits (0..65535 timestamp units), got {self.duration}; "
                "split long events into segments"
            )

    @classmethod
    def from_digit(cls, digit: str, **kw) -> TelephoneEvent:
        code = DIGITS.find(str(digit).upper()) if len(str(digit)) == 1 else -1
        if code < 0:
            raise AudioError(f"{digit!r} is not a DTMF digit (0-9, *, #, A-D)")
        return cls(code, **kw)

    @property
    def digit(self) -> str | None:
        """The DTMF digit, or None for other events (16 is hook flash, 17+ registry codes)."""
        return DIGITS[self.event] if self.event < 16 else None

    def to_bytes(self) -> bytes:
        flags = (0x80 if self.end else 0) | self.volume  # R bit stays 0
        return struct.pack("!BBH", self.event, flags, self.duration)

    @classmethod
    def from_bytes(cls, data: bytes) -> TelephoneEvent:
        """Decode one payload block; the reserved R bit is ignored as the RFC requires."""
        if len(data) != 4:
            raise AudioError(f"a telephone-event payload is 4 bytes, got {len(data)}")
        event, flags, duration = struct.unpack("!BBH", bytes(data))
        return cls(event, bool(flags & 0x80), flags & 0x3F, duration)


def dtmf_to_packets(
    events: Iterable[DtmfEvent],
    clock_rate: int = 8000,
    interval_ms: float = 50.0,
    volume: int = 10,
) -> list[tuple[int, TelephoneEvent]]:
    """(RTP timestamp, payload) pairs a sender would emit for detected digits.

    Timestamps count from 0 at stream start in `clock_rate` units.
    """
    step = round(interval_ms * clock_rate / 1000)
    out: list[tuple[int, TelephoneEvent]] = []
    for ev in events:
        start = round(ev.start * clock_rate)
        total = max(round(ev.duration * clock_rate), 1)
        seg_start = start
        remaining = total
        while remaining > 0:
            seg = min(remaining, MAX_DURATION)
            last_segment = seg == remaining
            elapsed = step
            while elapsed < seg:
                out.append(
                    (
                        seg_start,
                        TelephoneEvent.from_digit(ev.digit, volume=volume, duration=elapsed),
                    )
                )
                elapsed += step
            final = TelephoneEvent.from_digit(
                ev.digit, end=last_segment, volume=volume, duration=seg
            )
            out += [(seg_start, final)] * (3 if last_segment else 1)
            seg_start += seg
            remaining -= seg
    return out


def packets_to_dtmf(
    packets: Iterable[tuple[int, TelephoneEvent]], clock_rate: int = 8000
) -> list[DtmfEvent]:
    """Digits from (timestamp, payload) pairs, tolerating repeats and segments."""
    longest: dict[int, TelephoneEvent] = {}
    for ts, pay in packets:
        if pay.digit is None:
            continue
        best = longest.get(ts)
        if best is None or pay.duration > best.duration or (pay.end and not best.end):
            longest[ts] = pay
    events: list[DtmfEvent] = []
    for ts in sorted(longest):
        pay = longest[ts]
        start, end = ts / clock_rate, (ts + pay.duration) / clock_rate
        prev = events[-1] if events else None
        if prev is not None and prev.digit == pay.digit and abs(prev.end - start) < 1e-9:
            events[-1] = DtmfEvent(prev.digit, prev.start, end)  # a continued segment
        else:
            events.append(DtmfEvent(pay.digit or "", start, end))  # digits only, see above
    return events
