"""Refunds: partial and full, by payment method, with stock and drawer."""

from decimal import Decimal

import pytest

from cashregister.selectors import drawer_balance
from kasserpro.tenancy import scopes_disabled, tenant_scope
from kasserpro.testing import race
from kasserpro.tests.helpers import checkout, ledgers_balance, send, stock_of

pytestmark = pytest.mark.django_db


def refund(client, order, body=None):
    return send(client, "post", f"/api/orders/{order['id']}/refunds/", body)


def balance(lab, branch="A1"):
    with tenant_scope(lab.tenant_a):
        return drawer_balance(branch=lab.branches[branch])


def test_refund_partial_then_rest_gives_back_exactly_what_was_paid(
    lab, api_for, open_shift
):
    open_shift(lab.user("c1"))
    c1, admin = api_for(lab.user("c1")), api_for(lab.user("admin-a"))
    order = send(
        c1,
        "post",
        "/api/orders/checkout/",
        {
            "items": [{"product": lab.product("P2").pk, "quantity": "3"}],
            "payments": [
                {"method": "card", "amount": "10.00"},
                {"method": "cash", "amount": "50.00"},
            ],
        },
    ).json()
    item = order["items"][0]["id"]
    assert balance(lab) == Decimal("120.00")  # 100 float + 20 kept of the cash

    first = refund(
        admin, order, {"lines": [{"item": item, "quantity": "1"}], "reason": "broken"}
    )
    assert first.status_code == 201, first.json()
    assert first.json()["amount"] == "10.00"
    assert stock_of(lab, "P2") == 98

    rest = refund(admin, order)
    assert rest.status_code == 201
    assert rest.json()["amount"] == "20.00"

    by_method = {}
    for r in (first.json(), rest.json()):
        for p in r["payments"]:
            by_method[p["method"]] = by_method.get(p["method"], 0) + Decimal(
                p["amount"]
            )
    assert by_method == {"card": Decimal("10.00"), "cash": Decimal("20.00")}
    assert balance(lab) == Decimal("100.00")
    assert stock_of(lab, "P2") == 100

    final = c1.get(f"/api/orders/{order['id']}/").json()
    assert final["status"] == "refunded"
    assert final["refunded_total"] == final["total"]
    ledgers_balance()


def test_refund_more_than_sold_is_refused(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    order = checkout(api_for(lab.user("c1")), lab.product("P2"), "2").json()
    admin = api_for(lab.user("admin-a"))

    response = refund(
        admin, order, {"lines": [{"item": order["items"][0]["id"], "quantity": "3"}]}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert stock_of(lab, "P2") == 98


def test_refund_nothing_left_is_invalid_state(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    order = checkout(api_for(lab.user("c1")), lab.product("P2")).json()
    admin = api_for(lab.user("admin-a"))
    assert refund(admin, order).status_code == 201

    again = refund(admin, order)

    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"


def test_refund_of_a_draft_is_invalid_state(lab, api_for):
    admin = api_for(lab.user("admin-a"))
    draft = send(
        admin,
        "post",
        "/api/orders/",
        {"items": [{"product": lab.product("P2").pk, "quantity": "1"}]},
    ).json()

    assert refund(admin, draft).status_code == 409


def test_refund_by_cashier_needs_manager_pin(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    c1 = api_for(lab.user("c1"))
    order = checkout(c1, lab.product("P2")).json()

    assert refund(c1, order).status_code == 403

    admin = lab.user("admin-a")
    admin.set_pin("2468")
    admin.save()
    approved = refund(c1, order, {"approval": {"manager": "admin-a", "pin": "2468"}})
    assert approved.status_code == 201
    assert approved.json()["approved_by"] == admin.pk


def test_refund_of_another_tenants_order_is_404(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    order = checkout(api_for(lab.user("c1")), lab.product("P2")).json()

    response = refund(api_for(lab.user("admin-b")), order)

    assert response.status_code == 404
    assert stock_of(lab, "P2") == 99


def test_s14_refund_racing_a_sale_keeps_stock_exact(lab_tx, api_for, open_shift):
    for name in ("c1", "c2"):
        open_shift(lab_tx.user(name))
    c1, c2 = api_for(lab_tx.user("c1")), api_for(lab_tx.user("c2"))
    sold = checkout(c1, lab_tx.product("P1"), "2").json()
    assert stock_of(lab_tx, "P1") == 1
    admin = api_for(lab_tx.user("admin-a"))

    refunded, sale = race(
        lambda: refund(admin, sold), lambda: checkout(c2, lab_tx.product("P1"), "2")
    )

    assert refunded.status_code == 201
    assert sale.status_code in (201, 409)
    expected = 3 if sale.status_code == 409 else 1
    assert stock_of(lab_tx, "P1") == expected
    ledgers_balance()


def test_refunds_racing_on_one_order_never_give_back_more(lab_tx, api_for, open_shift):
    open_shift(lab_tx.user("c1"))
    order = checkout(api_for(lab_tx.user("c1")), lab_tx.product("P2"), "2").json()
    admin = api_for(lab_tx.user("admin-a"))
    item = order["items"][0]["id"]
    one = {"lines": [{"item": item, "quantity": "2"}]}

    responses = race(
        lambda: refund(admin, order, one), lambda: refund(admin, order, one)
    )

    assert sorted(r.status_code for r in responses) in ([201, 400], [201, 409])
    assert stock_of(lab_tx, "P2") == 100
    with scopes_disabled():
        from orders.models import Order

        assert Order.objects.get(pk=order["id"]).refunded_total == Decimal("20.00")
