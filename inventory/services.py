import logging
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from accounts.models import Branch, User
from inventory.exceptions import InsufficientStock
from inventory.models import (
    BranchStock,
    MovementKind,
    Product,
    Purchase,
    PurchaseLine,
    StockMovement,
)
from kasserpro.errors import ValidationFailed
from kasserpro.money import ZERO, money

logger = logging.getLogger(__name__)


def _moved(delta: Decimal) -> Round:
    # SQLite keeps decimals as binary floats, so 0.7 - 0.4 would be stored as
    # 0.29999999999999993 and refuse a later sale of 0.3. Rounding every
    # stored result to the field's places keeps each value the closest float
    # to its decimal, so comparisons with typed quantities stay exact. On
    # PostgreSQL's numeric the rounding changes nothing.
    return Round(F("quantity") + delta, 3)


def _ordered(quantities: Mapping[Product, Decimal]) -> list[tuple[Product, Decimal]]:
    # Every writer touches stock rows in product-id order, so two multi-line
    # orders lock the same rows in the same sequence and cannot deadlock.
    return sorted(quantities.items(), key=lambda item: item[0].pk)


def stock_take(
    *,
    branch: Branch,
    quantities: Mapping[Product, Decimal],
    kind: str = MovementKind.SALE,
    user: User | None,
    order=None,
    reason: str = "",
) -> None:
    """Take ``quantities`` out of ``branch``'s stock, all or nothing.

    Each decrement is one conditional UPDATE (``quantity >= n``) unless the
    tenant allows negative stock: the row lock it takes serialises racing
    sales on PostgreSQL, and SQLite's write lock serialises them there. The
    caller's transaction must be open so a refusal rolls back earlier lines.

    Raises InsufficientStock naming every short product; nothing is changed
    then.
    """
    allow_negative = branch.tenant.allow_negative_stock
    short = []
    for product, quantity in _ordered(quantities):
        if not product.track_stock:
            continue
        rows = BranchStock.objects.filter(branch=branch, product=product)
        if not allow_negative:
            rows = rows.filter(quantity__gte=quantity)
        if rows.update(quantity=_moved(-quantity)) == 1:
            continue
        if allow_negative:
            _stock_row_create(branch=branch, product=product, quantity=-quantity)
            continue
        short.append(_short_line(branch=branch, product=product, wanted=quantity))
    if short:
        logger.warning(
            "Sale refused: insufficient stock",
            extra={"tenant": branch.tenant_id, "branch": branch.pk, "short": short},
        )
        raise InsufficientStock(short)

    _movements_record(
        branch=branch,
        quantities={p: -q for p, q in quantities.items() if p.track_stock},
        kind=kind,
        user=user,
        order=order,
        reason=reason,
    )


def stock_put(
    *,
    branch: Branch,
    quantities: Mapping[Product, Decimal],
    kind: str,
    user: User | None,
    order=None,
    reason: str = "",
    unit_costs: Mapping[Product, Decimal] | None = None,
) -> None:
    """Add ``quantities`` to ``branch``'s stock (refunds, purchases, opening).

    Runs in the caller's transaction; rows are created when missing.
    """
    for product, quantity in _ordered(quantities):
        if not product.track_stock:
            continue
        rows = BranchStock.objects.filter(branch=branch, product=product)
        if rows.update(quantity=_moved(quantity)) == 0:
            _stock_row_create(branch=branch, product=product, quantity=quantity)
    _movements_record(
        branch=branch,
        quantities={p: q for p, q in quantities.items() if p.track_stock},
        kind=kind,
        user=user,
        order=order,
        reason=reason,
        unit_costs=unit_costs,
    )


def _stock_row_create(*, branch: Branch, product: Product, quantity: Decimal) -> None:
    # A concurrent writer may create the same row first; the savepoint keeps
    # the outer transaction usable, and the retry then updates that row.
    try:
        with transaction.atomic():
            BranchStock.objects.create(
                tenant_id=branch.tenant_id,
                branch=branch,
                product=product,
                quantity=quantity,
            )
    except IntegrityError:
        BranchStock.objects.filter(branch=branch, product=product).update(
            quantity=_moved(quantity)
        )


def _short_line(*, branch: Branch, product: Product, wanted: Decimal) -> dict:
    available = (
        BranchStock.objects.filter(branch=branch, product=product)
        .values_list("quantity", flat=True)
        .first()
    ) or Decimal("0")
    return {
        "product": product.pk,
        "name": product.name,
        "requested": str(wanted),
        "available": str(available),
    }


