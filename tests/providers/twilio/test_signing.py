"""X-Twilio-Signature as Twilio computes it, checked against the SDK's RequestValidator."""

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from telenb.providers.twilio.signing import is_valid, signature

TOKEN = "12345"


def test_the_documented_construction():
    # Twilio's security guide: URL, then each POST parameter sorted by name, name+value
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234"}
    data = url + "CallSidCA1234567890ABCDECaller+12349013030Digits1234"
    expected = base64.b64encode(hmac.new(b"12345", data.encode(), hashlib.sha1).digest()).decode()
    assert signature(TOKEN, url, params) == expected
    assert RequestValidator(TOKEN).validate(url, params, expected)


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@given(st.dictionaries(st.text(min_size=1, max_size=12), text, max_size=8), text)
def test_the_sdk_validator_accepts_every_signature(params, path):
    url = "https://example.test/voice" + "".join(ch for ch in path if ch.isalnum())
    sig = signature(TOKEN, url, params)
    assert RequestValidator(TOKEN).validate(url, params, sig)
    assert not RequestValidator("other").validate(url, params, sig)


def test_repeated_parameters_contribute_each_value_sorted():
    pairs = [("StatusCallbackEvent", "ringing"), ("StatusCallbackEvent", "answered")]
    url = "https://example.test/cb"
    data = url + "StatusCallbackEventansweredStatusCallbackEventringing"
    expected = base64.b64encode(hmac.new(b"12345", data.encode(), hashlib.sha1).digest()).decode()
    assert signature(TOKEN, url, pairs) == expected


def test_is_valid_tries_the_url_with_and_without_the_default_port():
    sig = signature(TOKEN, "https://example.test:443/voice", {"a": "1"})
    assert is_valid(TOKEN, "https://example.test/voice", {"a": "1"}, sig)
    assert not is_valid(TOKEN, "https://example.test/voice", {"a": "2"}, sig)
    assert not is_valid(TOKEN, "https://example.test/voice", {"a": "1"}, None)
