"""Per-segment price estimates: SMS is billed per segment, not per message."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..errors import ConfigurationError
from .encoding import Segmentation, segments

#: AN EXAMPLE ONLY, not a quote: a US outbound SMS list price per segment that Twilio has
#: published (USD 0.0079).  The date it was valid is unknown here and prices change, carrier
#: fees are extra: pass your own `per_segment` for any real estimate.
EXAMPLE_PRICE_PER_SEGMENT = Decimal("0.0079")
EXAMPLE_CURRENCY = "USD"


@dataclass(frozen=True)
class PriceEstimate:
    """segments x per_segment, in exact decimal arithmetic."""

    segments: int
    per_segment: Decimal
    currency: str
    encoding: str

    @property
    def total(self) -> Decimal:
        return self.per_segment * self.segments

    def __str__(self) -> str:
        return (
            f"{self.segments} x {self.per_segment} {self.currency} = {self.total} "
            f"{self.currency} ({self.encoding})"
        )


def _decimal(value: Decimal | float | int | str) -> Decimal:
    try:
        # str() first so that 0.0079 (a float) becomes Decimal('0.0079'), not binary noise
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        d = None
    if d is None or not d.is_finite() or d < 0:
        raise ConfigurationError(
            f"per_segment must be a non-negative number (a price per segment), not {value!r}."
        )
    return d


def price(
    message: str | Segmentation,
    per_segment: Decimal | float | int | str = EXAMPLE_PRICE_PER_SEGMENT,
    *,
    currency: str = EXAMPLE_CURRENCY,
    smart: bool = False,
) -> PriceEstimate:
    """Estimate what sending `message` costs: its segment count times `per_segment`.

    The default price is `EXAMPLE_PRICE_PER_SEGMENT`, an example, not a current quote.
    `smart` applies when `message` is text (a `Segmentation` already made its choice).
    """
    seg = message if isinstance(message, Segmentation) else segments(message, smart=smart)
    return PriceEstimate(seg.num_segments, _decimal(per_segment), currency, seg.encoding)


#: AN EXAMPLE ONLY, not a quote: a US outbound MMS list price per message that Twilio has
#: published (USD 0.0200).  MMS is billed per message, whatever its length, not per segment.
EXAMPLE_PRICE_PER_MMS = Decimal("0.0200")


def mms_price(
    per_message: Decimal | float | int | str = EXAMPLE_PRICE_PER_MMS,
) -> Decimal:
    """What one MMS costs: one price per message (the text travels with the media)."""
    return _decimal(per_message)
