"""Check that stock and cash balances equal the ledgers they summarise.

DESIGN.md invariants 1 and 3: a stock row is the sum of its movements, a
drawer's balance the sum of its cash movements. A load run or a race that
breaks either left a lost or doubled update behind.
"""

from decimal import Decimal

from django.db.models import Sum

from cashregister.models import CashDrawer, CashMovement
from inventory.models import BranchStock, StockMovement
from kasserpro.tenancy import scopes_disabled


def ledger_mismatches() -> list[str]:
    """Return one line per stock row or drawer that disagrees with its ledger.

    Reads every tenant; an empty list means everything balances.
    """
    with scopes_disabled():
        return _stock_mismatches() + _drawer_mismatches()


def _stock_mismatches() -> list[str]:
    moved = {
        (row["branch_id"], row["product_id"]): row["total"]
        for row in StockMovement.objects.values("branch_id", "product_id").annotate(
            total=Sum("quantity_delta")
        )
    }
    found = []
    for stock in BranchStock.objects.order_by("pk"):
        ledger = moved.pop((stock.branch_id, stock.product_id), Decimal("0"))
        if stock.quantity != ledger:
            found.append(
                f"stock branch={stock.branch_id} product={stock.product_id}: "
                f"row {stock.quantity} != movements {ledger}"
            )
    for (branch_id, product_id), ledger in sorted(moved.items()):
        found.append(
            f"stock branch={branch_id} product={product_id}: no row, movements {ledger}"
        )
    return found


def _drawer_mismatches() -> list[str]:
    moved = dict(
        CashMovement.objects.values("drawer_id")
        .annotate(total=Sum("amount"))
        .values_list("drawer_id", "total")
    )
    found = []
    for drawer in CashDrawer.objects.order_by("pk"):
        ledger = moved.get(drawer.pk, Decimal("0"))
        if drawer.balance != ledger:
            found.append(
                f"drawer branch={drawer.branch_id}: "
                f"balance {drawer.balance} != movements {ledger}"
            )
    return found
