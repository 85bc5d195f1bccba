"""Racing checkouts through the HTTP API on a real database (DESIGN.md S1).

Each racer is a thread with its own client and database connection; a
barrier releases them together so their transactions overlap.
"""

from collections import Counter
from decimal import Decimal

import pytest

from bench.ledgers import ledger_mismatches
from kasserpro.tenancy import scopes_disabled
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db(transaction=True)


def _statuses(responses) -> Counter:
    return Counter(response.status_code for response in responses)


def _completed_orders() -> int:
    with scopes_disabled():
        return Order.objects.filter(status=OrderStatus.COMPLETED).count()


def test_order_checkout_two_cashiers_race_for_short_stock_one_wins(
    lab_tx, api_token_for, checkout, race
):
    p1 = lab_tx.product("P1")
    lab_tx.shift_open("c1")
    lab_tx.shift_open("c2")
    clients = [api_token_for("c1"), api_token_for("c2")]

    responses = race(*(lambda c=c: checkout(c, [(p1, 2)]) for c in clients))

    assert _statuses(responses) == {201: 1, 409: 1}
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["code"] == "insufficient_stock"
    assert lab_tx.stock("P1") == Decimal("1")
    assert _completed_orders() == 1
    assert ledger_mismatches() == []


def test_order_checkout_six_racers_for_three_units_three_win(
    lab_tx, api_for, checkout, race
):
    p1 = lab_tx.product("P1")
    usernames = ["c1", "c2", "c6", "c7", "c8", "c9"]
    for username in usernames[2:]:
        lab_tx.cashier_add(username)
    for username in usernames:
        lab_tx.shift_open(username)
    clients = [api_for(lab_tx.user(username)) for username in usernames]

    responses = race(*(lambda c=c: checkout(c, [(p1, 1)]) for c in clients))

    assert _statuses(responses) == {201: 3, 409: 3}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "insufficient_stock"
    }
    assert lab_tx.stock("P1") == Decimal("0")
    assert _completed_orders() == 3
    assert ledger_mismatches() == []


def test_order_checkout_lines_in_opposite_order_race_all_complete(
    lab_tx, api_for, checkout, race
):
    # Were stock rows locked in the order the lines arrive, P1+P2 against
    # P2+P1 could deadlock on PostgreSQL; they are locked by product id.
    # Three racers each way widen the window a deadlock would need.
    p1, p2 = lab_tx.product("P1"), lab_tx.product("P2")
    lab_tx.stock_add("P1", "3")
    usernames = ["c1", "c2", "c6", "c7", "c8", "c9"]
    for username in usernames[2:]:
        lab_tx.cashier_add(username)
    for username in usernames:
        lab_tx.shift_open(username)
    clients = [api_for(lab_tx.user(username)) for username in usernames]
    baskets = [[(p1, 1), (p2, 2)], [(p2, 2), (p1, 1)]] * 3

    responses = race(
        *(
            lambda c=c, basket=basket: checkout(c, basket)
            for c, basket in zip(clients, baskets, strict=True)
        )
    )

    assert _statuses(responses) == {201: 6}
    assert lab_tx.stock("P1") == Decimal("0")
    assert lab_tx.stock("P2") == Decimal("88")
    assert ledger_mismatches() == []


def test_order_checkout_opposite_order_race_for_short_stock_one_wins(
    lab_tx, api_for, checkout, race
):
    p1, p2 = lab_tx.product("P1"), lab_tx.product("P2")
    lab_tx.shift_open("c1")
    lab_tx.shift_open("c2")
    c1, c2 = api_for(lab_tx.user("c1")), api_for(lab_tx.user("c2"))

    responses = race(
        lambda: checkout(c1, [(p1, 2), (p2, 1)]),
        lambda: checkout(c2, [(p2, 1), (p1, 2)]),
    )

    assert _statuses(responses) == {201: 1, 409: 1}
    assert lab_tx.stock("P1") == Decimal("1")
    # The refused order took nothing, not even its P2 line.
    assert lab_tx.stock("P2") == Decimal("99")
    assert ledger_mismatches() == []
