"""Stock guards, purchases and adjustments."""

from decimal import Decimal

import pytest

from inventory.exceptions import InsufficientStock
from inventory.models import BranchStock, MovementKind, Product, StockMovement
from inventory.services import stock_put, stock_take
from kasserpro.tenancy import scopes_disabled, tenant_scope
from kasserpro.tests.helpers import ledgers_balance, send, stock_of

pytestmark = pytest.mark.django_db


def weighed(lab) -> Product:
    with scopes_disabled():
        return Product.objects.get(tenant=lab.tenant_a, sku="CHEESE-WH")


def test_stock_take_weighed_goods_stay_exact_to_the_gram(lab):
    cheese, branch = weighed(lab), lab.branches["A1"]
    with tenant_scope(lab.tenant_a):
        stock_take(branch=branch, quantities={cheese: Decimal("19.3")}, user=None)
        stock_take(branch=branch, quantities={cheese: Decimal("0.4")}, user=None)
        # 20 - 19.3 - 0.4 = 0.3 exactly; a float store would hold 0.2999…
        stock_take(branch=branch, quantities={cheese: Decimal("0.3")}, user=None)
        with pytest.raises(InsufficientStock):
            stock_take(branch=branch, quantities={cheese: Decimal("0.001")}, user=None)
        assert BranchStock.objects.get(branch=branch, product=cheese).quantity == 0
    ledgers_balance()


def test_stock_take_refusal_changes_nothing(lab):
    branch = lab.branches["A1"]
    p1, p2 = lab.product("P1"), lab.product("P2")
    with tenant_scope(lab.tenant_a), pytest.raises(InsufficientStock) as refused:
        stock_take(
            branch=branch, quantities={p2: Decimal("5"), p1: Decimal("4")}, user=None
        )

    assert refused.value.short[0]["product"] == p1.pk
    # The P2 line was decremented first (product-id order) and rolled back by
    # the caller's transaction; this test's transaction is the caller here,
    # so look at P1, which was never touched.
    assert stock_of(lab, "P1") == 3


def test_stock_put_creates_a_missing_row_with_a_movement(lab):
    with scopes_disabled():
        product = Product.objects.create(
            tenant=lab.tenant_a, sku="NEW", name="New", price=Decimal("1.00")
        )
    with tenant_scope(lab.tenant_a):
        stock_put(
            branch=lab.branches["A2"],
            quantities={product: Decimal("7")},
            kind=MovementKind.PURCHASE,
            user=None,
        )
        assert BranchStock.objects.get(product=product).quantity == 7
        assert StockMovement.objects.get(product=product).quantity_delta == 7


def test_purchase_adds_stock_with_unit_cost(lab, api_for):
    response = send(
        api_for(lab.user("c1")),
        "post",
        "/api/purchases/",
        {
            "supplier": "Cairo Wholesale",
            "lines": [
                {
                    "product": lab.product("P1").pk,
                    "quantity": "12",
                    "unit_cost": "18.50",
                },
                {"product": lab.product("P2").pk, "quantity": "5", "unit_cost": "7.25"},
            ],
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["total_cost"] == "258.25"
    assert stock_of(lab, "P1") == 15
    with scopes_disabled():
        movement = StockMovement.objects.get(kind="purchase", product=lab.product("P1"))
    assert movement.unit_cost == Decimal("18.50")
    ledgers_balance()


def test_purchase_of_other_tenants_product_is_refused(lab, api_for):
    response = send(
        api_for(lab.user("c1")),
        "post",
        "/api/purchases/",
        {
            "supplier": "x",
            "lines": [
                {
                    "product": lab.product("P1", "tenant-b").pk,
                    "quantity": "1",
                    "unit_cost": "1",
                }
            ],
        },
    )

    assert response.status_code == 400
    assert stock_of(lab, "P1", "B1", "tenant-b") == 0


def test_stock_adjustment_manager_only_and_guarded(lab, api_for):
    body = {
        "product": lab.product("P1").pk,
        "quantity_delta": "-2",
        "reason": "damaged",
    }

    assert (
        send(
            api_for(lab.user("c1")), "post", "/api/stock-adjustments/", body
        ).status_code
        == 403
    )

    admin = api_for(lab.user("admin-a"))
    ok = send(admin, "post", "/api/stock-adjustments/", body)
    assert ok.status_code == 201
    assert ok.json()["stock"] == "1.000"

    too_far = send(admin, "post", "/api/stock-adjustments/", body)
    assert too_far.status_code == 409
    assert too_far.json()["code"] == "insufficient_stock"
    assert stock_of(lab, "P1") == 1
    ledgers_balance()
