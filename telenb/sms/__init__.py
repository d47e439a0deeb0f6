"""SMS: GSM-7/UCS-2 encoding, segments and pricing.

>>> from telenb.sms import segments
>>> segments("a" * 161).num_segments
2

Names load on first use, so ``import telenb.sms`` stays cheap.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "segments": "telenb.sms.encoding",
    "Segmentation": "telenb.sms.encoding",
    "Segment": "telenb.sms.encoding",
    "NonGsmChar": "telenb.sms.encoding",
    "Replacement": "telenb.sms.encoding",
    "check_body": "telenb.sms.encoding",
    "is_gsm7": "telenb.sms.encoding",
    "body_length": "telenb.sms.encoding",
    "smart_replace": "telenb.sms.encoding",
    "MAX_BODY_LENGTH": "telenb.sms.encoding",
    "GSM7_CHARS": "telenb.sms.alphabet",
    "SMART_ENCODING": "telenb.sms.alphabet",
    "price": "telenb.sms.pricing",
    "PriceEstimate": "telenb.sms.pricing",
    "EXAMPLE_PRICE_PER_SEGMENT": "telenb.sms.pricing",
    "encode": "telenb.sms.pdu",
    "decode": "telenb.sms.pdu",
    "UserData": "telenb.sms.pdu",
    "MessageError": "telenb.errors",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
