from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts.models import Branch, Role, User
from kasserpro.money import ZERO
from orders.models import Order, OrderStatus, Refund


def order_list(
    *, branch: Branch, status: str = "", day: date | None = None
) -> QuerySet[Order]:
    """Return the orders of ``branch``, newest first, with lines and payments.

    ``day`` is a shop-local date. Runs in the caller's tenant scope.
    """
    orders = Order.objects.filter(branch=branch).prefetch_related("items", "payments")
    if status:
        orders = orders.filter(status=status)
    if day:
        orders = orders.filter(created_at__date=day)
    return orders.select_related("branch", "cashier").order_by("-created_at", "-pk")


def order_get(*, user: User, branch: Branch, order_id: int) -> Order:
    """Return one order ``user`` may read; Order.DoesNotExist otherwise.

    A cashier reads orders of their own branch only; admins and managers
    read any order of their tenant (the scope keeps out other tenants).
    """
    orders = Order.objects.prefetch_related("items", "payments").select_related(
        "branch", "cashier"
    )
    if user.role == Role.CASHIER:
        orders = orders.filter(branch=branch)
    return orders.get(pk=order_id)


def tax_by_rate(items) -> list[dict]:
    """Return the tax of ``items`` grouped by rate, for orders and receipts."""
    rates: dict[Decimal, dict] = {}
    for item in items:
        row = rates.setdefault(
            item.tax_rate, {"rate": item.tax_rate, "taxable": ZERO, "tax": ZERO}
        )
        row["taxable"] += item.line_total - item.tax_amount
        row["tax"] += item.tax_amount
    return [rates[rate] for rate in sorted(rates)]


def refund_get(*, refund_id: int) -> Refund:
    """Return one refund with its lines and payments."""
    return Refund.objects.prefetch_related("lines", "payments").get(pk=refund_id)


def order_search(*, branch: Branch, day: date, query: str = "") -> QuerySet[Order]:
    """Return ``branch``'s orders of the shop-local ``day`` matching ``query``.

    ``query`` is part of an order number or of a customer's name; drafts are
    left out. Newest first. Runs in the caller's tenant scope.
    """
    orders = order_list(branch=branch, day=day).exclude(status=OrderStatus.DRAFT)
    if query:
        orders = orders.filter(
            Q(number__icontains=query) | Q(customer_name__icontains=query)
        )
    return orders
