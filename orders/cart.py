"""The sale being rung up at a till, kept in the cashier's session.

The cart is the cashier's own scratch state: it holds no money and moves no
stock until order_checkout turns it into an order. The session keeps only
product ids and quantities, both as strings (sessions are JSON and a float
would lose grams); prices are read afresh on every render, and once more by
the service when the sale is paid.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Branch
from inventory.models import Product, Unit
from inventory.selectors import product_list
from kasserpro.errors import InvalidState, ValidationFailed
from kasserpro.money import ZERO, money, quantity
from orders.pricing import HUNDRED, NO_DISCOUNT, Discount, LineInput, order_price
from orders.services import LineRequest

SESSION_KEY = "till_cart"
# Discounts live beside the lines: {"lines": {id: [kind, value]}, "order":
# [kind, value]}, values as strings like the quantities.
DISCOUNT_KEY = "till_cart_discounts"
STEP = Decimal("1")
# The checkout API accepts the same range.
MAX_QUANTITY = Decimal("99999")


class CartChanged(InvalidState):
    default_detail = gettext_lazy(
        "The sale changed after this screen was shown. Check it and pay again."
    )


class Cart:
    """The lines of the sale in progress, in the order they were rung up."""

    def __init__(self, session: SessionBase):
        self._session = session
        self._lines: dict[str, str] = dict(session.get(SESSION_KEY, {}))
        stored = session.get(DISCOUNT_KEY) or {}
        self._line_discounts: dict[str, list[str]] = {
            pk: kv
            for pk, kv in (stored.get("lines") or {}).items()
            if pk in self._lines
        }
        self._order_discount: list[str] | None = stored.get("order")

    def __bool__(self) -> bool:
        return bool(self._lines)

    def quantities(self) -> dict[int, Decimal]:
        return {int(pk): Decimal(qty) for pk, qty in self._lines.items()}

    @property
    def version(self) -> str:
        """Return a digest of the lines; the pay form carries the one it showed.

        A pay whose version differs from the cart's is refused, so the
        customer is charged for the lines on the screen and nothing else.
        """
        shown = [self._lines, self._line_discounts, self._order_discount]
        canonical = json.dumps(shown, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def line_requests(self) -> list[LineRequest]:
        return [
            LineRequest(pk, qty, self.line_discount(pk))
            for pk, qty in self.quantities().items()
        ]

    def line_discount(self, product_id: int) -> Discount:
        kind_value = self._line_discounts.get(str(product_id))
        return (
            Discount(kind_value[0], Decimal(kind_value[1]))
            if kind_value
            else NO_DISCOUNT
        )

    @property
    def discount(self) -> Discount:
        """Return the whole-sale discount (NO_DISCOUNT when there is none)."""
        if not self._order_discount:
            return NO_DISCOUNT
        return Discount(self._order_discount[0], Decimal(self._order_discount[1]))

    def discount_set(self, *, product_id: int | None, discount: Discount) -> None:
        """Set the discount of one line, or of the whole sale when no product.

        A zero value removes it. Whether it needs a manager is decided when
        the sale is paid, by the service, from the approval given then.
        """
        value = [discount.kind, str(discount.value)] if discount.value else None
        if product_id is None:
            self._order_discount = value
        elif str(product_id) in self._lines:
            if value:
                self._line_discounts[str(product_id)] = value
            else:
                self._line_discounts.pop(str(product_id), None)
        self._save()

    def add(self, *, product: Product, by: Decimal = STEP) -> None:
        """Change the quantity of ``product`` by ``by``, adding a line if new."""
        self.change(product=product, to=self._quantity_of(product.pk) + by)

    def change(self, *, product: Product, to: Decimal) -> None:
        """Set the quantity of ``product`` to ``to``; zero or less removes it.

        Raises ValidationFailed for a fraction of a piece or an absurd amount.
        """
        if to <= 0:
            self.remove(product_id=product.pk)
            return
        self._lines[str(product.pk)] = str(_quantity_check(product=product, value=to))
        self._save()

    def remove(self, *, product_id: int) -> None:
        self._lines.pop(str(product_id), None)
        self._line_discounts.pop(str(product_id), None)
        self._save()

    def clear(self) -> None:
        self._lines = {}
        self._line_discounts = {}
        self._order_discount = None
        self._save()

    def clear_if(self, *, version: str) -> None:
        """Empty the cart if it still holds the lines of ``version``.

        Called after a pay. A retried pay clears it too: the first answer may
        have been lost before the session was saved. A cart the cashier has
        since changed is left alone.
        """
        if self.version == version:
            self.clear()

    def _quantity_of(self, product_id: int) -> Decimal:
        return Decimal(self._lines.get(str(product_id), "0"))

    def _save(self) -> None:
        self._session[SESSION_KEY] = dict(self._lines)
        self._session[DISCOUNT_KEY] = {
            "lines": dict(self._line_discounts),
            "order": self._order_discount,
        }


def _quantity_check(*, product: Product, value: Decimal) -> Decimal:
    if value > MAX_QUANTITY:
        message = _("At most %(max)s per line.") % {"max": MAX_QUANTITY}
        raise ValidationFailed({"quantity": [message]}, detail=message)
    if product.unit == Unit.PIECE:
        if value != value.to_integral_value():
            message = _("%(name)s is sold by the piece: enter a whole number.") % {
                "name": product.name
            }
            raise ValidationFailed({"quantity": [message]}, detail=message)
        return value.quantize(STEP)
    return quantity(value)


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: Decimal
    tax_amount: Decimal
    line_total: Decimal
    discount: Discount = NO_DISCOUNT
    discount_amount: Decimal = ZERO

    @property
    def is_weighed(self) -> bool:
        return self.product.unit == Unit.KG

    @property
    def for_sale(self) -> bool:
        return self.product.is_active

    @property
    def over_stock(self) -> bool:
        """Whether the branch holds less than this line asks: a hint only.

        The sale itself is guarded by the stock update in order_checkout.
        """
        return self.product.track_stock and self.quantity > self.product.stock


@dataclass(frozen=True)
class CartSummary:
    lines: list[CartLine]
    tax_total: Decimal
    total: Decimal
    prices_include_tax: bool
    discount: Discount = NO_DISCOUNT
    discount_total: Decimal = ZERO
    needs_approval: bool = False

    @property
    def subtotal(self) -> Decimal:
        return self.total - self.tax_total

    @property
    def payable(self) -> bool:
        return bool(self.lines) and all(line.for_sale for line in self.lines)


def cart_price(*, cart: Cart, branch: Branch) -> CartSummary:
    """Return the cart's lines priced the way order_checkout prices them.

    Same order_price, same discounts, same tenant rule for tax, so the total
    on screen is the total charged unless a price changes in between; the
    pay form then carries a total the service refuses for a card, and too
    little cash. ``needs_approval`` says the discounts go past the tenant's
    limit, so a cashier must bring a manager's PIN to pay: a hint for the
    screen, the service decides. Runs in the caller's tenant scope.
    """
    wanted = cart.quantities()
    products = (
        product_list(branch=branch, active_only=False).filter(pk__in=wanted).in_bulk()
    )
    tenant = branch.tenant

    # A product deactivated since it was rung up stays on screen, flagged, so
    # the cashier can take it off; the service would refuse the sale anyway.
    # Limitation: a product deleted meanwhile is not shown at all; the
    # service refuses the sale ("Unknown product") and the cashier clears it.
    shown = [(products[pk], qty) for pk, qty in wanted.items() if pk in products]
    sold = [(product, qty) for product, qty in shown if product.is_active]
    prices = dict(
        zip(
            [product.pk for product, _qty in sold],
            order_price(
                lines=[
                    LineInput(
                        unit_price=product.price,
                        quantity=qty,
                        tax_rate=product.tax_rate,
                        discount=cart.line_discount(product.pk),
                    )
                    for product, qty in sold
                ],
                order_discount=cart.discount,
                prices_include_tax=tenant.prices_include_tax,
            ),
            strict=True,
        )
    )
    lines = []
    for product, qty in shown:
        price = prices.get(product.pk)
        if price is None:
            price = order_price(
                lines=[LineInput(product.price, qty, product.tax_rate)],
                prices_include_tax=tenant.prices_include_tax,
            )[0]
        lines.append(
            CartLine(
                product,
                qty,
                price.tax_amount,
                price.line_total,
                cart.line_discount(product.pk),
                price.discount,
            )
        )
    on_sale = [line for line in lines if line.for_sale]
    discount_total = sum((line.discount_amount for line in on_sale), ZERO)
    gross = sum((money(line.product.price * line.quantity) for line in on_sale), ZERO)
    limit = money(gross * tenant.discount_approval_percent / HUNDRED)
    return CartSummary(
        lines=lines,
        tax_total=sum((line.tax_amount for line in on_sale), ZERO),
        total=sum((line.line_total for line in on_sale), ZERO),
        prices_include_tax=tenant.prices_include_tax,
        discount=cart.discount,
        discount_total=discount_total,
        needs_approval=discount_total > limit,
    )
