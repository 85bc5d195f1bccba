"""The stock screen: low stock, deliveries, adjustments (test client)."""

from decimal import Decimal

from django.urls import reverse

from inventory.models import Product, Purchase
from kasserpro.tenancy import scopes_disabled
from orders.tests.pages import form_values, log_in


def _product(lab, sku) -> Product:
    with scopes_disabled():
        return Product.objects.get(tenant=lab.tenant_a, sku=sku)


def test_stock_low_lists_what_is_at_or_below_the_threshold(lab, client):
    log_in(client, "c1")

    default = client.get(reverse("stock")).content.decode()
    wider = client.get(reverse("stock"), {"threshold": "15"}).content.decode()

    assert "<td>Lab product P1</td>" in default
    assert "<td>Lab product P2</td>" not in default
    assert "<td>Roumi cheese</td>" in wider and "<td>Lemons</td>" in wider


def test_stock_purchase_of_several_lines_adds_stock_once(lab, client):
    log_in(client, "c1")
    fields = form_values(client.get(reverse("stock")), "purchase")
    p1, rice = lab.product("P1"), _product(lab, "RICE-1KG")
    fields.update(
        {
            "supplier": "El Nour Trading",
            "line-0-product": str(p1.pk),
            "line-0-quantity": "10",
            "line-0-unit_cost": "18.50",
            "line-1-product": str(rice.pk),
            "line-1-quantity": "5",
            "line-1-unit_cost": "30",
        }
    )

    first = client.post(reverse("purchase-new"), fields)
    again = client.post(reverse("purchase-new"), fields)

    assert first.status_code == again.status_code == 303
    assert lab.stock("P1") == Decimal("13")
    with scopes_disabled():
        purchase = Purchase.objects.get()
    assert purchase.total_cost == Decimal("335.00")


def test_stock_purchase_line_without_cost_is_refused(lab, client):
    log_in(client, "c1")
    fields = form_values(client.get(reverse("stock")), "purchase")
    fields.update(
        {
            "supplier": "X",
            "line-0-product": str(lab.product("P1").pk),
            "line-0-quantity": "1",
        }
    )

    response = client.post(reverse("purchase-new"), fields)

    assert response.status_code == 400
    assert "Each line needs a quantity and a cost." in response.content.decode()
    assert lab.stock("P1") == Decimal("3")


def test_stock_adjustment_is_hidden_and_refused_for_a_cashier(lab, client):
    log_in(client, "c1")

    page = client.get(reverse("stock")).content.decode()
    response = client.post(
        reverse("adjustment-new"),
        {
            "product": lab.product("P1").pk,
            "quantity_delta": "-1",
            "reason": "damaged",
            "idempotency_key": "k-1",
        },
    )

    assert 'id="adjust"' not in page
    assert response.status_code == 403
    assert lab.stock("P1") == Decimal("3")


def test_stock_adjustment_by_admin_with_reason(lab, client):
    log_in(client, "admin-a")
    fields = form_values(client.get(reverse("stock")), "adjust")
    fields.update(
        product=str(lab.product("P1").pk), quantity_delta="-2", reason="damaged"
    )

    response = client.post(reverse("adjustment-new"), fields)
    fresh = form_values(client.get(reverse("stock")), "adjust")
    below_zero = client.post(
        reverse("adjustment-new"),
        {**fields, "idempotency_key": fresh["idempotency_key"], "quantity_delta": "-5"},
    )

    assert response.status_code == 303
    assert lab.stock("P1") == Decimal("1")
    assert below_zero.status_code == 409
    assert "Lab product P1: 5 wanted, 1 in stock" in below_zero.content.decode()
