"""The manager's day in figures: tenant-scoped reads for the dashboard.

A day is the shop's local day (TIME_ZONE, Africa/Cairo for the demo):
sales count at completion time, refunds at the time they were given.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from accounts.models import Branch
from kasserpro.money import ZERO, money
from orders.models import Order, OrderStatus, Payment, Refund

SOLD = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)


@dataclass
class BranchDay:
    """One branch's day: what was sold, refunded, and how it was paid."""

    branch: Branch
    sales: Decimal = ZERO
    orders: int = 0
    refunds: Decimal = ZERO
    refund_count: int = 0
    payments: dict[str, Decimal] = field(default_factory=dict)
    by_hour: list[Decimal] = field(default_factory=lambda: [ZERO] * 24)

    @property
    def average_basket(self) -> Decimal:
        return money(self.sales / self.orders) if self.orders else ZERO

    @property
    def net(self) -> Decimal:
        return self.sales - self.refunds


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the aware start and end of the shop-local ``day``."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


def sales_day(*, day: date) -> list[BranchDay]:
    """Return every branch of the tenant in scope with its figures for ``day``.

    Sales are order totals at completion (an order refunded later still
    counts as sold, and its refund shows under refunds); the payment mix is
    what the shop kept by method (cash less change). Runs in the caller's
    tenant scope; four grouped queries whatever the number of branches.
    """
    start, end = day_bounds(day)
    days = {b.pk: BranchDay(branch=b) for b in Branch.objects.order_by("code")}
    sold = Order.objects.filter(
        status__in=SOLD, completed_at__gte=start, completed_at__lt=end
    )

    tz = timezone.get_current_timezone()
    for row in (
        sold.annotate(hour=ExtractHour("completed_at", tzinfo=tz))
        .values("branch_id", "hour")
        .annotate(total=Sum("total"), count=Count("pk"))
    ):
        branch_day = days[row["branch_id"]]
        amount = money(row["total"] or ZERO)
        branch_day.by_hour[row["hour"]] += amount
        branch_day.sales += amount
        branch_day.orders += row["count"]

    for row in (
        Payment.objects.filter(order__in=sold)
        .values("order__branch_id", "method")
        .annotate(total=Sum("kept"))
    ):
        days[row["order__branch_id"]].payments[row["method"]] = money(row["total"])

    for row in (
        Refund.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("branch_id")
        .annotate(total=Sum("amount"), count=Count("pk"))
    ):
        days[row["branch_id"]].refunds = money(row["total"] or ZERO)
        days[row["branch_id"]].refund_count = row["count"]
    return list(days.values())
