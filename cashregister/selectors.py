from decimal import Decimal

from django.db.models import Count, Sum

from accounts.models import Branch, User
from cashregister.models import CashDrawer, Expense, Shift, ShiftStatus
from kasserpro.money import ZERO, money
from orders.models import Order, OrderStatus, Payment, RefundPayment


def shift_current(*, user: User) -> Shift | None:
    """Return ``user``'s open shift, or None."""
    return Shift.objects.filter(user=user, status=ShiftStatus.OPEN).first()


def drawer_balance(*, branch: Branch) -> Decimal:
    """Return the cash the branch's drawer should hold."""
    balance = (
        CashDrawer.objects.filter(branch=branch)
        .values_list("balance", flat=True)
        .first()
    )
    return balance if balance is not None else ZERO


def shift_summary(*, shift: Shift) -> dict:
    """Return what a shift did: sales by method, refunds, discounts, tax, cash.

    Sales count what the shop kept (cash less change); refunds count what
    went back, by method.
    """
    orders = Order.objects.filter(shift=shift).exclude(
        status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED]
    )
    sales = dict(
        Payment.objects.filter(order__in=orders)
        .values("method")
        .annotate(total=Sum("kept"))
        .values_list("method", "total")
    )
    refunds = dict(
        RefundPayment.objects.filter(refund__shift=shift)
        .values("method")
        .annotate(total=Sum("amount"))
        .values_list("method", "total")
    )
    totals = orders.aggregate(
        count=Count("pk"), discounts=Sum("discount_total"), tax=Sum("tax_total")
    )
    cash = dict(
        shift.movements.values("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    # SQLite sums decimals without their scale; money() puts it back.
    return {
        "orders": totals["count"],
        "sales_by_method": {m: str(money(v)) for m, v in sorted(sales.items())},
        "refunds_by_method": {m: str(money(v)) for m, v in sorted(refunds.items())},
        "discounts": str(money(totals["discounts"] or ZERO)),
        "tax": str(money(totals["tax"] or ZERO)),
        "cash_movements": {k: str(money(v)) for k, v in sorted(cash.items())},
        "expected_cash": str(money(sum(cash.values(), ZERO))),
    }


def shift_get(*, user: User, shift_id: int) -> Shift:
    """Return a shift ``user`` may see: their own, or any if a manager."""
    shifts = Shift.objects.select_related("branch")
    if not user.is_manager_or_admin:
        shifts = shifts.filter(user=user)
    return shifts.get(pk=shift_id)


def expense_list(*, branch: Branch):
    """Return ``branch``'s expenses, newest first."""
    return Expense.objects.filter(branch=branch).order_by("-created_at", "-pk")


def drawer_ledger_mismatches() -> list[str]:
    """Return a line for every drawer whose balance differs from its ledger.

    Reads every tenant; the caller disables the scope on purpose.
    """
    problems = []
    for drawer in CashDrawer.objects.select_related("branch").annotate(
        ledger=Sum("movements__amount")
    ):
        ledger = money(drawer.ledger or ZERO)
        if ledger != drawer.balance:
            problems.append(
                f"drawer {drawer.branch.code} (tenant {drawer.tenant_id}): "
                f"balance {drawer.balance} != ledger {ledger}"
            )
    return problems
