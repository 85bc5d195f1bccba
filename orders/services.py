import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, User
from cashregister.models import CashMovementKind, Shift
from cashregister.services import drawer_move, shift_lock_for_sale
from inventory.models import MovementKind, Product
from inventory.selectors import products_for_sale
from inventory.services import stock_take
from kasserpro.errors import ValidationFailed
from kasserpro.money import ZERO
from orders.models import Order, OrderItem, OrderNumberCounter, OrderStatus, Payment
from orders.pricing import line_price, settle

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineRequest:
    product_id: int
    quantity: Decimal


@dataclass(frozen=True)
class PaymentRequest:
    method: str
    amount: Decimal


def order_checkout(
    *,
    user: User,
    branch: Branch,
    items: list[LineRequest],
    payments: list[PaymentRequest],
    customer_name: str = "",
) -> Order:
    """Create, pay and complete an order in one transaction.

    Locks, in this order: the seller's shift, the stock rows in product-id
    order, the drawer, the day's order counter. Every writer takes them in
    that order so none can deadlock another.

    Raises ShiftNotOpen, ValidationFailed (unknown product, bad quantity),
    PaymentInvalid and InsufficientStock; nothing is written then.
    """
    with transaction.atomic():
        shift = shift_lock_for_sale(user=user, branch=branch)
        order, lines = _order_create(
            user=user, branch=branch, items=items, customer_name=customer_name
        )
        _order_finish(
            order=order, lines=lines, shift=shift, user=user, payments=payments
        )

    logger.info(
        "Order %s completed",
        order.number,
        extra={
            "tenant": order.tenant_id,
            "branch": branch.pk,
            "total": str(order.total),
        },
    )
    return order


def _order_create(
    *, user: User, branch: Branch, items: list[LineRequest], customer_name: str
) -> tuple[Order, list[OrderItem]]:
    products = _products_check(items)
    order = Order.objects.create(
        tenant_id=branch.tenant_id,
        branch=branch,
        cashier=user,
        customer_name=customer_name,
    )
    prices_include_tax = branch.tenant.prices_include_tax
    lines = []
    for item in items:
        product = products[item.product_id]
        price = line_price(
            unit_price=product.price,
            quantity=item.quantity,
            tax_rate=product.tax_rate,
            prices_include_tax=prices_include_tax,
        )
        lines.append(
            OrderItem(
                tenant_id=order.tenant_id,
                order=order,
                product=product,
                name=product.name,
                quantity=item.quantity,
                unit_price=product.price,
                tax_rate=product.tax_rate,
                tax_amount=price.tax_amount,
                line_total=price.line_total,
            )
        )
    OrderItem.objects.bulk_create(lines)
    order.total = sum((line.line_total for line in lines), ZERO)
    order.tax_total = sum((line.tax_amount for line in lines), ZERO)
    order.subtotal = order.total - order.tax_total
    order.save(update_fields=["total", "tax_total", "subtotal"])
    return order, lines


def _products_check(items: list[LineRequest]) -> dict[int, Product]:
    if not items:
        raise ValidationFailed({"items": [_("An order needs at least one item.")]})
    products = products_for_sale(product_ids={item.product_id for item in items})
    errors = {}
    for index, item in enumerate(items):
        product = products.get(item.product_id)
        if product is None:
            errors[str(index)] = {"product": [_("Unknown product.")]}
        elif (
            product.unit == "piece"
            and item.quantity != item.quantity.to_integral_value()
        ):
            errors[str(index)] = {"quantity": [_("This product is sold by the piece.")]}
    if errors:
        raise ValidationFailed({"items": errors})
    return products


def _order_finish(
    *,
    order: Order,
    lines: list[OrderItem],
    shift: Shift,
    user: User,
    payments: list[PaymentRequest],
) -> None:
    settlement = settle(
        total=order.total, payments=[(p.method, p.amount) for p in payments]
    )

    wanted: dict[Product, Decimal] = defaultdict(Decimal)
    for line in lines:
        wanted[line.product] += line.quantity
    stock_take(
        branch=order.branch,
        quantities=wanted,
        kind=MovementKind.SALE,
        user=user,
        order=order,
    )

    Payment.objects.bulk_create(
        Payment(
            tenant_id=order.tenant_id, order=order, method=p.method, amount=p.amount
        )
        for p in payments
    )
    if settlement.cash_kept:
        drawer_move(
            branch=order.branch,
            kind=CashMovementKind.SALE,
            amount=settlement.cash_kept,
            user=user,
            shift=shift,
            order=order,
        )

    order.shift = shift
    order.paid_total = settlement.paid_total
    order.change_due = settlement.change_due
    order.status = OrderStatus.COMPLETED
    order.completed_at = timezone.now()
    order.number = _order_number_next(branch=order.branch, at=order.completed_at)
    order.save()


def _order_number_next(*, branch: Branch, at) -> str:
    # The counter row is locked last and held only to commit, so a busy
    # branch serialises on it for the shortest possible time.
    day = timezone.localdate(at)
    counter = (
        OrderNumberCounter.objects.select_for_update()
        .filter(branch=branch, day=day)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                counter = OrderNumberCounter.objects.create(
                    tenant_id=branch.tenant_id, branch=branch, day=day
                )
        except IntegrityError:
            counter = OrderNumberCounter.objects.select_for_update().get(
                branch=branch, day=day
            )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{branch.code}-{day:%Y%m%d}-{counter.last:04d}"
