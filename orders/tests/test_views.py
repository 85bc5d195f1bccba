import re
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from inventory.models import BranchStock, Product
from kasserpro.tenancy import scopes_disabled
from orders.cart import SESSION_KEY
from orders.models import Order
from orders.tests.pages import form_values, log_in, pay, shift_close_fields, shift_open

HTMX = {"HTTP_HX_REQUEST": "true"}


def _stock(branch, product) -> Decimal:
    with scopes_disabled():
        return BranchStock.objects.get(branch=branch, product=product).quantity


def _orders(user):
    with scopes_disabled():
        return list(Order.objects.filter(cashier=user))


def test_till_cash_sale_by_barcode_ends_on_receipt(lab, client):
    c1, p2, a1 = lab.user("c1"), lab.product("P2"), lab.branches["A1"]
    log_in(client, "c1")
    assert "Open your shift" in client.get(reverse("till")).content.decode()
    shift_open(client)

    for _ in range(2):
        response = client.post(reverse("till-scan"), {"q": p2.barcode})
        assert response.status_code == 303
    till = client.get(reverse("till"))
    assert form_values(till, "pay")["total"] == "20.00"

    response = pay(client, method="cash", tendered="50")
    assert response.status_code == 303
    receipt = client.get(response.url)

    [order] = _orders(c1)
    assert response.url == reverse("order-receipt", args=[order.pk])
    assert (order.total, order.paid_total, order.change_due) == (
        Decimal("20.00"),
        Decimal("50.00"),
        Decimal("30.00"),
    )
    assert _stock(a1, p2) == Decimal("98")
    page = receipt.content.decode()
    for text in (order.number, "Bakaleyat El Nour", "Nasr City", "Lab product P2"):
        assert text in page
    assert re.search(r"Change due</dt><dd>30\.00</dd>", page)
    assert client.session[SESSION_KEY] == {}


def test_till_pay_twice_with_one_key_makes_one_order(lab, cashier):
    cashier.post(reverse("till-scan"), {"q": lab.product("P2").barcode})
    fields = form_values(cashier.get(reverse("till")), "pay")
    fields.update(method="cash", tendered="10.00")

    first = cashier.post(reverse("till-pay"), fields)
    second = cashier.post(reverse("till-pay"), fields)
    third = cashier.post(reverse("till-pay"), fields, **HTMX)

    assert first.status_code == second.status_code == 303
    assert first.url == second.url == third["HX-Redirect"]
    assert len(_orders(lab.user("c1"))) == 1
    assert _stock(lab.branches["A1"], lab.product("P2")) == Decimal("99")


def test_till_pay_double_click_racing_makes_one_order(lab_tx, client):
    """DESIGN.md S7: two submits of one pay form at the same instant."""
    log_in(client, "c1")
    shift_open(client)
    client.post(reverse("till-scan"), {"q": lab_tx.product("P2").barcode})
    fields = form_values(client.get(reverse("till")), "pay")
    fields.update(method="cash", tendered="10.00")
    twin = Client()
    twin.cookies = client.cookies
    barrier = threading.Barrier(2)
    answers = []

    def click(browser: Client) -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(browser.post(reverse("till-pay"), fields))
        finally:
            connection.close()

    clicks = [threading.Thread(target=click, args=(c,)) for c in (client, twin)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=60)

    assert [answer.status_code for answer in answers] == [303, 303]
    assert answers[0].url == answers[1].url
    assert len(_orders(lab_tx.user("c1"))) == 1
    assert _stock(lab_tx.branches["A1"], lab_tx.product("P2")) == Decimal("99")


def test_till_pay_resent_with_other_values_is_refused(lab, cashier):
    cashier.post(reverse("till-scan"), {"q": lab.product("P2").barcode})
    fields = form_values(cashier.get(reverse("till")), "pay")
    cashier.post(reverse("till-pay"), {**fields, "method": "cash", "tendered": "10"})

    response = cashier.post(
        reverse("till-pay"), {**fields, "method": "cash", "tendered": "20"}
    )

    assert response.status_code == 422
    assert "This form was already sent with other values." in response.content.decode()
    assert len(_orders(lab.user("c1"))) == 1


