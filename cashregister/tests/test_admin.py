"""Expenses from the admin: added through expense_record, then only described."""

from decimal import Decimal

import pytest

from cashregister.models import CashDrawer, Expense
from kasserpro.tenancy import scopes_disabled
from kasserpro.tests.admin_support import PLAIN_STATIC, client_for
from kasserpro.tests.helpers import ledgers_balance

pytestmark = pytest.mark.django_db

EXPENSES = "/admin/cashregister/expense/"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STATIC


def _form(lab, **changes) -> dict:
    data = {
        "branch": lab.branches["A1"].pk,
        "amount": "12.50",
        "category": "supplies",
        "note": "bags",
        "paid_from_drawer": "on",
        "idempotency_key": "expense-form-1",
    }
    data.update(changes)
    return data


def _drawer_balance(lab) -> Decimal:
    with scopes_disabled():
        return CashDrawer.objects.get(branch=lab.branches["A1"]).balance


def _expenses(lab) -> list[Expense]:
    with scopes_disabled():
        return list(Expense.objects.filter(tenant=lab.tenant_a))


def test_expense_admin_add_from_drawer_once_per_form(lab, open_shift):
    open_shift(lab.user("c1"))
    client = client_for(lab.user("admin-a"))

    first = client.post(f"{EXPENSES}add/", _form(lab))
    again = client.post(f"{EXPENSES}add/", _form(lab))

    assert (first.status_code, again.status_code) == (302, 302)
    (expense,) = _expenses(lab)
    assert (expense.amount, expense.user_id) == (
        Decimal("12.50"),
        lab.user("admin-a").pk,
    )
    assert _drawer_balance(lab) == Decimal("87.50")
    ledgers_balance()


def test_expense_admin_add_more_than_drawer_holds_refused(lab, open_shift):
    open_shift(lab.user("c1"))

    response = client_for(lab.user("admin-a")).post(
        f"{EXPENSES}add/", _form(lab, amount="500.00"), follow=True
    )

    assert response.status_code == 200
    assert "The drawer does not hold that much cash." in response.content.decode()
    assert _expenses(lab) == []
    assert _drawer_balance(lab) == Decimal("100.00")


def test_expense_admin_change_keeps_amount_and_branch(lab, open_shift):
    open_shift(lab.user("c1"))
    client = client_for(lab.user("admin-a"))
    client.post(f"{EXPENSES}add/", _form(lab))
    (expense,) = _expenses(lab)

    response = client.post(
        f"{EXPENSES}{expense.pk}/change/",
        {"category": "transport", "note": "taxi", "amount": "1.00"},
    )
    delete = client.post(f"{EXPENSES}{expense.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    (changed,) = _expenses(lab)
    assert (changed.category, changed.note) == ("transport", "taxi")
    assert changed.amount == Decimal("12.50")
    assert delete.status_code == 403
