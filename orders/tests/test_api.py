"""The orders API: tenant isolation, working branch, money on the wire."""

import json
from decimal import Decimal

import pytest

from kasserpro.tenancy import scopes_disabled
from orders.models import Order


@pytest.fixture
def sold(lab):
    """One completed order at A1 (by c1) and one at A2 (by c3)."""
    lab.shift_open("c1")
    lab.shift_open("c3")
    return {
        "A1": lab.sale("c1", [("P1", 1)]),
        "A2": lab.sale("c3", [("P2", 2)]),
    }


def _ids(response) -> list[int]:
    return [order["id"] for order in response.json()["results"]]


@pytest.mark.parametrize("username", ["c4", "admin-b"])
def test_order_detail_api_other_tenants_order_is_404(lab, api_for, sold, username):
    client = api_for(lab.user(username))

    response = client.get(f"/api/orders/{sold['A1'].pk}/")
    missing = client.get("/api/orders/999999/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # Another tenant's order looks exactly like one that does not exist.
    assert response.json() == missing.json()


def test_order_detail_api_other_tenant_read_leaves_order_untouched(lab, api_for, sold):
    order = sold["A1"]

    api_for(lab.user("c4")).get(f"/api/orders/{order.pk}/")

    with scopes_disabled():
        again = Order.objects.get(pk=order.pk)
    assert (again.status, again.total, again.tenant_id) == (
        order.status,
        order.total,
        lab.tenant_a.pk,
    )


def test_order_detail_api_cashier_of_same_branch_reads_order(lab, api_for, sold):
    response = api_for(lab.user("c2")).get(f"/api/orders/{sold['A1'].pk}/")

    assert response.status_code == 200
    assert response.json()["number"] == sold["A1"].number


def test_order_detail_api_cashier_of_other_branch_is_404(lab, api_for, sold):
    response = api_for(lab.user("c3")).get(f"/api/orders/{sold['A1'].pk}/")

    assert response.status_code == 404


def test_order_list_api_cashier_naming_other_branch_gets_own_branch(lab, api_for, sold):
    response = api_for(lab.user("c1")).get(
        "/api/orders/", headers={"X-Branch-Id": str(lab.branches["A2"].pk)}
    )

    assert response.status_code == 200
    assert _ids(response) == [sold["A1"].pk]


def test_order_list_api_admin_naming_own_tenants_branch_gets_it(lab, api_for, sold):
    response = api_for(lab.user("admin-a")).get(
        "/api/orders/", headers={"X-Branch-Id": str(lab.branches["A2"].pk)}
    )

    assert response.status_code == 200
    assert _ids(response) == [sold["A2"].pk]


def test_order_list_api_admin_naming_other_tenants_branch_is_404(lab, api_for, sold):
    response = api_for(lab.user("admin-a")).get(
        "/api/orders/", headers={"X-Branch-Id": str(lab.branches["B1"].pk)}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_order_checkout_api_amounts_are_decimal_strings(lab, api_for, checkout):
    lab.shift_open("c1")

    response = checkout(api_for(lab.user("c1")), [(lab.product("P1"), 1)], cash="30.00")

    assert response.status_code == 201

    def no_float(text):
        raise AssertionError(f"amount sent as a JSON number: {text}")

    order = json.loads(response.content, parse_float=no_float)
    assert (order["total"], order["tax_total"], order["subtotal"]) == (
        "25.00",
        "3.07",
        "21.93",
    )
    assert (order["paid_total"], order["change_due"]) == ("30.00", "5.00")
    assert order["items"][0]["quantity"] == "1.000"
    assert Decimal(order["items"][0]["line_total"]) == Decimal("25.00")


def test_order_checkout_api_product_id_beyond_64_bits_is_400(lab, api_for, checkout):
    # SQLite cannot bind an integer past 64 bits: unchecked, this was a 500.
    lab.shift_open("c1")
    body = {
        "items": [{"product": 2**64, "quantity": "1"}],
        "payments": [{"method": "cash", "amount": "10.00"}],
    }

    response = api_for(lab.user("c1")).post(
        "/api/orders/checkout/", body, format="json", headers={"Idempotency-Key": "k"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
