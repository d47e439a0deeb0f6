"""Bodies that cannot be sent raise MessageError saying what is wrong, where, and what to do."""

from __future__ import annotations

import pytest

from telenb.errors import MessageError, TelenbError
from telenb.sms import check_body, segments


def raises(text, **kw) -> MessageError:
    with pytest.raises(MessageError) as info:
        segments(text, **kw)
    err = info.value
    assert isinstance(err, TelenbError) and isinstance(err, ValueError)
    return err


@pytest.mark.parametrize("value, typename", [(b"hi", "bytes"), (None, "NoneType"), (42, "int")])
def test_non_str_body(value, typename):
    err = raises(value)
    assert f"must be str, not {typename}" in str(err)


def test_bytes_body_says_to_decode():
    assert "decode" in str(raises(bytearray(b"hi")))


def test_empty_body():
    assert "empty" in str(raises(""))


def test_over_the_limit_says_by_how_much():
    err = raises("a" * 1601)
    assert "1,601 characters" in str(err) and "1 over the 1,600-character limit" in str(err)
    assert err.position == 1600


def test_limit_counts_utf16_units_so_emoji_count_two():
    segments("\U0001f600" * 800)  # 1,600 units: exactly at the limit
    err = raises("a" * 1599 + "\U0001f600")  # 1,601 units
    assert "1 over" in str(err) and err.position == 1599
    assert "2 over" in str(raises("\U0001f600" * 801))


def test_limit_applies_to_the_body_as_submitted_not_after_smart_encoding():
    segments("\u2026" * 1600, smart=True)  # 1,600 submitted; 4,800 septets once replaced


def test_limit_can_be_changed_or_lifted():
    assert "5 over the 10-character" in str(raises("a" * 15, max_length=10))
    assert segments("a" * 5000, max_length=None).num_segments == 33  # ceil(5000 / 153)


def test_lone_high_surrogate():
    err = raises("ab\ud83d")
    assert "lone surrogate U+D83D at index 2" in str(err) and err.position == 2


def test_lone_low_surrogate():
    assert "lone surrogate U+DE00 at index 0" in str(raises("\ude00x"))


def test_surrogate_pair_held_as_two_code_points():
    err = raises("ab\ud83d\ude00")
    assert "surrogate pair U+D83D U+DE00" in str(err) and "surrogatepass" in str(err)
    assert err.position == 2


@pytest.mark.parametrize(
    "text, label, index",
    [
        ("a\tb", "U+0009 TAB", 1),
        ("\x00x", "U+0000 NUL", 0),
        ("ab\x1b", "U+001B ESC", 2),
        ("x\x7f", "U+007F DEL", 1),
        ("x\x85", "U+0085 NEXT LINE", 1),
        ("x\x0b", "U+000B VERTICAL TAB", 1),
        ("x\x9f", "U+009F control character", 1),
    ],
)
def test_control_characters_say_which_and_where(text, label, index):
    err = raises(text)
    assert f"{label} at index {index}" in str(err)
    assert "line feed, carriage return and form feed" in str(err)
    assert err.position == index


def test_many_control_characters_are_summarised():
    err = raises("\t" * 7)
    assert "7 control characters" in str(err) and "and 2 more" in str(err)


def test_lf_cr_and_form_feed_are_valid_gsm7():
    s = segments("a\nb\rc\fd")
    assert s.encoding == "GSM-7" and s.units == 8  # form feed is ESC + 0x0A


def test_check_body_returns_a_valid_body():
    assert check_body("fine") == "fine"


def test_every_control_character_but_lf_cr_ff_is_refused():
    for cp in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:  # all of Unicode category Cc
        ch = chr(cp)
        if ch in "\n\r\f":
            assert segments("a" + ch).encoding == "GSM-7"
        else:
            with pytest.raises(MessageError, match=f"U\\+{cp:04X}"):
                segments("a" + ch)


@pytest.mark.parametrize(
    "text, kw, code",
    [
        ("", {}, 21602),  # Twilio: message body is required
        (b"x", {}, 21602),
        ("a" * 1601, {}, 21617),  # Twilio: concatenated body over 1,600 characters
        ("a" * 15, {"max_length": 10}, None),  # a limit of your own is not Twilio's
        ("\ud800", {}, None),
        ("\t", {}, None),
    ],
)
def test_errors_carry_twilios_code_where_twilio_has_one(text, kw, code):
    assert raises(text, **kw).code == code
