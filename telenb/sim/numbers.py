"""Addresses on the simulated network: E.164 numbers (validated with `phonenumbers`),
SIP URIs and Twilio-style client names."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from ..errors import NumberError

_SIP_RE = re.compile(r"^sips?:[^@\s]+@[^@\s]+$", re.IGNORECASE)
_CLIENT_RE = re.compile(r"^client:[A-Za-z0-9_.\-]+$")
_SHORT_CODE_RE = re.compile(r"^\d{3,6}$")


def normalize(address: str, region: str = "US", *, allow_short_code: bool = False) -> str:
    """E.164 for numbers (national forms are read in `region`); SIP and client URIs kept.

    The simulator is a private network, so fictional ranges (555-01xx) are accepted as long
    as `phonenumbers` finds the number *possible*; impossible numbers are rejected.
    """
    return _normalize(address, region, allow_short_code)


@lru_cache(maxsize=4096)
def _normalize(address: object, region: str, allow_short_code: bool) -> str:
    if not isinstance(address, str):
        raise NumberError(
            f"a phone number must be a string such as '+15550100', got {type(address).__name__}"
        )
    raw = address.strip()
    if not raw:
        raise NumberError("empty phone number: give an E.164 number such as '+15550100'")
    if _SIP_RE.match(raw):
        return "sip:" + raw.split(":", 1)[1]
    if _CLIENT_RE.match(raw):
        return raw
    if raw.lower().startswith("tel:"):
        raw = raw[4:]
    if allow_short_code and _SHORT_CODE_RE.match(raw):
        return raw
    try:
        parsed = phonenumbers.parse(raw, None if raw.startswith("+") else region)
    except phonenumbers.NumberParseException as exc:
        why = {
            phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "has an unknown country code",
            phonenumbers.NumberParseException.TOO_SHORT_NSN: "is too short",
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "is too short",
            phonenumbers.NumberParseException.TOO_LONG: "is too long",
        }.get(exc.error_type, "is not a phone number")
        raise NumberError(
            f"{address!r} {why}; write it in E.164 form such as '+15550100'"
        ) from None
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    ok = (
        phonenumbers.ValidationResult.IS_POSSIBLE,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    )
    if reason not in ok:
        why = {
            phonenumbers.ValidationResult.TOO_SHORT: "too short",
            phonenumbers.ValidationResult.TOO_LONG: "too long",
            phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "an unknown country code",
            phonenumbers.ValidationResult.INVALID_LENGTH: "an impossible length",
        }.get(reason, "not possible")
        raise NumberError(
            f"{address!r} is {why} for country code +{parsed.country_code}; "
            "write it in E.164 form such as '+15550100'"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def matches(pattern: str, address: str) -> bool:
    """Trunk-group patterns: an exact address, or a prefix ending in '*' ('+1555*')."""
    if pattern.endswith("*"):
        return address.startswith(pattern[:-1])
    return address == pattern
