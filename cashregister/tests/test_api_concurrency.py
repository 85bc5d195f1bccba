"""Shifts under races: one open shift per cashier, a close that counts every
sale it lets through."""

from collections import Counter
from decimal import Decimal
from uuid import uuid4

import pytest

from bench.ledgers import ledger_mismatches
from cashregister.models import Shift
from kasserpro.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client, path: str, body: dict):
    return client.post(
        path, body, format="json", headers={"Idempotency-Key": uuid4().hex}
    )


def test_shift_open_api_twice_at_once_opens_one(lab_tx, api_for, race):
    clients = [api_for(lab_tx.user("c1")), api_for(lab_tx.user("c1"))]

    responses = race(
        *(
            lambda c=c: _post(c, "/api/shifts/", {"opening_cash": "100.00"})
            for c in clients
        )
    )

    assert Counter(r.status_code for r in responses) == {201: 1, 409: 1}
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["code"] == "shift_already_open"
    with scopes_disabled():
        assert Shift.objects.filter(user=lab_tx.user("c1")).count() == 1
    assert ledger_mismatches() == []


def test_shift_close_api_racing_a_sale_counts_it_or_refuses_it(
    lab_tx, api_for, checkout, race
):
    lab_tx.shift_open("c1", "100.00")
    c1 = api_for(lab_tx.user("c1"))
    till = api_for(lab_tx.user("c1"))

    sale, close = race(
        lambda: checkout(till, [(lab_tx.product("P1"), 1)], cash="25.00"),
        lambda: _post(c1, "/api/shifts/current/close/", {"counted_cash": "100.00"}),
    )

    # Whichever went first, the close never misses a sale of its shift.
    assert close.status_code == 200, close.content
    if sale.status_code == 201:
        assert close.json()["expected_cash"] == "125.00"
    else:
        assert sale.json()["code"] == "shift_not_open"
        assert close.json()["expected_cash"] == "100.00"
    assert lab_tx.stock("P1") == Decimal(3 - (sale.status_code == 201))
    assert ledger_mismatches() == []