def test_till_pay_by_htmx_answers_with_hx_redirect(lab, cashier):
    cashier.post(reverse("till-scan"), {"q": "p2"}, **HTMX)
    fields = form_values(cashier.get(reverse("till")), "pay")

    response = cashier.post(reverse("till-pay"), {**fields, "method": "card"}, **HTMX)

    [order] = _orders(lab.user("c1"))
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("order-receipt", args=[order.pk])
    assert order.change_due == Decimal("0.00")


def test_till_pay_insufficient_stock_keeps_cart_and_says_why(lab, cashier):
    p2 = lab.product("P2")
    cashier.post(reverse("cart-add"), {"product": p2.pk})
    cashier.post(
        reverse("cart-line"), {"product": p2.pk, "op": "set", "quantity": "150"}
    )

    response = pay(cashier, method="cash", tendered="2000")

    page = response.content.decode()
    assert response.status_code == 409
    assert "Not enough stock for this sale." in page
    assert "Lab product P2: 150 wanted, 100 in stock" in page
    assert form_values(response, "pay")["total"] == "1500.00"
    assert cashier.session[SESSION_KEY] == {str(p2.pk): "150"}
    assert _orders(lab.user("c1")) == []
    assert _stock(lab.branches["A1"], p2) == Decimal("100")


def test_till_pay_refusal_by_htmx_is_swapped_into_the_cart(lab, cashier):
    cashier.post(reverse("till-scan"), {"q": lab.product("P2").barcode})

    response = pay(cashier, method="cash", tendered="5.00")
    htmx_response = cashier.post(
        reverse("till-pay"),
        {
            **form_values(cashier.get(reverse("till")), "pay"),
            "method": "cash",
            "tendered": "",
        },
        **HTMX,
    )

    assert response.status_code == 400
    assert "The payments do not cover the total." in response.content.decode()
    page = htmx_response.content.decode()
    assert htmx_response.status_code == 400
    assert "Enter the cash handed over, or a card or wallet amount." in page
    assert page.lstrip().startswith('<section id="cart"')
    assert 'id="messages" class="messages" role="status" aria-live="polite" ' in page
    assert "hx-swap-oob" in page
    assert _orders(lab.user("c1")) == []


def test_till_pay_for_a_cart_changed_since_shown_is_refused(lab, cashier):
    p2 = lab.product("P2")
    cashier.post(reverse("cart-add"), {"product": p2.pk})
    fields = form_values(cashier.get(reverse("till")), "pay")
    cashier.post(reverse("cart-add"), {"product": p2.pk})

    response = cashier.post(reverse("till-pay"), {**fields, "method": "card"})

    assert response.status_code == 409
    assert "The sale changed after this screen was shown." in response.content.decode()
    assert cashier.session[SESSION_KEY] == {str(p2.pk): "2"}
    assert _orders(lab.user("c1")) == []


def test_till_pay_after_shift_closed_elsewhere_offers_to_open_one(lab, cashier):
    p2 = lab.product("P2")
    cashier.post(reverse("cart-add"), {"product": p2.pk})
    fields = form_values(cashier.get(reverse("till")), "pay")
    close = shift_close_fields(cashier, counted_cash="100.00")
    cashier.post(reverse("shift-close"), close)

    response = cashier.post(reverse("till-pay"), {**fields, "method": "card"})

    page = response.content.decode()
    assert response.status_code == 409
    assert "Open a shift before selling." in page
    assert 'id="shift-open"' in page
    assert cashier.session[SESSION_KEY] == {str(p2.pk): "1"}
    assert _orders(lab.user("c1")) == []


def test_till_product_name_is_escaped_everywhere(lab, cashier):
    evil = "<script>alert(1)</script>"
    with scopes_disabled():
        Product.objects.filter(pk=lab.product("P2").pk).update(name=evil)
    cashier.post(reverse("cart-add"), {"product": lab.product("P2").pk})

    page = cashier.get(reverse("till")).content.decode()
    search = cashier.post(reverse("till-scan"), {"q": "alert"}, **HTMX)

    assert evil not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert evil not in search.content.decode()


