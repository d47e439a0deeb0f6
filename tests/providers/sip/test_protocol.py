"""The kernel <-> SIP worker protocol refuses anything malformed instead of crashing."""

import pytest

from telenb.providers.sip.protocol import MAX_LINE, ProtocolError, decode, encode


def test_round_trip():
    line = encode("incoming", call=3, **{"from": "sip:a@127.0.0.1", "to": "sip:shop@x"})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode(line) == {"type": "incoming", "call": 3, "from": "sip:a@127.0.0.1",
                            "to": "sip:shop@x"}  # fmt: skip


@pytest.mark.parametrize(
    "line",
    [b"not json\n", b"[1,2]\n", b'{"type":"nope"}\n', b'{"type":"dtmf","call":1}\n',
     b"\xff\xfe\n", b'{"type":"reject","call":1,"code":500}\n',
     b'{"x":' + b"1" * MAX_LINE + b"}"],
)  # fmt: skip
def test_malformed_lines_raise_protocol_error(line):
    with pytest.raises(ProtocolError):
        decode(line)


def test_encode_checks_fields_and_reject_codes():
    with pytest.raises(ProtocolError):
        encode("reject", call=1, code=500)
    assert decode(encode("reject", call=1, code=486))["code"] == 486
