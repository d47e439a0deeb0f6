"""SIP header fields read from an INVITE's text and checked for ours (no pjsua2 needed)."""

from __future__ import annotations

import pytest

from telenb.errors import ConfigurationError
from telenb.providers.sip.headers import flow_view, outbound_headers, parse_headers

INVITE = (
    "INVITE sip:shop@127.0.0.1:5070 SIP/2.0\r\n"
    "v: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0\r\n"
    "f: <sip:alice@127.0.0.1>;tag=1\r\n"
    "X-Account: 42\r\n"
    "Subject: a long\r\n  folded line\r\n"
    "not a header line\r\n"
    "Content-Type: application/sdp\r\n\r\n"
    "v=0\r\nX-Not-A-Header: body\r\n"
)


def test_parse_reads_fields_of_the_head_only():
    """RFC 3261 7.3: compact forms are their full names (7.3.3), repeated fields combine
    with commas (7.3.1), a folded line continues its field; the body is not headers."""
    h = parse_headers(INVITE)
    assert (
        h["Via"]
        == "SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0"
    )
    assert h["From"] == "<sip:alice@127.0.0.1>;tag=1"
    assert h["Subject"] == "a long folded line"
    assert h["X-Account"] == "42" and "X-Not-A-Header" not in h
    assert flow_view(h)["x-account"] == "42" and flow_view(h)["From"] == h["From"]


def test_parse_survives_garbage():
    assert parse_headers("") == {} and parse_headers("\x00\xff") == {}
    assert parse_headers("INVITE\r\n: empty name\r\n\r\n") == {}


def test_outbound_takes_one_line_x_fields():
    assert outbound_headers({"X-Campaign": 7}) == {"X-Campaign": "7"}
    assert outbound_headers(None) == {}
    for bad in ({"Call-ID": "x"}, {"X-A": "1\nB: 2"}, {"X-A": "v" * 2000}, {"X y": "1"}):
        with pytest.raises(ConfigurationError):
            outbound_headers(bad)
