from datetime import date

from django.db.models import QuerySet

from accounts.models import Branch, Role, User
from orders.models import Order


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
