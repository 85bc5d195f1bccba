from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from kasserpro.tenancy import scopes_disabled, tenant_scope
from orders.models import Order
from orders.reports import sales_day
from orders.services import order_refund

CAIRO = ZoneInfo("Africa/Cairo")


def _complete_at(order: Order, moment: datetime) -> None:
    with scopes_disabled():
        Order.objects.filter(pk=order.pk).update(completed_at=moment)


def test_sales_day_counts_the_shop_local_day_by_hour(lab):
    lab.shift_open("c1")
    late = lab.sale("c1", [("P2", "1")], cash="10.00")
    early = lab.sale("c1", [("P2", "2")], cash="50.00")
    yesterday = lab.sale("c1", [("P2", "3")], cash="30.00")
    day = datetime(2026, 3, 10, tzinfo=CAIRO)
    # 23:30 in Cairo is 21:30 UTC: still the shop's day, in its last hour.
    _complete_at(late, day + timedelta(hours=23, minutes=30))
    _complete_at(early, day + timedelta(hours=9, minutes=5))
    _complete_at(yesterday, day - timedelta(minutes=1))

    with tenant_scope(lab.tenant_a):
        a1, a2 = sales_day(day=day.date())

    assert (a1.branch.code, a2.branch.code) == ("A1", "A2")
    assert (a1.sales, a1.orders, a1.average_basket) == (
        Decimal("30.00"),
        2,
        Decimal("15.00"),
    )
    assert a1.by_hour[9] == Decimal("20.00")
    assert a1.by_hour[23] == Decimal("10.00")
    assert a1.payments == {"cash": Decimal("30.00")}
    assert (a2.sales, a2.orders) == (Decimal("0.00"), 0)


def test_sales_day_shows_refunds_and_only_the_scoped_tenant(lab):
    lab.shift_open("c1")
    sold = lab.sale("c1", [("P2", "2")], cash="20.00")
    admin = lab.user("admin-a")
    with tenant_scope(lab.tenant_a):
        order_refund(order=sold, user=admin, lines=None, reason="")
        [a1, _a2] = sales_day(day=sold.completed_at.astimezone(CAIRO).date())
    with tenant_scope(lab.tenant_b):
        [b1] = sales_day(day=sold.completed_at.astimezone(CAIRO).date())

    assert (a1.sales, a1.refunds, a1.refund_count) == (
        Decimal("20.00"),
        Decimal("20.00"),
        1,
    )
    assert (b1.branch.code, b1.sales, b1.refunds) == ("B1", Decimal("0.00"), 0)
