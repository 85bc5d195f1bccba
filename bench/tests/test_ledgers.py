"""The ledger check finds a balance that disagrees with its ledger."""

from decimal import Decimal

from bench.ledgers import ledger_mismatches
from cashregister.models import CashDrawer
from inventory.models import BranchStock
from kasserpro.tenancy import scopes_disabled


def test_ledger_mismatches_after_sales_is_empty(lab):
    lab.shift_open("c1")
    lab.sale("c1", [("P1", 2), ("P2", 3)])

    assert ledger_mismatches() == []


def test_ledger_mismatches_stock_row_changed_without_movement_is_reported(lab):
    with scopes_disabled():
        BranchStock.objects.filter(
            branch=lab.branches["A1"], product=lab.product("P1")
        ).update(quantity=Decimal("4"))

    (mismatch,) = ledger_mismatches()
    assert mismatch.startswith("stock A1/P1 (tenant ")
    assert "row 4.000 != movements 3.000" in mismatch


def test_ledger_mismatches_drawer_changed_without_movement_is_reported(lab):
    lab.shift_open("c1", "100.00")
    with scopes_disabled():
        CashDrawer.objects.filter(branch=lab.branches["A1"]).update(
            balance=Decimal("90.00")
        )

    (mismatch,) = ledger_mismatches()
    assert mismatch.startswith("drawer A1 (tenant ")
    assert "balance 90.00 != ledger 100.00" in mismatch