def test_till_page_has_no_inline_script_or_style(lab, cashier):
    cashier.post(reverse("till-scan"), {"q": lab.product("P2").barcode})

    for url in (reverse("till"), reverse("login"), reverse("shift")):
        page = cashier.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", page), url
        assert not re.search(r"<style|\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=|\shx-on", page), url
        assert "//cdn" not in page and "https://" not in page, url


def test_till_scan_by_name_lists_matches_without_adding(lab, cashier):
    response = cashier.post(reverse("till-scan"), {"q": "rice"}, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<div id="products" class="products" hx-swap-oob="true">' in page
    assert "Egyptian rice 1 kg" in page
    assert cashier.session.get(SESSION_KEY, {}) == {}


def test_till_scan_unknown_code_without_htmx_shows_search(lab, cashier):
    response = cashier.post(reverse("till-scan"), {"q": "no-such-thing"})

    assert response.status_code == 303
    page = cashier.get(response.url).content.decode()
    assert "No product matches “no-such-thing”." in page


def test_cart_line_weighed_product_takes_grams(lab, cashier):
    with scopes_disabled():
        tomato = Product.objects.get(tenant=lab.tenant_a, sku="TOMATO")
    cashier.post(reverse("cart-add"), {"product": tomato.pk})

    response = cashier.post(
        reverse("cart-line"),
        {"product": tomato.pk, "op": "set", "quantity": "0.750"},
        **HTMX,
    )

    assert response.status_code == 200
    assert cashier.session[SESSION_KEY] == {str(tomato.pk): "0.750"}
    # 19.99 x 0.75 = 14.9925, rounded half-up once for the line.
    assert form_values(response, "pay")["total"] == "14.99"


def test_cart_line_piece_product_refuses_a_fraction(lab, cashier):
    p2 = lab.product("P2")
    cashier.post(reverse("cart-add"), {"product": p2.pk})

    response = cashier.post(
        reverse("cart-line"), {"product": p2.pk, "op": "set", "quantity": "1.5"}, **HTMX
    )

    assert response.status_code == 400
    assert "is sold by the piece" in response.content.decode()
    assert cashier.session[SESSION_KEY] == {str(p2.pk): "1"}


@pytest.mark.parametrize(
    ("op", "expected"), [("inc", {"2"}), ("dec", set()), ("remove", set())]
)
def test_cart_line_steps_and_removes(lab, cashier, op, expected):
    p2 = lab.product("P2")
    cashier.post(reverse("cart-add"), {"product": p2.pk})

    cashier.post(reverse("cart-line"), {"product": p2.pk, "op": op}, **HTMX)

    assert set(cashier.session[SESSION_KEY].values()) == expected


def test_cart_add_product_of_another_tenant_is_not_found(lab, cashier):
    foreign = lab.product("P2", tenant="tenant-b")

    response = cashier.post(reverse("cart-add"), {"product": foreign.pk}, **HTMX)

    assert response.status_code == 404
    assert "This product is not for sale." in response.content.decode()
    assert cashier.session.get(SESSION_KEY, {}) == {}


def test_order_receipt_of_another_tenant_is_not_found(lab, cashier):
    cashier.post(reverse("till-scan"), {"q": lab.product("P2").barcode})
    receipt_url = pay(cashier, method="card").url

    other = Client()
    log_in(other, "c4")

    assert other.get(receipt_url).status_code == 404


def test_till_needs_login_and_tells_htmx_where_to_go(db, client):
    page = client.get(reverse("till"))
    action = client.post(reverse("till-scan"), {"q": "x"}, **HTMX)

    assert page.status_code == 302
    assert page.url == f"{reverse('login')}?next=/"
    assert action.status_code == 200
    assert action["HX-Redirect"].startswith(reverse("login"))
