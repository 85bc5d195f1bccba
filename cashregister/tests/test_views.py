from decimal import Decimal

from django.urls import reverse

from cashregister.models import CashMovement, Shift, ShiftStatus
from kasserpro.tenancy import scopes_disabled
from orders.tests.pages import form_values, log_in, pay

HTMX = {"HTTP_HX_REQUEST": "true"}


def _shifts(user):
    with scopes_disabled():
        return list(Shift.objects.filter(user=user).order_by("pk"))


def test_shift_open_twice_with_one_key_opens_one_shift(lab, client):
    log_in(client, "c1")
    fields = form_values(client.get(reverse("till")), "shift-open")
    fields["opening_cash"] = "250.00"

    first = client.post(reverse("shift-open"), fields)
    second = client.post(reverse("shift-open"), fields, **HTMX)

    [shift] = _shifts(lab.user("c1"))
    assert first.status_code == 303
    assert first.url == second["HX-Redirect"] == reverse("till")
    assert shift.opening_cash == Decimal("250.00")
    with scopes_disabled():
        assert CashMovement.objects.filter(shift=shift).count() == 1
    assert 'id="scan-input"' in client.get(reverse("till")).content.decode()


def test_shift_open_with_new_key_while_open_warns_and_records_nothing(lab, client):
    log_in(client, "c1")
    stale = form_values(client.get(reverse("till")), "shift-open")
    fresh = form_values(client.get(reverse("till")), "shift-open")
    client.post(reverse("shift-open"), {**fresh, "opening_cash": "100"})

    response = client.post(reverse("shift-open"), {**stale, "opening_cash": "70"})

    assert response.status_code == 303
    page = client.get(response.url).content.decode()
    assert "Your shift was already open; this float was not recorded." in page
    assert [s.opening_cash for s in _shifts(lab.user("c1"))] == [Decimal("100.00")]


def test_shift_open_refuses_a_bad_amount(lab, client):
    log_in(client, "c1")
    fields = form_values(client.get(reverse("till")), "shift-open")

    plain = client.post(reverse("shift-open"), {**fields, "opening_cash": "-5"})
    htmx = client.post(reverse("shift-open"), {**fields, "opening_cash": "x"}, **HTMX)

    assert plain.status_code == htmx.status_code == 400
    assert "Opening float:" in plain.content.decode()
    assert htmx.content.decode().lstrip().startswith('<form id="shift-open"')
    assert _shifts(lab.user("c1")) == []


def test_shift_close_after_a_sale_shows_expected_and_variance(lab, client):
    log_in(client, "c1")
    fields = form_values(client.get(reverse("till")), "shift-open")
    client.post(reverse("shift-open"), {**fields, "opening_cash": "100.00"})
    client.post(reverse("till-scan"), {"q": lab.product("P2").barcode})
    pay(client, method="cash", tendered="50")
    preview = client.post(reverse("shift-close-preview"), {"counted_cash": "105.00"})
    preview_page = preview.content.decode()
    assert '<dd id="expected-cash">110.00</dd>' in preview_page
    assert '<dd id="variance">5.00 EGP</dd>' in preview_page
    close = form_values(preview, "shift-close")

    first = client.post(reverse("shift-close"), close)
    again = client.post(reverse("shift-close"), close)

    [shift] = _shifts(lab.user("c1"))
    assert first.status_code == again.status_code == 303
    assert first.url == again.url == reverse("shift-report", args=[shift.pk])
    assert shift.status == ShiftStatus.CLOSED
    assert (shift.expected_cash, shift.variance) == (
        Decimal("110.00"),
        Decimal("-5.00"),
    )
    page = client.get(first.url).content.decode()
    assert "Expected cash</dt><dd>110.00</dd>" in page
    assert "Short by</dt>" in page
    assert "<dd>5.00 EGP</dd>" in page


def test_shift_page_without_open_shift_shows_the_drawer(lab, client):
    log_in(client, "c1")

    response = client.get(reverse("shift"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "You have no open shift." in page
    assert 'id="deposit"' in page and 'id="expense"' in page


def test_shift_report_of_another_cashier_is_not_found(lab, client):
    log_in(client, "c2")
    fields = form_values(client.get(reverse("till")), "shift-open")
    client.post(reverse("shift-open"), {**fields, "opening_cash": "0"})
    [shift] = _shifts(lab.user("c2"))
    client.logout()
    log_in(client, "c1")

    assert client.get(reverse("shift-report", args=[shift.pk])).status_code == 404
