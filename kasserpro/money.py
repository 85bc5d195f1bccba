"""Money and quantity arithmetic: Decimal only, one rounding rule."""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
GRAM = Decimal("0.001")


def money(value) -> Decimal:
    """Round ``value`` half-up to the piastre (0.01)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantity(value) -> Decimal:
    return Decimal(value).quantize(GRAM, rounding=ROUND_HALF_UP)
