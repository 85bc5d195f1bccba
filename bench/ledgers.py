"""Check that stock and cash balances equal the ledgers they summarise.

DESIGN.md invariants 1 and 3: a stock row is the sum of its movements, a
drawer's balance the sum of its cash movements. A load run or a race that
breaks either left a lost or doubled update behind. The checks are the ones
``manage.py check_ledgers`` runs.
"""

from cashregister.selectors import drawer_ledger_mismatches
from inventory.selectors import stock_ledger_mismatches
from kasserpro.tenancy import scopes_disabled


def ledger_mismatches() -> list[str]:
    """Return one line per stock row or drawer that disagrees with its ledger.

    Reads every tenant; an empty list means everything balances.
    """
    with scopes_disabled():
        return stock_ledger_mismatches() + drawer_ledger_mismatches()
