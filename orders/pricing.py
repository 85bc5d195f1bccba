"""Line and order arithmetic (API.md, Orders): pure functions on Decimals.

Each line is rounded once, half-up to 0.01; order totals are sums of the
rounded lines, so the receipt always adds up.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kasserpro.money import ZERO, money
from orders.exceptions import PaymentInvalid

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class LinePrice:
    tax_amount: Decimal
    line_total: Decimal


def line_price(
    *,
    unit_price: Decimal,
    quantity: Decimal,
    tax_rate: Decimal,
    prices_include_tax: bool,
) -> LinePrice:
    """Return what the customer pays for a line and the tax inside it."""
    amount = money(unit_price * quantity)
    if prices_include_tax:
        tax = money(amount * tax_rate / (HUNDRED + tax_rate))
        return LinePrice(tax_amount=tax, line_total=amount)
    tax = money(amount * tax_rate / HUNDRED)
    return LinePrice(tax_amount=tax, line_total=amount + tax)


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
