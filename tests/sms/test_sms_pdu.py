"""TP-User-Data bytes against published vectors (PDUs captured from or built for real SMS).

Sources of the vectors: the 'hellohello' and 'quick fox' packings used in the Device::Gsm
(Perl) test suite and in the classic PDU-format tutorials; the GSM-7, UCS-2 and
concatenated SMS-SUBMIT/DELIVER PDUs in python-gsmmodem's test suite.
"""

from __future__ import annotations

import pytest

from telenb.errors import ConfigurationError, MessageError
from telenb.sms import encode, segments
from telenb.sms.pdu import (
    DCS_GSM7,
    DCS_UCS2,
    decode,
    decode_gsm7,
    decode_user_data,
    gsm7_septets,
    pack_septets,
    unpack_septets,
)


@pytest.mark.parametrize(
    "text, packed",
    [
        ("hellohello", "E8329BFD4697D9EC37"),
        (
            "The quick fox jumps over the lazy dog",
            "54741914AFA7C76B90F98D07A9EB6DF81CF4B697E5203ABA0C6287F57910F97D06",
        ),
        ("Hello World!", "C8329BFD065DDF72363904"),
        ("123", bytes([49, 217, 12]).hex()),
        ("[{abc}]~", bytes([27, 222, 6, 21, 22, 143, 55, 169, 141, 111, 211, 3]).hex()),
        ("a[]{}€", bytes([225, 13, 111, 227, 219, 160, 54, 169, 77, 25]).hex()),
        (
            "{åΦΓΛΩΠΨΣΘ€}",
            bytes([27, 212, 67, 50, 161, 84, 44, 23, 76, 102, 83, 222, 164, 0]).hex(),
        ),
    ],
)
def test_gsm7_packing_matches_published_vectors(text, packed):
    septets = gsm7_septets(text)
    assert pack_septets(septets) == bytes.fromhex(packed)
    assert decode_gsm7(unpack_septets(bytes.fromhex(packed), len(septets))) == text
    [ud] = encode(text)
    assert (ud.dcs, ud.udl, ud.udhi) == (DCS_GSM7, len(septets), False)
    assert ud.data == bytes.fromhex(packed)


def test_extension_characters_are_escape_pairs():
    assert gsm7_septets("€{") == bytes([0x1B, 0x65, 0x1B, 0x28])
    assert gsm7_septets("@\n\r") == bytes([0x00, 0x0A, 0x0D])


@pytest.mark.parametrize(
    "text, data",
    [("あ叶葉", "304253F68449"), ("世界您好！", "4E16754C60A8597DFF01")],
)
def test_ucs2_matches_published_vectors(text, data):
    [ud] = encode(text)
    assert (ud.dcs, ud.udl, ud.hex()) == (DCS_UCS2, len(data) // 2, data)


def test_ucs2_outside_the_bmp_is_a_surrogate_pair():
    [ud] = encode("\U0001f600")
    assert ud.data == bytes.fromhex("D83DDE00")


# python-gsmmodem: SMS-SUBMIT PDUs of a 439-character text with reference 0 (3 parts)
LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.Duis aute irure "
    "dolor in reprehenderit in voluptate velit esse cillum doloe eu fugiat nulla pariatur."
    "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
    "mollit anim id est laborum"
)
LOREM_PDUS = [
    "0045000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB7416"
    "68FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE"
    "9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795"
    "DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD",
    "0045000B915121551532F40000A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337"
    "881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B58"
    "4FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83"
    "EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA",
    "0045000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871"
    "194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D94"
    "7683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287"
    "C56F79BD0D",
]


def test_concatenated_gsm7_matches_a_published_three_part_pdu():
    # SMSC length, first octet, MR, 11-digit address, PID, DCS: 26 hex digits, then TP-UDL.
    assert len(LOREM) == 439  # 153 + 153 + 133
    assert [seg.units for seg in segments(LOREM).segments] == [153, 153, 133]
    parts = encode(LOREM, reference=0)
    assert [p.udl for p in parts] == [int(pdu[26:28], 16) for pdu in LOREM_PDUS] == [160, 160, 140]
    assert [p.hex() for p in parts] == [pdu[28:] for pdu in LOREM_PDUS]
    assert [p.udh.hex() for p in parts] == ["050003000301", "050003000302", "050003000303"]
    assert decode(parts) == LOREM


def test_decodes_a_received_concatenated_deliver_pdu():
    # python-gsmmodem: SMS-DELIVER with UDHI, 8-bit reference 0xC3, part 1 of 1, TP-UDL 0x59.
    pdu = (
        "0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E0649"
        "41B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E5"
        "65D0DB0D82C55EB0DB4B068BCD5C20"
    )
    # SMSC (12) + first octet (2) + address (12) + PID, DCS (4) + timestamp (14) = 44 digits
    udl, ud = int(pdu[44:46], 16), bytes.fromhex(pdu[46:])
    udh, text = decode_user_data(ud, udl=udl, dcs=DCS_GSM7, udhi=True)
    assert udh.hex().upper() == "050003C30101"
    assert text == (
        "Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. "
    )


def test_decodes_ucs2_with_a_header():
    ud = bytes.fromhex("050003000301306F3044")
    assert decode_user_data(ud, udl=len(ud), dcs=DCS_UCS2, udhi=True)[1] == "はい"


def test_concatenated_ucs2_segment_is_140_octets():
    parts = encode("ж" * 71)
    assert [p.udl for p in parts] == [140, 14]  # 6 + 67*2, 6 + 4*2
    assert parts[0].udh == bytes([5, 0, 3, 0, 2, 1])


def test_decoding_rules_for_odd_escapes():
    # TS 23.038 6.2.1.1: an undefined code after ESC shows the basic character; ESC ESC a space
    assert decode_gsm7(bytes([0x1B, 0x41, 0x1B, 0x1B, 0x42])) == "A B"
    assert decode_gsm7(bytes([0x41, 0x1B])) == "A "


def test_decode_orders_parts_by_sequence_number():
    parts = encode("x" * 200, reference=9)
    assert decode(parts[::-1]) == "x" * 200


def test_bad_arguments():
    with pytest.raises(ConfigurationError):
        encode("hi", reference=256)
    with pytest.raises(MessageError, match="not in GSM-7"):
        gsm7_septets("ж")
    with pytest.raises(MessageError, match="cannot hold"):
        unpack_septets(b"\x00", 2)
    with pytest.raises(MessageError, match="0x04"):
        decode_user_data(b"abc", udl=3, dcs=0x04, udhi=False)
