"""Jambonz-Signature both ways: what telenb signs, an independent HMAC accepts; what
telenb's verifier accepts and refuses (wrong secret, stale, tampered, malformed)."""

import hashlib
import hmac

import pytest

from telenb.providers.jambonz import SignatureError, is_valid, sign, verify

SECRET = "wh_secret_0123456789abcdef"
BODY = b'{"call_sid":"c1","from":"+15550199","to":"+15550100"}'
T = 1_735_689_600


def test_the_header_is_t_and_v1_over_timestamp_dot_body():
    header = sign(SECRET, BODY, T)
    t, v1 = header.split(",")
    assert t == f"t={T}"
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert v1 == f"v1={expected}"


def test_a_fresh_signature_verifies():
    assert verify({"Jambonz-Signature": sign(SECRET, BODY, T)}, SECRET, BODY, now=T + 5) == T
    assert verify({"jambonz-signature": sign(SECRET, BODY, T)}, SECRET, BODY, now=T)


def test_a_wrong_secret_is_refused():
    header = sign(SECRET, BODY, T)
    with pytest.raises(SignatureError, match="No matching signatures"):
        verify(header, "wh_secret_somebody_else", BODY, now=T)
    assert not is_valid(header, "nope", BODY, now=T)


def test_any_of_several_secrets_while_rotating():
    header = sign(SECRET, BODY, T)
    assert is_valid(header, ["old-secret", SECRET], BODY, now=T)


def test_a_stale_timestamp_is_refused_after_300_seconds():
    header = sign(SECRET, BODY, T)
    assert is_valid(header, SECRET, BODY, now=T + 300)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(header, SECRET, BODY, now=T + 301)


def test_a_tampered_body_is_refused():
    header = sign(SECRET, BODY, T)
    assert not is_valid(header, SECRET, BODY.replace(b"0199", b"0666"), now=T)


@pytest.mark.parametrize(
    ("header", "match"),
    [("v1=abc", "timestamp"), (f"t={T}", "no signatures"), ("t=soon,v1=ab", "not a number")],
)
def test_malformed_headers(header, match):
    with pytest.raises(SignatureError, match=match):
        verify(header, SECRET, BODY, now=T)


def test_no_header_means_unsigned():
    with pytest.raises(SignatureError, match="unsigned"):
        verify({"Content-Type": "application/json"}, SECRET, BODY, now=T)
