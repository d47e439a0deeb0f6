"""Lookups v2, offline: `GET lookups.twilio.com/v2/PhoneNumbers/{number}`.

Validity and formats come from phonenumbers, as Twilio's basic lookup gives them
(twilio.com/docs/lookup/v2-api): `valid`, `validation_errors` (TOO_SHORT, TOO_LONG,
INVALID_COUNTRY_CODE, INVALID_LENGTH, INVALID_BUT_POSSIBLE, NOT_A_NUMBER), `country_code`,
`calling_country_code`, `national_format`, E.164 `phone_number`. A national number is read
with `CountryCode`. The paid data packages (line type, caller name, SIM swap, ...) are not
simulated: their fields stay null, as when they are not requested.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from .resources import RestError, not_found

PACKAGES = ("call_forwarding", "caller_name", "identity_match", "line_status",
            "line_type_intelligence", "phone_number_quality_score", "pre_fill",
            "reassigned_number", "sim_swap", "sms_pumping_risk")  # fmt: skip


def lookup(raw: str, country: str | None) -> dict[str, Any]:
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

    number = unquote(raw)
    body: dict[str, Any] = {
        "calling_country_code": None,
        "country_code": None,
        "national_format": None,
        "phone_number": number,
        "url": f"https://lookups.twilio.com/v2/PhoneNumbers/{quote(number)}",
        "valid": False,
        "validation_errors": [],
        **dict.fromkeys(PACKAGES),
    }
    try:
        parsed = phonenumbers.parse(number, (country or "US").upper())
    except NumberParseException as exc:
        reasons = {NumberParseException.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
                   NumberParseException.TOO_SHORT_NSN: "TOO_SHORT",
                   NumberParseException.TOO_SHORT_AFTER_IDD: "TOO_SHORT",
                   NumberParseException.TOO_LONG: "TOO_LONG"}  # fmt: skip
        body["validation_errors"] = [reasons.get(exc.error_type, "NOT_A_NUMBER")]
        return body
    region = phonenumbers.region_code_for_number(parsed)
    body["calling_country_code"] = str(parsed.country_code)
    body["country_code"] = None if region in (None, "ZZ") else region
    body["phone_number"] = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    body["url"] = f"https://lookups.twilio.com/v2/PhoneNumbers/{quote(body['phone_number'])}"
    if phonenumbers.is_valid_number(parsed):
        body["valid"] = True
        body["national_format"] = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
        return body
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    body["validation_errors"] = [{
        ValidationResult.TOO_SHORT: "TOO_SHORT",
        ValidationResult.TOO_LONG: "TOO_LONG",
        ValidationResult.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
        ValidationResult.INVALID_LENGTH: "INVALID_LENGTH",
    }.get(reason, "INVALID_BUT_POSSIBLE")]  # fmt: skip
    return body


def lookups(method: str, path: str, query: dict[str, str]) -> tuple[int, Any]:
    segments = path.split("/")[1:]
    if method != "GET" or len(segments) != 3 or segments[:2] != ["v2", "PhoneNumbers"]:
        raise not_found(path)
    if not segments[2]:
        raise RestError(404, 20404, path=path)
    return 200, lookup(segments[2], query.get("CountryCode"))
