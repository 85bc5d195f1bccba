"""The catalogue API: tenant isolation and stock at the working branch."""

import pytest

from inventory.models import Product
from kasserpro.tenancy import scopes_disabled


def _p1_stock(client, **headers) -> str:
    response = client.get("/api/products/", {"sku": "P1"}, headers=headers)
    assert response.status_code == 200, response.content
    (product,) = response.json()["results"]
    return product["stock"]


@pytest.mark.parametrize("username", ["c4", "admin-b"])
def test_product_detail_api_other_tenants_product_is_404(lab, api_for, username):
    response = api_for(lab.user(username)).get(f"/api/products/{lab.product('P1').pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_product_detail_api_own_tenants_product_is_read(lab, api_for):
    response = api_for(lab.user("c4")).get(
        f"/api/products/{lab.product('P1', 'tenant-b').pk}/"
    )

    assert response.status_code == 200
    assert response.json()["sku"] == "P1"


def test_product_patch_api_other_tenants_product_is_404_and_untouched(lab, api_for):
    product = lab.product("P1")

    response = api_for(lab.user("admin-b")).patch(
        f"/api/products/{product.pk}/", {"price": "1.00"}, format="json"
    )

    assert response.status_code == 404
    with scopes_disabled():
        assert Product.objects.get(pk=product.pk).price == product.price


def test_product_list_api_lists_own_tenant_only(lab, api_for):
    response = api_for(lab.user("c4")).get("/api/products/", {"sku": "P1"})

    assert [p["id"] for p in response.json()["results"]] == [
        lab.product("P1", "tenant-b").pk
    ]


def test_product_list_api_cashier_naming_other_branch_gets_own_stock(lab, api_for):
    client = api_for(lab.user("c1"))

    stock = _p1_stock(client, **{"X-Branch-Id": str(lab.branches["A2"].pk)})

    assert stock == "3.000"


def test_product_list_api_admin_naming_own_tenants_branch_gets_its_stock(lab, api_for):
    client = api_for(lab.user("admin-a"))

    assert _p1_stock(client) == "3.000"
    assert _p1_stock(client, **{"X-Branch-Id": str(lab.branches["A2"].pk)}) == "0.000"


@pytest.mark.parametrize("branch", ["B1", "garbage"])
def test_product_list_api_admin_naming_foreign_or_bad_branch_is_404(
    lab, api_for, branch
):
    header = str(lab.branches[branch].pk) if branch in lab.branches else branch

    response = api_for(lab.user("admin-a")).get(
        "/api/products/", headers={"X-Branch-Id": header}
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
