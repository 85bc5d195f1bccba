"""Drafts, completion, cancel and the states in between (API.md, Orders)."""

from decimal import Decimal

import pytest

from inventory.models import BranchStock
from kasserpro.tenancy import scopes_disabled
from kasserpro.testing import race
from orders.models import Order

pytestmark = pytest.mark.django_db


def post(client, url, body=None, key=None):
    key = key or f"test-{url}-{id(body)}-{post.counter}"
    post.counter += 1
    return client.post(url, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key)


post.counter = 0


def stock(lab, sku, branch="A1"):
    with scopes_disabled():
        return BranchStock.objects.get(
            branch=lab.branches[branch], product=lab.product(sku)
        ).quantity


def draft(client, product, quantity="1"):
    response = post(
        client,
        "/api/orders/",
        {"items": [{"product": product.pk, "quantity": quantity}]},
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_draft_create_with_enough_stock_is_a_draft_without_number(lab, api_for):
    order = draft(api_for(lab.user("c1")), lab.product("P2"), "2")

    assert order["status"] == "draft"
    assert order["number"] is None
    assert order["total"] == "20.00"
    assert stock(lab, "P2") == 100  # a draft takes nothing


def test_draft_create_beyond_stock_answers_409_as_a_hint(lab, api_for):
    response = post(
        api_for(lab.user("c1")),
        "/api/orders/",
        {"items": [{"product": lab.product("P1").pk, "quantity": "4"}]},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    with scopes_disabled():
        assert not Order.objects.exists()


def test_draft_items_add_change_remove_reprices(lab, api_for):
    client = api_for(lab.user("c1"))
    order = draft(client, lab.product("P2"))

    added = post(
        client,
        f"/api/orders/{order['id']}/items/",
        {"product": lab.product("P1").pk, "quantity": "1"},
    )
    assert added.status_code == 201
    assert added.json()["total"] == "35.00"

    item = added.json()["items"][0]["id"]
    changed = client.patch(
        f"/api/orders/{order['id']}/items/{item}/",
        {"quantity": "3"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="change-1",
    )
    assert changed.status_code == 200
    assert changed.json()["total"] == "55.00"

    removed = client.delete(
        f"/api/orders/{order['id']}/items/{item}/", HTTP_IDEMPOTENCY_KEY="rm-1"
    )
    assert removed.status_code == 200
    assert [i["name"] for i in removed.json()["items"]] == ["Lab product P1"]
    assert removed.json()["total"] == "25.00"


def test_order_complete_takes_stock_and_numbers_the_order(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    order = draft(client, lab.product("P1"), "2")

    response = post(
        client,
        f"/api/orders/{order['id']}/complete/",
        {"payments": [{"method": "card", "amount": "50.00"}]},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "completed"
    assert response.json()["number"].startswith("A1-")
    assert stock(lab, "P1") == 1


def test_order_complete_twice_is_invalid_state(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    order = draft(client, lab.product("P2"))
    pay = {"payments": [{"method": "cash", "amount": "10.00"}]}
    assert post(client, f"/api/orders/{order['id']}/complete/", pay).status_code == 200

    again = post(client, f"/api/orders/{order['id']}/complete/", pay)

    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"


def test_order_cancel_draft_then_complete_is_invalid_state(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    order = draft(client, lab.product("P2"))

    assert (
        post(client, f"/api/orders/{order['id']}/cancel/").json()["status"]
        == "cancelled"
    )
    again = post(
        client,
        f"/api/orders/{order['id']}/complete/",
        {"payments": [{"method": "cash", "amount": "10.00"}]},
    )
    assert again.status_code == 409
    assert stock(lab, "P2") == 100


def test_order_cancel_paid_order_is_invalid_state(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    paid = post(
        client,
        "/api/orders/checkout/",
        {
            "items": [{"product": lab.product("P2").pk, "quantity": "1"}],
            "payments": [{"method": "cash", "amount": "10.00"}],
        },
    ).json()

    response = post(client, f"/api/orders/{paid['id']}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_order_complete_without_shift_is_shift_not_open(lab, api_for):
    client = api_for(lab.user("c1"))
    order = draft(client, lab.product("P2"))

    response = post(
        client,
        f"/api/orders/{order['id']}/complete/",
        {"payments": [{"method": "cash", "amount": "10.00"}]},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "shift_not_open"


@pytest.mark.parametrize(
    ("payments", "status", "change"),
    [
        ([{"method": "cash", "amount": "100.00"}], 200, "50.00"),
        (
            [
                {"method": "card", "amount": "30.00"},
                {"method": "cash", "amount": "30.00"},
            ],
            200,
            "10.00",
        ),
        (
            [
                {"method": "card", "amount": "20.00"},
                {"method": "wallet", "amount": "30.00"},
            ],
            200,
            "0.00",
        ),
        ([{"method": "card", "amount": "60.00"}], 400, None),
        ([{"method": "cash", "amount": "49.99"}], 400, None),
    ],
)
def test_order_complete_split_payments(
    lab, api_for, open_shift, payments, status, change
):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    order = draft(client, lab.product("P2"), "5")

    response = post(
        client, f"/api/orders/{order['id']}/complete/", {"payments": payments}
    )

    assert response.status_code == status, response.json()
    if change is not None:
        assert response.json()["change_due"] == change


def test_s1_two_drafts_completed_at_once_one_wins_loser_stays_draft(
    lab_tx, api_for, open_shift
):
    clients = {}
    drafts = {}
    for name in ("c1", "c2"):
        open_shift(lab_tx.user(name))
        clients[name] = api_for(lab_tx.user(name))
        drafts[name] = draft(clients[name], lab_tx.product("P1"), "2")["id"]

    def complete(name):
        return lambda: post(
            clients[name],
            f"/api/orders/{drafts[name]}/complete/",
            {"payments": [{"method": "cash", "amount": "50.00"}]},
        )

    responses = race(complete("c1"), complete("c2"))

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "insufficient_stock"
    assert stock(lab_tx, "P1") == 1
    with scopes_disabled():
        statuses = sorted(Order.objects.values_list("status", flat=True))
    assert statuses == ["completed", "draft"]


def test_discount_over_the_limit_needs_a_manager(lab, api_for, open_shift):
    client = api_for(lab.user("c1"))
    body = {
        "items": [{"product": lab.product("P2").pk, "quantity": "10"}],
        "discount": {"kind": "percent", "value": "20"},
    }

    refused = post(client, "/api/orders/", body)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"

    admin = lab.user("admin-a")
    admin.set_pin("4321")
    admin.save()
    approved = post(
        client,
        "/api/orders/",
        {**body, "approval": {"manager": "admin-a", "pin": "4321"}},
    )
    assert approved.status_code == 201, approved.json()
    assert approved.json()["total"] == "80.00"
    assert approved.json()["discount_total"] == "20.00"

    wrong_pin = post(
        client,
        "/api/orders/",
        {**body, "approval": {"manager": "admin-a", "pin": "0000"}},
    )
    assert wrong_pin.status_code == 403


def test_discount_within_the_limit_is_the_cashiers_call(lab, api_for):
    client = api_for(lab.user("c1"))
    response = post(
        client,
        "/api/orders/",
        {
            "items": [
                {
                    "product": lab.product("P2").pk,
                    "quantity": "3",
                    "discount": {"kind": "amount", "value": "1.00"},
                }
            ],
            "discount": {"kind": "percent", "value": "5"},
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    # 30.00 - 1.00 line discount = 29.00; 5% of 29.00 = 1.45 more.
    assert body["discount_total"] == "2.45"
    assert body["total"] == "27.55"
    assert Decimal(body["total"]) == sum(
        Decimal(i["line_total"]) for i in body["items"]
    )


def test_discount_never_takes_a_line_below_zero(lab, api_for):
    admin = api_for(lab.user("admin-a"))
    response = post(
        admin,
        "/api/orders/",
        {
            "items": [
                {
                    "product": lab.product("P2").pk,
                    "quantity": "1",
                    "discount": {"kind": "amount", "value": "15.00"},
                }
            ]
        },
    )

    assert response.status_code == 201
    assert response.json()["total"] == "0.00"
    assert response.json()["items"][0]["tax_amount"] == "0.00"


def test_order_tax_by_rate_groups_lines(lab, api_for):
    with scopes_disabled():
        from inventory.models import Product

        bread = Product.objects.get(tenant=lab.tenant_a, sku="BRD-BALADI")
    response = post(
        api_for(lab.user("c1")),
        "/api/orders/",
        {
            "items": [
                {"product": lab.product("P2").pk, "quantity": "1"},
                {"product": bread.pk, "quantity": "2"},
            ]
        },
    )

    rates = {row["rate"]: row for row in response.json()["tax_by_rate"]}
    assert rates["0.00"]["tax"] == "0.00"
    assert rates["14.00"]["tax"] == "1.23"  # 10.00 * 14 / 114
    assert rates["14.00"]["taxable"] == "8.77"


def test_draft_item_of_another_order_is_404(lab, api_for):
    client = api_for(lab.user("c1"))
    first = draft(client, lab.product("P2"))
    second = draft(client, lab.product("P2"))

    response = client.patch(
        f"/api/orders/{second['id']}/items/{first['items'][0]['id']}/",
        {"quantity": "2"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="other-line",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
