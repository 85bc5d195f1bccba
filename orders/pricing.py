"""Line and order arithmetic (API.md, Orders): pure functions on Decimals.

Each line is rounded once, half-up to 0.01; order totals are sums of the
rounded lines, so the receipt always adds up. Discounts come off a line's
amount before its tax is worked out; an order discount is spread over the
lines in proportion to what is left of each.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kasserpro.money import CENT, ZERO, money
from orders.exceptions import PaymentInvalid

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Discount:
    """A discount as the cashier typed it: an amount or a percentage."""

    kind: str  # "amount" or "percent"
    value: Decimal

    def off(self, base: Decimal) -> Decimal:
        """Return what this discount takes off ``base``, never more than it."""
        if self.kind == "percent":
            wanted = money(base * min(self.value, HUNDRED) / HUNDRED)
        else:
            wanted = money(self.value)
        return max(ZERO, min(wanted, base))


NO_DISCOUNT = Discount("amount", ZERO)


@dataclass(frozen=True)
class LinePrice:
    tax_amount: Decimal
    line_total: Decimal
    discount: Decimal = ZERO


def line_price(
    *,
    unit_price: Decimal,
    quantity: Decimal,
    tax_rate: Decimal,
    prices_include_tax: bool,
    discount: Decimal = ZERO,
) -> LinePrice:
    """Return what the customer pays for a line and the tax inside it.

    ``discount`` is an amount already rounded to 0.01 and at most the line's
    amount.
    """
    amount = money(unit_price * quantity) - discount
    if prices_include_tax:
        tax = money(amount * tax_rate / (HUNDRED + tax_rate))
        return LinePrice(tax_amount=tax, line_total=amount, discount=discount)
    tax = money(amount * tax_rate / HUNDRED)
    return LinePrice(tax_amount=tax, line_total=amount + tax, discount=discount)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` over ``weights`` in proportion, to the cent, exactly.

    Largest remainder: every share is rounded down to the cent, then the
    cents left over go to the shares that lost most in rounding, so the
    shares always add up to ``total``.
    """
    weight_sum = sum(weights, ZERO)
    if not weights or weight_sum <= 0 or total == 0:
        return [ZERO for _ in weights]
    exact = [total * w / weight_sum for w in weights]
    shares = [e.quantize(CENT, rounding="ROUND_DOWN") for e in exact]
    left = int((total - sum(shares, ZERO)) / CENT)
    by_remainder = sorted(
        range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True
    )
    for i in by_remainder[:left]:
        shares[i] += CENT
    return shares


@dataclass(frozen=True)
class LineInput:
    unit_price: Decimal
    quantity: Decimal
    tax_rate: Decimal
    discount: Discount = NO_DISCOUNT


def order_price(
    *,
    lines: Sequence[LineInput],
    order_discount: Discount = NO_DISCOUNT,
    prices_include_tax: bool,
) -> list[LinePrice]:
    """Price every line of an order, its own and the order's discount applied."""
    bases = [money(line.unit_price * line.quantity) for line in lines]
    own = [line.discount.off(base) for line, base in zip(lines, bases, strict=True)]
    left = [base - off for base, off in zip(bases, own, strict=True)]
    shares = allocate(order_discount.off(sum(left, ZERO)), left)
    return [
        line_price(
            unit_price=line.unit_price,
            quantity=line.quantity,
            tax_rate=line.tax_rate,
            prices_include_tax=prices_include_tax,
            discount=off + share,
        )
        for line, off, share in zip(lines, own, shares, strict=True)
    ]


@dataclass(frozen=True)
class Settlement:
    paid_total: Decimal
    change_due: Decimal
    cash_kept: Decimal


def settle(*, total: Decimal, payments: list[tuple[str, Decimal]]) -> Settlement:
    """Return how ``payments`` settle ``total``; raise PaymentInvalid if not.

    Payments must cover the total. Only cash may go over it; the excess is
    change handed back, so the drawer keeps the cash minus the change.
    """
    paid = sum((amount for _, amount in payments), ZERO)
    cash = sum((amount for method, amount in payments if method == "cash"), ZERO)
    other = paid - cash
    if other > total:
        raise PaymentInvalid(_("Card and wallet payments may not exceed the total."))
    if paid < total:
        raise PaymentInvalid(_("The payments do not cover the total."))
    change = paid - total
    return Settlement(paid_total=paid, change_due=change, cash_kept=cash - change)
