"""The bytes each segment carries: TP-User-Data (3GPP TS 23.040 9.2.3.24, TS 23.038 6.1.2).

Useful for teaching what "153 septets" means on the air:

* GSM-7 septets are packed LSB first, 8 septets in 7 octets (TS 23.038 6.1.2.1.1).
* A concatenated segment starts with a User Data Header holding the concatenation
  information element with an 8-bit reference (``05 00 03 ref total seq``: 6 octets).  For
  GSM-7 the septets then start at the next septet boundary after 1 fill bit, so the header
  costs 7 septets: 160 - 7 = 153.  For UCS-2 it costs 6 octets: (140 - 6) / 2 = 67.
* UCS-2 text is UTF-16 big-endian (TS 23.038 6.1.2.2, with surrogate pairs for non-BMP).
* TP-UDL counts septets (header and fill included) for GSM-7 and octets for UCS-2.

Only TP-UD and its length are built here, not the whole SMS-SUBMIT PDU (addresses,
validity and so on belong to whoever sends it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import ConfigurationError, MessageError
from .alphabet import ESC, GSM7_BASIC, GSM7_BASIC_CHARS, GSM7_EXTENSION, GSM7_EXTENSION_DECODE
from .encoding import GSM7, Segmentation, char_label, segments

DCS_GSM7 = 0x00  #: TP-DCS: general data coding, default alphabet, no message class
DCS_UCS2 = 0x08  #: TP-DCS: general data coding, UCS2
IEI_CONCAT_8BIT = 0x00  #: information element: concatenated short message, 8-bit reference
MAX_USER_DATA = 140  #: octets of TP-UD in one SMS


@dataclass(frozen=True)
class UserData:
    """One segment's TP-UD: `data` is the User Data Header (if any) followed by the text."""

    dcs: int
    udl: int  #: TP-UDL: septets (GSM-7, header and fill included) or octets (UCS-2)
    data: bytes
    udh: bytes = b""  #: the header, UDHL octet included; empty for a lone segment

    @property
    def udhi(self) -> bool:
        """TP-UDHI: whether `data` starts with a header."""
        return bool(self.udh)

    def hex(self) -> str:
        return self.data.hex().upper()


def gsm7_septets(text: str) -> bytes:
    """Septet values of `text` (one per byte, 0-127); extension characters give ESC + code."""
    out = bytearray()
    for i, ch in enumerate(text):
        code = GSM7_BASIC_CHARS.get(ch)
        if code is not None:
            out.append(code)
            continue
        ext = GSM7_EXTENSION.get(ch)
        if ext is None:
            raise MessageError(f"{char_label(ch)} at index {i} is not in GSM-7.", position=i)
        out += bytes((ESC, ext))
    return bytes(out)


def pack_septets(septets: bytes, fill_bits: int = 0) -> bytes:
    """Pack 7-bit values LSB first after `fill_bits` zero bits (TS 23.038 6.1.2.1.1)."""
    value = 0
    for i, s in enumerate(septets):
        value |= (s & 0x7F) << (fill_bits + 7 * i)
    return value.to_bytes((fill_bits + 7 * len(septets) + 7) // 8, "little")


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> bytes:
    """The inverse of `pack_septets`: `count` septets starting after `fill_bits` bits."""
    if fill_bits + 7 * count > 8 * len(data):
        raise MessageError(
            f"{len(data)} octets cannot hold {count} septets after {fill_bits} fill bits."
        )
    value = int.from_bytes(data, "little") >> fill_bits
    return bytes((value >> (7 * i)) & 0x7F for i in range(count))


def decode_gsm7(septets: bytes) -> str:
    """Text of unpacked septets.  As TS 23.038 6.2.1.1 says, ESC + a code the extension
    table does not define shows the basic character, and ESC ESC (or a trailing ESC) a space."""
    out: list[str] = []
    i, n = 0, len(septets)
    while i < n:
        s = septets[i]
        if s != ESC:
            out.append(GSM7_BASIC[s])
            i += 1
            continue
        nxt = septets[i + 1] if i + 1 < n else ESC
        if nxt == ESC:
            out.append(" ")
        else:
            out.append(GSM7_EXTENSION_DECODE.get(nxt, GSM7_BASIC[nxt]))
        i += 2
    return "".join(out)


def _header_septets(udh: bytes) -> tuple[int, int]:
    """(fill bits, septets the header takes) so GSM-7 text starts on a septet boundary."""
    bits = 8 * len(udh)
    fill = (7 - bits % 7) % 7
    return fill, (bits + fill) // 7


def encode(
    message: str | Segmentation, *, smart: bool = False, reference: int = 0
) -> list[UserData]:
    """TP-UD for every segment of `message`; concatenated ones get the 8-bit reference UDH."""
    seg = message if isinstance(message, Segmentation) else segments(message, smart=smart)
    if not isinstance(reference, int) or not 0 <= reference <= 255:
        raise ConfigurationError(f"reference must be an int from 0 to 255, not {reference!r}.")
    total = seg.num_segments
    if total > 255:
        raise MessageError(
            f"{total} segments do not fit an 8-bit concatenation header (at most 255)."
        )
    out = []
    for s in seg.segments:
        udh = b"" if total == 1 else bytes((5, IEI_CONCAT_8BIT, 3, reference, total, s.number))
        if seg.encoding == GSM7:
            septets = gsm7_septets(s.text)
            fill, head = _header_septets(udh) if udh else (0, 0)
            out.append(
                UserData(DCS_GSM7, head + len(septets), udh + pack_septets(septets, fill), udh)
            )
        else:
            data = udh + s.text.encode("utf-16-be")
            out.append(UserData(DCS_UCS2, len(data), data, udh))
    return out


def decode_user_data(data: bytes, *, udl: int, dcs: int, udhi: bool) -> tuple[bytes, str]:
    """(header, text) of a raw TP-UD, as a phone reads it; header is b"" when `udhi` is false."""
    udh = data[: data[0] + 1] if udhi else b""
    if dcs == DCS_GSM7:
        fill, head = _header_septets(udh) if udh else (0, 0)
        septets = unpack_septets(data[len(udh) :], udl - head, fill)
        return udh, decode_gsm7(septets)
    if dcs == DCS_UCS2:
        return udh, data[len(udh) : udl].decode("utf-16-be")
    raise MessageError(f"data coding scheme 0x{dcs:02X} is not GSM-7 (0x00) or UCS-2 (0x08).")


def decode(parts: Iterable[UserData]) -> str:
    """Reassemble a message from its segments' TP-UD, ordered by their sequence numbers."""
    decoded = []
    for i, ud in enumerate(parts):
        udh, text = decode_user_data(ud.data, udl=ud.udl, dcs=ud.dcs, udhi=ud.udhi)
        seq = udh[5] if len(udh) >= 6 and udh[1] == IEI_CONCAT_8BIT else i + 1
        decoded.append((seq, text))
    return "".join(text for _, text in sorted(decoded))
