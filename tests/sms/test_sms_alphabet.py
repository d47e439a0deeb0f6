"""The alphabet tables against TS 23.038, and the smart-encoding table against its purpose."""

from __future__ import annotations

import unicodedata

import pytest
import regex
from sms_spec import BASIC_CHARS, EXT_CHARS, GSM_CHARS, SPEC_BASIC, SPEC_EXTENSION

from telenb.sms import alphabet
from telenb.sms.encoding import is_gsm7


def test_basic_table_matches_ts_23_038_position_by_position():
    for code, cp in enumerate(SPEC_BASIC):
        if cp is None:
            assert code == alphabet.ESC == 0x1B
            continue
        assert alphabet.GSM7_BASIC[code] == chr(cp), f"septet 0x{code:02X}"
        assert alphabet.GSM7_BASIC_CHARS[chr(cp)] == code


def test_extension_table_matches_ts_23_038():
    assert {chr(cp): code for code, cp in SPEC_EXTENSION.items()} == alphabet.GSM7_EXTENSION


def test_alphabet_size_127_basic_plus_10_extension():
    assert len(BASIC_CHARS) == 127 and len(EXT_CHARS) == 10
    assert alphabet.GSM7_CHARS == GSM_CHARS


@pytest.mark.parametrize(
    "ch, gsm",
    [
        ("@", True), ("$", True), ("¤", True), ("_", True), ("\n", True), ("\r", True),
        ("\f", True), ("€", True), ("Ç", True), ("\u0394", True), ("ß", True), ("¿", True),
        ("ç", False),  # only the capital C cedilla is in the table
        ("`", False),  # 0x60 is ¿, not the grave accent
        ("\t", False), ("á", False), ("ô", False), ("\u2126", False),  # OHM SIGN
        ("\u2206", False),  # INCREMENT, not U+0394
        ("\u00a0", False), ("’", False), ("—", False), ("¢", False), ("ж", False),
    ],
)  # fmt: skip
def test_membership_of_notable_characters(ch, gsm):
    assert is_gsm7(ch) is gsm
    assert (ch in GSM_CHARS) is gsm


def test_smart_map_only_replaces_non_gsm_by_gsm_text():
    for src, dst in alphabet.SMART_ENCODING.items():
        assert len(src) == 1 and src not in GSM_CHARS, f"U+{ord(src):04X}"
        assert all(c in GSM_CHARS for c in dst), f"U+{ord(src):04X} -> {dst!r}"


@pytest.mark.parametrize(
    "src, dst",
    [
        ("\u201c", '"'), ("\u201d", '"'), ("\u00ab", '"'), ("\u2018", "'"), ("\u2019", "'"),
        ("\u2013", "-"), ("\u2014", "-"), ("\u2026", "..."), ("\u00a0", " "), ("\u2009", " "),
        ("\u200b", ""), ("\u00bd", "1/2"), ("\uff21", "A"), ("\uff10", "0"), ("\u2039", "<"),
        ("\u203a", ">"), ("\u2022", "-"), ("\u00f7", "/"), ("\uff5b", "{"),
    ],
)  # fmt: skip
def test_smart_map_covers_the_usual_look_alikes(src, dst):
    assert alphabet.SMART_ENCODING[src] == dst


def test_smart_map_replaces_by_something_that_looks_alike():
    # Fullwidth and small forms decompose (NFKC) to what they are replaced by.
    for src, dst in alphabet.SMART_ENCODING.items():
        nfkc = unicodedata.normalize("NFKC", src)
        if unicodedata.name(src).startswith(("FULLWIDTH", "SMALL ")) and nfkc in GSM_CHARS:
            assert dst == nfkc, unicodedata.name(src)


def test_only_cr_lf_joins_two_gsm_characters_into_one_cluster():
    """Why GSM-7 cutting only needs to keep CR LF together: no other GSM pair forms a
    UAX #29 grapheme cluster (no GSM character is Extend, ZWJ, Prepend, SpacingMark...)."""
    joined = [
        a + b
        for a in sorted(GSM_CHARS)
        for b in sorted(GSM_CHARS)
        if len(regex.findall(r"\X", a + b)) == 1
    ]
    assert joined == ["\r\n"]
