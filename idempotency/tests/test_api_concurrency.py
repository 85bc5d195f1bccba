"""The pay button clicked twice at once (DESIGN.md S7): one order."""

from decimal import Decimal

import pytest

from kasserpro.tenancy import scopes_disabled
from orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def test_checkout_api_same_key_sent_twice_at_once_makes_one_order(
    lab_tx, api_for, checkout, race
):
    p2 = lab_tx.product("P2")
    lab_tx.shift_open("c1")
    clients = [api_for(lab_tx.user("c1")), api_for(lab_tx.user("c1"))]

    responses = race(
        *(lambda c=c: checkout(c, [(p2, 1)], key="pay-1") for c in clients)
    )

    with scopes_disabled():
        assert Order.objects.count() == 1
    assert lab_tx.stock("P2") == Decimal("99")
    # The loser waited for the winner and got its answer, or was told the
    # key is busy; either way it made nothing.
    done = [r for r in responses if r.status_code == 201]
    busy = [r for r in responses if r.status_code == 409]
    assert len(done) + len(busy) == 2 and done
    assert len({r.json()["id"] for r in done}) == 1
    assert {r.json()["code"] for r in busy} <= {"idempotency_key_in_use"}
