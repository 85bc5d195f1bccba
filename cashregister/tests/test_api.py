"""The cash register API: the drawer of the working branch only."""

from decimal import Decimal

import pytest


@pytest.fixture
def drawers(lab):
    """A1 holds c1's float of 100.00; A2 holds c3's float of 40.00."""
    lab.shift_open("c1", "100.00")
    lab.shift_open("c3", "40.00")


def test_cash_register_api_cashier_naming_other_branch_gets_own_drawer(
    lab, api_for, drawers
):
    response = api_for(lab.user("c1")).get(
        "/api/cash-register/", headers={"X-Branch-Id": str(lab.branches["A2"].pk)}
    )

    assert response.status_code == 200
    assert response.json() == {"branch": lab.branches["A1"].pk, "balance": "100.00"}


def test_cash_register_api_admin_naming_own_tenants_branch_gets_it(
    lab, api_for, drawers
):
    response = api_for(lab.user("admin-a")).get(
        "/api/cash-register/", headers={"X-Branch-Id": str(lab.branches["A2"].pk)}
    )

    assert response.json() == {"branch": lab.branches["A2"].pk, "balance": "40.00"}


def test_cash_register_api_admin_naming_other_tenants_branch_is_404(
    lab, api_for, drawers
):
    response = api_for(lab.user("admin-a")).get(
        "/api/cash-register/", headers={"X-Branch-Id": str(lab.branches["B1"].pk)}
    )

    assert response.status_code == 404


def test_cash_register_api_cash_sale_moves_balance_by_total(lab, api_for, drawers):
    lab.sale("c1", [("P1", 2)], cash="60.00")

    response = api_for(lab.user("c2")).get("/api/cash-register/")

    # 100.00 float + 50.00 sale; the 10.00 change went back to the customer.
    assert Decimal(response.json()["balance"]) == Decimal("150.00")
