"""X-Plivo-Signature-V3 both ways: telenb's signatures pass the plivo SDK's validator, and
telenb's verifier accepts what the SDK's signer makes and refuses tampering."""

import pytest

plivo_sig = pytest.importorskip("plivo.utils.signature_v3", reason="plivo SDK not installed")

from telenb.providers.plivo.signing import (  # noqa: E402
    HEADER,
    NONCE_HEADER,
    SignatureError,
    is_valid,
    sign,
    verify,
)

TOKEN = "MzYxNjQ0ZjU1Y2Y3ZmE0OTk2ZjQ0"
URL = "https://15550100.plivo.test/answer?b=2&a=1"
PARAMS = {"CallUUID": "c-1", "From": "15550199", "To": "15550100", "Digits": "1 2"}


@pytest.mark.parametrize("url", [URL, "https://15550100.plivo.test/answer"])
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_the_sdk_accepts_telenb_signatures(method, url):
    sig = sign(TOKEN, method, url, "12345", PARAMS)
    assert plivo_sig.validate_v3_signature(method, url, "12345", TOKEN, sig, dict(PARAMS))
    assert not plivo_sig.validate_v3_signature(method, url, "12345", "other", sig, dict(PARAMS))


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_telenb_accepts_sdk_signatures_and_refuses_tampering(method):
    base = (
        plivo_sig.construct_get_url(URL, dict(PARAMS))
        if method == "GET"
        else plivo_sig.construct_post_url(URL, dict(PARAMS))
    ).decode()
    sig = plivo_sig.get_signature_v3(TOKEN.encode(), base, b"777").decode()
    headers = {HEADER: f"bogus,{sig}", NONCE_HEADER: "777"}
    verify(headers, TOKEN, method, URL, PARAMS)
    assert not is_valid(headers, TOKEN, method, URL, PARAMS | {"Digits": "9"})
    assert not is_valid({HEADER: sig, NONCE_HEADER: "778"}, TOKEN, method, URL, PARAMS)
    with pytest.raises(SignatureError, match="unsigned"):
        verify({}, TOKEN, method, URL, PARAMS)
