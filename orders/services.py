"""Every write of an order's life: drafts, completion, cancel, refunds.

Lock order, shared by every writer so none can deadlock another: the
seller's shift, the order row, the stock rows in product-id order, the
drawer, the day's order counter. A writer takes a subset of these, always
in that order.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Branch, User
from accounts.services import Approval, approver_for
from cashregister.models import CashMovementKind, Shift
from cashregister.selectors import shift_current
from cashregister.services import drawer_move, shift_lock_for_sale
from devices.models import PrintJob, PrintJobKind
from devices.services import print_job_for_order
from inventory.exceptions import InsufficientStock
from inventory.models import MovementKind, Product
from inventory.selectors import products_for_sale, stock_levels
from inventory.services import stock_put, stock_take
from kasserpro.errors import InvalidState, NotFound, ValidationFailed
from kasserpro.money import GRAM, ZERO, money
from orders.models import (
    Order,
    OrderItem,
    OrderNumberCounter,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    RefundLine,
    RefundPayment,
)
from orders.pricing import (
    HUNDRED,
    NO_DISCOUNT,
    Discount,
    LineInput,
    allocate,
    order_price,
    settle,
)

logger = logging.getLogger(__name__)

REFUNDABLE = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)


@dataclass(frozen=True)
class LineRequest:
    product_id: int
    quantity: Decimal
    discount: Discount = NO_DISCOUNT


@dataclass(frozen=True)
class PaymentRequest:
    method: str
    amount: Decimal


# --- selling ---------------------------------------------------------------


def order_checkout(
    *,
    user: User,
    branch: Branch,
    items: list[LineRequest],
    payments: list[PaymentRequest],
    customer_name: str = "",
    discount: Discount = NO_DISCOUNT,
    approval: Approval | None = None,
) -> Order:
    """Create, pay and complete an order in one transaction.

    Raises ShiftNotOpen, ValidationFailed (unknown product, bad quantity),
    PermissionDenied (a discount over the tenant's limit without approval),
    PaymentInvalid and InsufficientStock; nothing is written then.
    """
    with transaction.atomic():
        shift = shift_lock_for_sale(user=user, branch=branch)
        order = _order_new(
            user=user, branch=branch, customer_name=customer_name, discount=discount
        )
        _items_add(order=order, items=items)
        lines = _order_reprice(order=order, user=user, approval=approval)
        _order_finish(
            order=order, lines=lines, shift=shift, user=user, payments=payments
        )
        print_job_for_order(order=order, kind=PrintJobKind.RECEIPT)

    _log_completed(order)
    return order


def order_draft_create(
    *,
    user: User,
    branch: Branch,
    items: list[LineRequest],
    customer_name: str = "",
    discount: Discount = NO_DISCOUNT,
    approval: Approval | None = None,
) -> Order:
    """Open a draft order at ``branch`` with ``items``.

    The stock check here is advice for the cashier (InsufficientStock, and
    nothing is saved); the guard that counts is the one at completion.
    """
    with transaction.atomic():
        order = _order_new(
            user=user, branch=branch, customer_name=customer_name, discount=discount
        )
        _items_add(order=order, items=items)
        lines = _order_reprice(order=order, user=user, approval=approval)
        _stock_hint(order=order, lines=lines)
    return order


def order_item_add(*, order: Order, user: User, item: LineRequest) -> Order:
    """Add a line to a draft; InvalidState once it is no longer a draft."""
    with transaction.atomic():
        order = _draft_lock(order)
        _items_add(order=order, items=[item])
        lines = _order_reprice(order=order, user=user, approval=None)
        _stock_hint(order=order, lines=lines)
    return order


def order_item_change(
    *,
    order: Order,
    user: User,
    item_id: int,
    quantity: Decimal,
    discount: Discount | None = None,
    approval: Approval | None = None,
) -> Order:
    """Change the quantity (and discount, if given) of one draft line."""
    with transaction.atomic():
        order = _draft_lock(order)
        item = _draft_item(order, item_id)
        _quantity_check(item.product, quantity, field="quantity")
        item.quantity = quantity
        if discount is not None:
            item.discount_kind, item.discount_value = discount.kind, discount.value
        item.save(update_fields=["quantity", "discount_kind", "discount_value"])
        lines = _order_reprice(order=order, user=user, approval=approval)
        _stock_hint(order=order, lines=lines)
    return order


def order_item_remove(*, order: Order, user: User, item_id: int) -> Order:
    """Remove one line from a draft."""
    with transaction.atomic():
        order = _draft_lock(order)
        _draft_item(order, item_id).delete()
        _order_reprice(order=order, user=user, approval=None)
    return order


def order_discount_set(
    *, order: Order, user: User, discount: Discount, approval: Approval | None = None
) -> Order:
    """Set the whole-order discount of a draft (zero removes it)."""
    with transaction.atomic():
        order = _draft_lock(order)
        order.discount_kind, order.discount_value = discount.kind, discount.value
        order.save(update_fields=["discount_kind", "discount_value"])
        _order_reprice(order=order, user=user, approval=approval)
    return order


def order_complete(
    *, order: Order, user: User, payments: list[PaymentRequest]
) -> Order:
    """Pay and complete a draft at its own branch.

    Stock is checked again and taken here, under the stock rows' locks, so a
    draft whose stock was sold meanwhile is refused with InsufficientStock
    and stays a draft. Raises ShiftNotOpen, InvalidState, PaymentInvalid.
    """
    with transaction.atomic():
        shift = shift_lock_for_sale(user=user, branch=order.branch)
        order = _draft_lock(order)
        lines = list(order.items.select_related("product"))
        if not lines:
            raise ValidationFailed({"items": [_("An order needs at least one item.")]})
        _order_finish(
            order=order, lines=lines, shift=shift, user=user, payments=payments
        )
        print_job_for_order(order=order, kind=PrintJobKind.RECEIPT)

    _log_completed(order)
    return order


def order_reprint(*, order: Order, user: User) -> PrintJob:
    """Print a paid order's receipt again, as a copy, at the order's branch.

    Raises InvalidState for a draft or a cancelled order, which have no
    receipt.
    """
    with transaction.atomic():
        order = Order.objects.select_related("branch__tenant", "cashier").get(
            pk=order.pk
        )
        if order.status not in (*REFUNDABLE, OrderStatus.REFUNDED):
            raise InvalidState(_("Only a paid order has a receipt to print."))
        job = print_job_for_order(order=order, kind=PrintJobKind.REPRINT)
    logger.info(
        "Order %s receipt reprinted",
        order.number,
        extra={"tenant": order.tenant_id, "user": user.pk, "job": job.pk},
    )
    return job


def order_cancel(*, order: Order, user: User) -> Order:
    """Cancel a draft. A paid order is refunded, never cancelled."""
    with transaction.atomic():
        order = _draft_lock(order)
        order.status = OrderStatus.CANCELLED
        order.save(update_fields=["status"])
    logger.info("Order %s cancelled", order.pk, extra={"tenant": order.tenant_id})
    return order


def _order_new(
    *, user: User, branch: Branch, customer_name: str, discount: Discount
) -> Order:
    return Order.objects.create(
        tenant_id=branch.tenant_id,
        branch=branch,
        cashier=user,
        customer_name=customer_name,
        discount_kind=discount.kind,
        discount_value=discount.value,
    )


def _items_add(*, order: Order, items: list[LineRequest]) -> None:
    if not items:
        raise ValidationFailed({"items": [_("An order needs at least one item.")]})
    products = products_for_sale(product_ids={item.product_id for item in items})
    errors = {}
    for index, item in enumerate(items):
        product = products.get(item.product_id)
        if product is None:
            errors[str(index)] = {"product": [_("Unknown product.")]}
            continue
        try:
            _quantity_check(product, item.quantity, field="quantity")
        except ValidationFailed as failed:
            errors[str(index)] = failed.extra["fields"]
    if errors:
        raise ValidationFailed({"items": errors})

    OrderItem.objects.bulk_create(
        OrderItem(
            tenant_id=order.tenant_id,
            order=order,
            product=products[item.product_id],
            name=products[item.product_id].name,
            quantity=item.quantity,
            unit_price=products[item.product_id].price,
            tax_rate=products[item.product_id].tax_rate,
            discount_kind=item.discount.kind,
            discount_value=item.discount.value,
            tax_amount=ZERO,
            line_total=ZERO,
        )
        for item in items
    )


def _quantity_check(product: Product, quantity: Decimal, *, field: str) -> None:
    if quantity <= 0:
        raise ValidationFailed({field: [_("Quantity must be more than zero.")]})
    if quantity != quantity.quantize(GRAM):
        raise ValidationFailed({field: [_("Quantities have at most three decimals.")]})
    if product.unit == "piece" and quantity != quantity.to_integral_value():
        raise ValidationFailed({field: [_("This product is sold by the piece.")]})


def _order_reprice(
    *, order: Order, user: User, approval: Approval | None
) -> list[OrderItem]:
    """Price every line of ``order`` again and store lines and totals.

    Raises PermissionDenied when the discounts go past the tenant's limit
    and neither the user nor an approval is a manager's.
    """
    lines = list(order.items.select_related("product"))
    prices = order_price(
        lines=[
            LineInput(
                unit_price=line.unit_price,
                quantity=line.quantity,
                tax_rate=line.tax_rate,
                discount=Discount(line.discount_kind, line.discount_value),
            )
            for line in lines
        ],
        order_discount=Discount(order.discount_kind, order.discount_value),
        prices_include_tax=order.branch.tenant.prices_include_tax,
    )
    approved_total, approved_by = order.discount_total, order.discount_approved_by
    for line, price in zip(lines, prices, strict=True):
        line.discount_amount = price.discount
        line.tax_amount = price.tax_amount
        line.line_total = price.line_total
    OrderItem.objects.bulk_update(
        lines, ["discount_amount", "tax_amount", "line_total"]
    )

    order.discount_total = sum((line.discount_amount for line in lines), ZERO)
    order.total = sum((line.line_total for line in lines), ZERO)
    order.tax_total = sum((line.tax_amount for line in lines), ZERO)
    order.subtotal = order.total - order.tax_total
    if (
        approved_by is not None
        and approval is None
        and order.discount_total <= approved_total
    ):
        # A manager approved this draft's discount; editing its lines keeps
        # that approval as long as the discount does not grow.
        pass
    else:
        order.discount_approved_by = _discount_approver(
            order=order, lines=lines, user=user, approval=approval
        )
    order.save(
        update_fields=[
            "discount_total",
            "total",
            "tax_total",
            "subtotal",
            "discount_approved_by",
        ]
    )
    return lines


def _discount_approver(
    *, order: Order, lines: list[OrderItem], user: User, approval: Approval | None
) -> User | None:
    if not order.discount_total:
        return None
    gross = sum((money(line.unit_price * line.quantity) for line in lines), ZERO)
    limit = money(gross * order.branch.tenant.discount_approval_percent / HUNDRED)
    if order.discount_total <= limit:
        return None
    return approver_for(user=user, approval=approval)


def _stock_hint(*, order: Order, lines: list[OrderItem]) -> None:
    if order.branch.tenant.allow_negative_stock:
        return
    wanted: dict[Product, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.product.track_stock:
            wanted[line.product] += line.quantity
    levels = stock_levels(branch=order.branch, products=list(wanted))
    short = [
        {
            "product": product.pk,
            "name": product.name,
            "requested": str(quantity),
            "available": str(levels.get(product.pk, ZERO)),
        }
        for product, quantity in sorted(wanted.items(), key=lambda pq: pq[0].pk)
        if levels.get(product.pk, ZERO) < quantity
    ]
    if short:
        raise InsufficientStock(short)


def _draft_lock(order: Order) -> Order:
    locked = (
        Order.objects.select_for_update()
        .select_related("branch__tenant")
        .get(pk=order.pk)
    )
    if locked.status != OrderStatus.DRAFT:
        raise InvalidState(
            _("Only a draft order can be changed, completed or cancelled.")
        )
    return locked


def _draft_item(order: Order, item_id: int) -> OrderItem:
    item = order.items.select_related("product").filter(pk=item_id).first()
    if item is None:
        # The line is named in the URL: a line of another order (or another
        # tenant's) is a missing object, as the contract answers those.
        raise NotFound(_("No such line in this order."))
    return item


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

    change_left = settlement.change_due
    rows = []
    for p in payments:
        kept = p.amount
        if p.method == PaymentMethod.CASH and change_left:
            given_back = min(change_left, p.amount)
            kept, change_left = p.amount - given_back, change_left - given_back
        rows.append(
            Payment(
                tenant_id=order.tenant_id,
                order=order,
                method=p.method,
                amount=p.amount,
                kept=kept,
            )
        )
    Payment.objects.bulk_create(rows)
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
    order.cashier = user
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


def _log_completed(order: Order) -> None:
    logger.info(
        "Order %s completed",
        order.number,
        extra={
            "tenant": order.tenant_id,
            "branch": order.branch_id,
            "total": str(order.total),
        },
    )


# --- refunds ---------------------------------------------------------------


def order_refund(
    *,
    order: Order,
    user: User,
    lines: list[tuple[int, Decimal]] | None = None,
    reason: str = "",
    approval: Approval | None = None,
) -> Refund:
    """Give back goods and money for part or all of a completed order.

    ``lines`` are (item id, quantity); None refunds everything left. Goods
    go back into the order's branch; money goes back by the order's payment
    methods in proportion to what each kept, cash out of the drawer. The
    last refund of a line or payment takes exactly what is left, so a
    fully refunded order gives back exactly what was paid.

    Needs a manager or admin, or a cashier with a manager's approval
    (PermissionDenied). Raises InvalidState when the order is not paid or
    nothing is left, ValidationFailed for a line that is not the order's or
    asks for more than is left.
    """
    approver = approver_for(user=user, approval=approval)
    with transaction.atomic():
        order = (
            Order.objects.select_for_update().select_related("branch").get(pk=order.pk)
        )
        if order.status not in REFUNDABLE:
            raise InvalidState(_("Only a paid order can be refunded."))
        items = {item.pk: item for item in order.items.select_related("product")}
        wanted = _refund_quantities(items=items, lines=lines)

        refund = Refund.objects.create(
            tenant_id=order.tenant_id,
            order=order,
            branch=order.branch,
            user=user,
            shift=_shift_at(user=user, branch=order.branch),
            approved_by=approver,
            amount=ZERO,
            tax_amount=ZERO,
            reason=reason,
        )
        _refund_lines(refund=refund, items=items, wanted=wanted)
        _refund_payments(refund=refund, order=order, user=user)
        stock_put(
            branch=order.branch,
            quantities=_by_product(items, wanted),
            kind=MovementKind.REFUND,
            user=user,
            order=order,
            reason=reason,
        )

        order.refunded_total += refund.amount
        fully = all(item.refunded_quantity == item.quantity for item in items.values())
        order.status = OrderStatus.REFUNDED if fully else OrderStatus.PARTIALLY_REFUNDED
        order.save(update_fields=["refunded_total", "status"])
        print_job_for_order(order=order, kind=PrintJobKind.REFUND, refund=refund)

    logger.info(
        "Order %s refunded %s",
        order.number,
        refund.amount,
        extra={"tenant": order.tenant_id, "refund": refund.pk},
    )
    return refund


def _shift_at(*, user: User, branch: Branch) -> Shift | None:
    shift = shift_current(user=user)
    return shift if shift is not None and shift.branch_id == branch.pk else None


def _refund_quantities(
    *, items: dict[int, OrderItem], lines: list[tuple[int, Decimal]] | None
) -> dict[int, Decimal]:
    if lines is None:
        wanted = {
            pk: item.quantity - item.refunded_quantity for pk, item in items.items()
        }
        wanted = {pk: quantity for pk, quantity in wanted.items() if quantity > 0}
        if not wanted:
            raise InvalidState(_("Nothing is left to refund on this order."))
        return wanted

    wanted: dict[int, Decimal] = defaultdict(Decimal)
    errors = {}
    for index, (item_id, quantity) in enumerate(lines):
        item = items.get(item_id)
        if item is None:
            errors[str(index)] = {"item": [_("No such line in this order.")]}
            continue
        wanted[item_id] += quantity
        try:
            _quantity_check(item.product, quantity, field="quantity")
        except ValidationFailed as failed:
            errors[str(index)] = failed.extra["fields"]
            continue
        if wanted[item_id] > item.quantity - item.refunded_quantity:
            errors[str(index)] = {
                "quantity": [_("More than is left to refund on this line.")]
            }
    if errors:
        raise ValidationFailed({"lines": errors})
    if not wanted:
        raise InvalidState(_("Nothing is left to refund on this order."))
    return wanted


def _refund_lines(
    *, refund: Refund, items: dict[int, OrderItem], wanted: dict[int, Decimal]
):
    rows = []
    for item_id, quantity in sorted(wanted.items()):
        item = items[item_id]
        if quantity == item.quantity - item.refunded_quantity:
            amount = item.line_total - item.refunded_amount
            tax = item.tax_amount - item.refunded_tax
        else:
            amount = money(item.line_total * quantity / item.quantity)
            tax = money(item.tax_amount * quantity / item.quantity)
        item.refunded_quantity += quantity
        item.refunded_amount += amount
        item.refunded_tax += tax
        rows.append(
            RefundLine(
                tenant_id=refund.tenant_id,
                refund=refund,
                item=item,
                quantity=quantity,
                amount=amount,
                tax_amount=tax,
            )
        )
    RefundLine.objects.bulk_create(rows)
    OrderItem.objects.bulk_update(
        [items[pk] for pk in wanted],
        ["refunded_quantity", "refunded_amount", "refunded_tax"],
    )
    refund.amount = sum((row.amount for row in rows), ZERO)
    refund.tax_amount = sum((row.tax_amount for row in rows), ZERO)
    refund.save(update_fields=["amount", "tax_amount"])


def _refund_payments(*, refund: Refund, order: Order, user: User) -> None:
    payments = list(order.payments.all())
    left = [p.kept - p.refunded_amount for p in payments]
    shares = allocate(refund.amount, left)
    for payment, share in zip(payments, shares, strict=True):
        payment.refunded_amount += share
    Payment.objects.bulk_update(payments, ["refunded_amount"])

    by_method: dict[str, Decimal] = defaultdict(Decimal)
    for payment, share in zip(payments, shares, strict=True):
        by_method[payment.method] += share
    RefundPayment.objects.bulk_create(
        RefundPayment(
            tenant_id=refund.tenant_id, refund=refund, method=method, amount=amount
        )
        for method, amount in by_method.items()
        if amount
    )
    if by_method.get(PaymentMethod.CASH):
        drawer_move(
            branch=order.branch,
            kind=CashMovementKind.REFUND,
            amount=-by_method[PaymentMethod.CASH],
            user=user,
            shift=refund.shift,
            order=order,
            note=refund.reason,
        )


def _by_product(items: dict[int, OrderItem], wanted: dict[int, Decimal]) -> dict:
    quantities: dict[Product, Decimal] = defaultdict(Decimal)
    for item_id, quantity in wanted.items():
        quantities[items[item_id].product] += quantity
    return quantities
