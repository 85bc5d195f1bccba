"""The drawer ledger: deposits, withdrawals, expenses, and S2."""

from decimal import Decimal

import pytest

from cashregister.models import CashMovement
from cashregister.selectors import drawer_balance
from kasserpro.tenancy import scopes_disabled, tenant_scope
from kasserpro.testing import race
from kasserpro.tests.helpers import checkout, ledgers_balance, send

pytestmark = pytest.mark.django_db


def balance(lab, branch="A1"):
    with tenant_scope(lab.tenant_a):
        return drawer_balance(branch=lab.branches[branch])


def test_s2_cash_sales_and_deposits_racing_lose_no_update(lab_tx, api_for, open_shift):
    open_shift(lab_tx.user("c1"), "200.00")
    open_shift(lab_tx.user("c2"), "300.00")
    p2 = lab_tx.product("P2")
    cash = [{"method": "cash", "amount": "50.00"}]  # 10.00 kept, 40.00 change
    sales = [
        (lambda name=name: checkout(api_for(lab_tx.user(name)), p2, "1", cash))
        for name in ["c1", "c2"] * 4
    ]
    deposits = [
        (
            lambda i=i: send(
                api_for(lab_tx.user("admin-a")),
                "post",
                "/api/cash-register/deposits/",
                {"amount": f"{i + 1}.25", "note": "change from the bank"},
            )
        )
        for i in range(4)
    ]

    responses = race(*sales, *deposits)

    assert [r.status_code for r in responses] == [201] * 12
    # 200 + 300 floats + 8 x 10.00 kept + (1.25 + 2.25 + 3.25 + 4.25)
    assert balance(lab_tx) == Decimal("591.00")
    with scopes_disabled():
        assert CashMovement.objects.count() == 2 + 8 + 4
    ledgers_balance()


def test_withdrawal_needs_manager_and_cash_in_the_drawer(lab, api_for, open_shift):
    open_shift(lab.user("c1"), "100.00")
    url = "/api/cash-register/withdrawals/"

    by_cashier = send(api_for(lab.user("c1")), "post", url, {"amount": "10.00"})
    assert by_cashier.status_code == 403

    admin = api_for(lab.user("admin-a"))
    too_much = send(admin, "post", url, {"amount": "100.01"})
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "insufficient_cash"

    ok = send(admin, "post", url, {"amount": "60.00", "note": "to the safe"})
    assert ok.status_code == 201
    assert ok.json()["amount"] == "-60.00"
    assert balance(lab) == Decimal("40.00")
    ledgers_balance()


def test_expense_paid_from_drawer_takes_cash_other_does_not(lab, api_for, open_shift):
    open_shift(lab.user("c1"), "100.00")
    c1 = api_for(lab.user("c1"))

    drawer = send(
        c1,
        "post",
        "/api/expenses/",
        {
            "amount": "15.50",
            "category": "supplies",
            "note": "bags",
            "paid_from_drawer": True,
        },
    )
    bank = send(
        c1,
        "post",
        "/api/expenses/",
        {"amount": "900.00", "category": "rent", "paid_from_drawer": False},
    )

    assert drawer.status_code == 201, drawer.json()
    assert bank.status_code == 201
    assert balance(lab) == Decimal("84.50")
    listed = c1.get("/api/expenses/").json()
    assert listed["count"] == 2


def test_expense_with_unknown_category_is_refused(lab, api_for):
    response = send(
        api_for(lab.user("c1")),
        "post",
        "/api/expenses/",
        {"amount": "1.00", "category": "bribes", "paid_from_drawer": False},
    )

    assert response.status_code == 400
    assert "category" in response.json()["fields"]


def test_cash_register_shows_working_branch_balance(lab, api_for, open_shift):
    open_shift(lab.user("c3"), "70.00")

    c3 = api_for(lab.user("c3")).get("/api/cash-register/").json()
    admin_a2 = (
        api_for(lab.user("admin-a"))
        .get("/api/cash-register/", HTTP_X_BRANCH_ID=str(lab.branches["A2"].pk))
        .json()
    )

    assert c3 == {"branch": lab.branches["A2"].pk, "balance": "70.00"}
    assert admin_a2 == c3
