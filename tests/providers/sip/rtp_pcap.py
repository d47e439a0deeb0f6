"""RFC 4733 telephone-event packets written as a pcap file that sipp's `play_pcap_audio` replays.

Built by hand (no scapy): the libpcap file format (a 24-byte global header, then a 16-byte
record header per packet, link type 1 = Ethernet), an IPv4/UDP frame around each RTP packet
(RFC 3550 §5.1: V=2, marker, payload type, sequence number, timestamp, SSRC) whose payload is
an RFC 4733 §2.3 event (event code, E bit and volume, duration in timestamp units).  sipp
sends each UDP payload to the callee's media port at the pcap's own relative times.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

EVENTS = {**{str(d): d for d in range(10)}, "*": 10, "#": 11}  # RFC 4733 §3.2 codes


@dataclass
class Packet:
    at: float  # seconds from the first packet
    pt: int
    seq: int
    ts: int  # the event's RTP timestamp (its start), the same in every packet of the event
    digit: str
    duration: int  # timestamp units (8 kHz samples) since the event began
    end: bool = False
    marker: bool = False


def rtp(p: Packet, ssrc: int = 0x1234ABCD) -> bytes:
    head = struct.pack("!BBHII", 0x80, (0x80 if p.marker else 0) | p.pt, p.seq & 0xFFFF,
                       p.ts & 0xFFFFFFFF, ssrc)  # fmt: skip
    event = struct.pack("!BBH", EVENTS[p.digit], (0x80 if p.end else 0) | 10, p.duration)
    return head + event


def event(digit: str, *, at: float, ts: int, seq: int, pt: int = 101, length: float = 0.1,
          every: float = 0.05, ends: int = 3, start: bool = True) -> list[Packet]:  # fmt: skip
    """One key as RFC 4733 §2.5.1 sends it: the start packet (marker set), an update every
    `every` seconds, then the end packet `ends` times (§2.5.1.4: the final packet is sent
    three times).  `start=False` drops everything but the end packets, as a lossy path would."""
    out: list[Packet] = []
    n = max(int(length / every), 1)
    for i in range(n):
        out.append(Packet(at + i * every, pt, 0, ts, digit, round(i * every * 8000) + 160,
                          marker=i == 0))  # fmt: skip
    final = round(length * 8000)
    tail = at + length
    out = out if start else []
    out += [Packet(tail + k * 0.005, pt, 0, ts, digit, final, end=True) for k in range(ends)]
    for k, p in enumerate(out):
        p.seq = seq + k
    return out


def write_pcap(path: Path, packets: list[Packet]) -> Path:
    """The packets as UDP datagrams 10.0.0.1:6000 -> 10.0.0.2:6000 (sipp rewrites both)."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    base = 1_700_000_000
    for p in sorted(packets, key=lambda q: q.at):
        payload = rtp(p)
        udp = struct.pack("!HHHH", 6000, 6000, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))  # fmt: skip
        ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
        frame = b"\x00\x11\x22\x33\x44\x55" * 2 + b"\x08\x00" + ip + udp
        usec = round(p.at * 1_000_000)
        out += struct.pack("<IIII", base + usec // 1_000_000, usec % 1_000_000, len(frame),
                           len(frame)) + frame  # fmt: skip
    path.write_bytes(bytes(out))
    return path


def _checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF
