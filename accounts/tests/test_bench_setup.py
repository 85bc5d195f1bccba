"""bench_setup: cashiers with open shifts and stock, safe to run again."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from cashregister.models import Shift
from inventory.models import BranchStock
from kasserpro.tenancy import scopes_disabled


def _bench_setup(**options):
    call_command("bench_setup", stdout=StringIO(), **options)


def _bench_stock() -> Decimal:
    with scopes_disabled():
        return BranchStock.objects.get(
            product__sku="BENCH-1", branch__code="A1", tenant__slug="tenant-a"
        ).quantity


def test_bench_setup_creates_cashiers_with_open_shifts_and_stock(db):
    _bench_setup(cashiers=3, stock=Decimal("500"))

    users = User.objects.filter(username__startswith="bench-").order_by("username")
    assert [u.username for u in users] == ["bench-001", "bench-002", "bench-003"]
    assert {(u.role, u.home_branch.code) for u in users} == {("cashier", "A1")}
    with scopes_disabled():
        assert Shift.objects.filter(user__in=users, status="open").count() == 3
    assert _bench_stock() == Decimal("500")


def test_bench_setup_run_again_tops_up_and_opens_nothing_twice(lab):
    _bench_setup(cashiers=2, stock=Decimal("500"))
    lab.sale("bench-001", [("BENCH-1", 7)])

    _bench_setup(cashiers=2, stock=Decimal("500"))

    with scopes_disabled():
        assert Shift.objects.filter(user__username__startswith="bench-").count() == 2
    assert _bench_stock() == Decimal("500")


def test_bench_setup_no_cashiers_is_an_error(db):
    with pytest.raises(CommandError):
        _bench_setup(cashiers=0)
