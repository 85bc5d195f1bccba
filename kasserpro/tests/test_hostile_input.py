"""Hostile input is refused in the contract's shape, never a 500."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_deeply_nested_json_before_login_is_400():
    response = APIClient().post(
        "/api/auth/token/", "[" * 5000 + "]" * 5000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_unknown_api_path_is_404_in_the_contract_shape():
    response = Client().get("/api/nope/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_product_tax_rate_over_100_is_refused(lab, api_for):
    response = api_for(lab.user("admin-a")).post(
        "/api/products/",
        {"sku": "X", "name": "X", "price": "1.00", "tax_rate": "500"},
        format="json",
    )

    assert response.status_code == 400
    assert "tax_rate" in response.json()["fields"]


def test_till_cart_add_with_an_id_past_64_bits_is_refused(lab):
    client = Client()
    client.force_login(lab.user("c1"))
    lab.shift_open("c1")

    response = client.post(
        "/till/cart/add/",
        {"product": "99999999999999999999999"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-1", "abc"])
def test_till_pay_balance_with_non_numbers_counts_them_as_empty(lab, value):
    client = Client()
    client.force_login(lab.user("c1"))
    lab.shift_open("c1")

    response = client.post(
        "/till/pay/balance/",
        {"tendered": value, "card": value, "wallet": value, "total": value},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
