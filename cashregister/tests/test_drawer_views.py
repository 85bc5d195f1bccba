"""The shift and drawer screen: count by denomination, deposits, withdrawals,
expenses (test client)."""

from decimal import Decimal

from django.urls import reverse

from cashregister.models import CashMovement, Expense
from cashregister.selectors import drawer_balance
from kasserpro.tenancy import scopes_disabled, tenant_scope
from orders.tests.pages import form_values, log_in

HTMX = {"HTTP_HX_REQUEST": "true"}


def _balance(lab, branch="A1") -> Decimal:
    with tenant_scope(lab.tenant_a):
        return drawer_balance(branch=lab.branches[branch])


def test_shift_count_by_denomination_previews_expected_and_variance(lab, client):
    lab.shift_open("c1", opening_cash="100.00")
    lab.sale("c1", [("P2", "2")], cash="20.00")
    log_in(client, "c1")

    preview = client.post(
        reverse("shift-close-preview"),
        {"n100": "1", "n10": "1", "c50": "3", "counted_cash": "1.00"},
        **HTMX,
    )

    page = preview.content.decode()
    assert '<dd id="expected-cash">120.00</dd>' in page
    assert '<dd id="counted-total">111.50</dd>' in page
    assert "Short by" in page and '<dd id="variance">8.50 EGP</dd>' in page
    assert form_values(preview, "shift-close")["counted_cash"] == "111.50"


def test_shift_count_with_nothing_counted_is_refused(lab, client):
    lab.shift_open("c1")
    log_in(client, "c1")

    response = client.post(reverse("shift-close-preview"), {}, **HTMX)

    assert response.status_code == 400
    assert "Count the cash in the drawer." in response.content.decode()


def test_drawer_deposit_once_per_form(lab, client):
    log_in(client, "c1")
    fields = form_values(client.get(reverse("shift")), "deposit")
    fields.update(amount="50.00", note="change from the bank")

    first = client.post(reverse("drawer-deposit"), fields)
    again = client.post(reverse("drawer-deposit"), fields, **HTMX)

    assert first.status_code == 303
    assert again["HX-Redirect"] == first.url == reverse("shift")
    assert _balance(lab) == Decimal("50.00")
    assert "Deposit recorded." in client.get(reverse("shift")).content.decode()


def test_drawer_withdrawal_is_hidden_and_refused_for_a_cashier(lab, client):
    log_in(client, "c1")
    page = client.get(reverse("shift")).content.decode()

    response = client.post(
        reverse("drawer-withdraw"), {"amount": "5", "idempotency_key": "k-1"}
    )

    assert 'id="withdraw"' not in page
    assert response.status_code == 403
    with scopes_disabled():
        assert not CashMovement.objects.filter(kind="withdrawal").exists()


def test_drawer_withdrawal_by_admin_past_the_balance_is_refused(lab, client):
    log_in(client, "admin-a")
    fields = form_values(client.get(reverse("shift")), "withdraw")

    response = client.post(reverse("drawer-withdraw"), {**fields, "amount": "5"})

    assert response.status_code == 409
    assert "The drawer does not hold that much cash." in response.content.decode()


def test_expense_from_the_drawer_with_category(lab, client):
    lab.shift_open("c1", opening_cash="100.00")
    log_in(client, "c1")
    fields = form_values(client.get(reverse("shift")), "expense")
    fields.update(amount="12.50", category="supplies", note="bags")

    response = client.post(reverse("expense-new"), fields)

    assert response.status_code == 303
    with scopes_disabled():
        expense = Expense.objects.get()
    assert (expense.category, expense.paid_from_drawer) == ("supplies", True)
    assert _balance(lab) == Decimal("87.50")
    assert "Supplies · bags" in client.get(reverse("shift")).content.decode()


def test_shift_report_is_printable(lab, client):
    shift = lab.shift_open("c1")
    log_in(client, "c1")

    page = client.get(reverse("shift-report", args=[shift.pk])).content.decode()

    assert "css/print.css" in page and 'media="print"' in page
    assert "data-print" in page
