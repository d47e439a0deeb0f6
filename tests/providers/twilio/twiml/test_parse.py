"""Safe TwiML parsing: positions, Twilio's error codes, and XML attacks refused."""

import pytest

from telenb.providers.twilio.twiml.parse import MAX_BYTES, TwiMLParseError, parse_twiml


def test_elements_keep_their_positions_and_text_order():
    doc = parse_twiml(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n'
        '  <Say voice="Polly.Amy">Hi <emphasis>very</emphasis> much &amp; more</Say>\n'
        '  <Gather numDigits="1"><Play loop="2">https://x.test/a.mp3</Play></Gather>\n'
        "</Response>"
    )
    say, gather = doc.children
    assert (say.tag, say.line, say.column) == ("Say", 3, 3)
    assert say.attrs == {"voice": "Polly.Amy"}
    assert say.all_text() == "Hi very much & more"
    assert gather.children[0].text == "https://x.test/a.mp3"
    assert (gather.line, gather.children[0].line) == (4, 4)


def test_malformed_xml_names_line_and_column():
    with pytest.raises(TwiMLParseError) as err:
        parse_twiml("<Response>\n  <Say>one</Say>\n  <Say>two</Sya>\n</Response>")
    assert err.value.code == 12100
    assert (err.value.line, err.value.column) == (3, 13)  # the bad tag name
    assert "line 3, column 13" in str(err.value) and "<Say>two</Sya>" in str(err.value)


def test_root_must_be_response():
    with pytest.raises(TwiMLParseError) as err:
        parse_twiml("<Respons><Say>hi</Say></Respons>")
    assert err.value.code == 12102 and "<Respons>" in str(err.value)


def test_billion_laughs_is_refused_before_expanding():
    lol = ["<!ENTITY lol0 'lol'>"]
    lol += [f"<!ENTITY lol{i} '{('&lol' + str(i - 1) + ';') * 10}'>" for i in range(1, 10)]
    bomb = (
        f"<?xml version='1.0'?><!DOCTYPE r [{''.join(lol)}]><Response><Say>&lol9;</Say></Response>"
    )
    with pytest.raises(TwiMLParseError) as err:
        parse_twiml(bomb)
    assert err.value.code == 12100 and "entity" in str(err.value) and "lol0" in str(err.value)


def test_external_entities_are_refused():
    doc = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<Response><Say>&x;</Say></Response>"
    )
    with pytest.raises(TwiMLParseError, match="refused for safety"):
        parse_twiml(doc)


def test_size_limit_and_empty_body():
    big = "<Response>" + "<Pause/>" * (MAX_BYTES // 8) + "</Response>"
    with pytest.raises(TwiMLParseError) as err:
        parse_twiml(big)
    assert err.value.code == 11750
    with pytest.raises(TwiMLParseError, match="empty"):
        parse_twiml("  \n")


def test_declared_encoding_of_bytes_is_honoured_and_str_input_is_utf8():
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><Response><Say>Caf\xe9</Say></Response>'
    assert parse_twiml(latin.encode("latin-1")).children[0].text == "Café"
    assert parse_twiml(latin).children[0].text == "Café"
