"""RFC 4733 telephone-event payloads, checked against the bit layout of RFC 4733 Figure 1."""

from __future__ import annotations

import pytest

from telenb.audio.dtmf import DtmfEvent
from telenb.audio.rfc4733 import TelephoneEvent, dtmf_to_packets, packets_to_dtmf
from telenb.errors import AudioError


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        # event=digit '1' (code 1), E=1, volume 10, duration 800 -> 01 | 1 0 001010 | 0x0320
        (TelephoneEvent(1, end=True, volume=10, duration=800), bytes([0x01, 0x8A, 0x03, 0x20])),
        # '#' is code 11, not final, volume 63, duration 0xFFFF
        (TelephoneEvent(11, end=False, volume=63, duration=65535), bytes([0x0B, 0x3F, 0xFF, 0xFF])),
        # 'D' is code 15, volume 0 (0 dBm0), duration 160 (20 ms at 8 kHz)
        (TelephoneEvent(15, end=True, volume=0, duration=160), bytes([0x0F, 0x80, 0x00, 0xA0])),
    ],
)
def test_payload_layout(event, expected):
    assert event.to_bytes() == expected
    assert TelephoneEvent.from_bytes(expected) == event


def test_event_codes_per_rfc_table():
    codes = {"0": 0, "1": 1, "9": 9, "*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15}
    for digit, code in codes.items():
        assert TelephoneEvent.from_digit(digit).event == code
        assert TelephoneEvent(code).digit == digit
    assert TelephoneEvent(16).digit is None  # hook flash is not a DTMF digit


def test_reserved_bit_is_ignored_on_receive():
    assert TelephoneEvent.from_bytes(bytes([0x05, 0xCA, 0x00, 0x50])) == TelephoneEvent(
        5, end=True, volume=10, duration=80
    )


def test_packet_sequence_and_round_trip():
    events = [DtmfEvent("5", 0.1, 0.22), DtmfEvent("#", 0.3, 0.35)]
    packets = dtmf_to_packets(events, interval_ms=50)
    five = [p for ts, p in packets if ts == 800]
    # updates every 50 ms (400 units) with growing duration, then the end packet 3 times
    assert [p.duration for p in five] == [400, 800, 960, 960, 960]
    assert [p.end for p in five] == [False, False, True, True, True]
    assert packets_to_dtmf(packets) == events


def test_long_events_are_segmented():
    long = DtmfEvent("0", 0.0, 10.0)  # 80,000 units at 8 kHz > 65,535
    packets = dtmf_to_packets([long])
    stamps = sorted({ts for ts, _ in packets})
    assert stamps == [0, 65535]
    assert all(p.duration <= 65535 for _, p in packets)
    assert [p.end for ts, p in packets if ts == 0].count(True) == 0
    assert packets_to_dtmf(packets) == [long]


def test_errors():
    with pytest.raises(AudioError, match="4 bytes"):
        TelephoneEvent.from_bytes(b"\x01\x02")
    with pytest.raises(AudioError, match="65535"):
        TelephoneEvent(1, duration=70000)
    with pytest.raises(AudioError, match=r"0\.\.63"):
        TelephoneEvent(1, volume=64)
    with pytest.raises(AudioError, match="DTMF digit"):
        TelephoneEvent.from_digit("x")