def _movements_record(
    *,
    branch: Branch,
    quantities: Mapping[Product, Decimal],
    kind: str,
    user: User | None,
    order,
    reason: str,
    unit_costs: Mapping[Product, Decimal] | None = None,
) -> None:
    unit_costs = unit_costs or {}
    StockMovement.objects.bulk_create(
        StockMovement(
            tenant_id=branch.tenant_id,
            branch=branch,
            product=product,
            kind=kind,
            quantity_delta=quantity,
            unit_cost=unit_costs.get(product),
            order=order,
            user=user,
            reason=reason,
        )
        for product, quantity in _ordered(quantities)
    )


def product_save(
    *, tenant_id: int, product: Product | None = None, **fields
) -> Product:
    """Create a product of ``tenant_id``, or change ``product``'s fields.

    Raises ValidationFailed when the sku or barcode is taken in the tenant.
    """
    if product is None:
        product = Product(tenant_id=tenant_id)
    for name, value in fields.items():
        setattr(product, name, value)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise ValidationFailed(
            {"sku": [_("A product with this sku or barcode already exists.")]}
        ) from None
    logger.info("Product %s saved", product.sku, extra={"tenant": tenant_id})
    return product


def purchase_receive(
    *,
    user: User,
    branch: Branch,
    supplier: str,
    lines: list[tuple[Product, Decimal, Decimal]],
) -> Purchase:
    """Receive a supplier's delivery of (product, quantity, unit cost) lines."""
    if not lines:
        raise ValidationFailed({"lines": [_("A purchase needs at least one line.")]})
    with transaction.atomic():
        purchase = Purchase.objects.create(
            tenant_id=branch.tenant_id,
            branch=branch,
            supplier=supplier,
            user=user,
            total_cost=sum((money(q * c) for _p, q, c in lines), ZERO),
        )
        PurchaseLine.objects.bulk_create(
            PurchaseLine(
                tenant_id=branch.tenant_id,
                purchase=purchase,
                product=product,
                quantity=quantity,
                unit_cost=cost,
            )
            for product, quantity, cost in lines
        )
        quantities: dict[Product, Decimal] = defaultdict(Decimal)
        for product, quantity, _cost in lines:
            quantities[product] += quantity
        stock_put(
            branch=branch,
            quantities=quantities,
            kind=MovementKind.PURCHASE,
            user=user,
            reason=supplier,
            unit_costs={product: cost for product, _q, cost in lines},
        )
    logger.info("Purchase %s received", purchase.pk, extra={"tenant": branch.tenant_id})
    return purchase


def stock_adjust(
    *,
    user: User,
    branch: Branch,
    product: Product,
    quantity_delta: Decimal,
    reason: str,
) -> None:
    """Correct ``branch``'s stock of ``product`` by a counted difference.

    A decrease is guarded like a sale (InsufficientStock below zero unless
    the tenant allows negative stock).
    """
    if not quantity_delta:
        raise ValidationFailed({"quantity_delta": [_("The change may not be zero.")]})
    if not product.track_stock:
        raise ValidationFailed({"product": [_("This product's stock is not tracked.")]})
    with transaction.atomic():
        if quantity_delta < 0:
            stock_take(
                branch=branch,
                quantities={product: -quantity_delta},
                kind=MovementKind.ADJUSTMENT,
                user=user,
                reason=reason,
            )
        else:
            stock_put(
                branch=branch,
                quantities={product: quantity_delta},
                kind=MovementKind.ADJUSTMENT,
                user=user,
                reason=reason,
            )
    logger.info(
        "Stock of %s adjusted by %s",
        product.sku,
        quantity_delta,
        extra={"tenant": branch.tenant_id, "branch": branch.pk},
    )


def stock_open(*, branch: Branch, quantities: Mapping[Product, Decimal]) -> int:
    """Give ``branch`` opening stock of products it has never held.

    Products that already have a stock row at the branch are left alone, so
    opening a shop twice changes nothing. Returns how many rows were opened.
    """
    with transaction.atomic():
        held = set(
            BranchStock.objects.filter(
                branch=branch, product__in=list(quantities)
            ).values_list("product_id", flat=True)
        )
        opening = {
            p: q for p, q in _ordered(quantities) if p.pk not in held and p.track_stock
        }
        BranchStock.objects.bulk_create(
            BranchStock(
                tenant_id=branch.tenant_id, branch=branch, product=p, quantity=q
            )
            for p, q in opening.items()
        )
        _movements_record(
            branch=branch,
            quantities=opening,
            kind=MovementKind.INITIAL,
            user=None,
            order=None,
            reason="opening stock",
        )
    return len(opening)
