"""The real server, end to end over HTTP: log in, open a shift, sell."""

from uuid import uuid4

import httpx
import pytest
from django.conf import settings

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def _write(client: httpx.Client, path: str, body: dict) -> httpx.Response:
    return client.post(path, json=body, headers={"Idempotency-Key": uuid4().hex})


def test_server_cashier_logs_in_opens_shift_and_sells_until_stock_runs_out(
    lab_tx, live_daphne
):
    p1 = lab_tx.product("P1")
    sale = {
        "items": [{"product": p1.pk, "quantity": "2"}],
        "payments": [{"method": "cash", "amount": "50.00"}],
    }

    with httpx.Client(base_url=live_daphne, timeout=30) as client:
        login = client.post(
            "/api/auth/token/",
            json={"username": "c1", "password": settings.KASSERPRO_DEMO_PASSWORD},
        )
        assert login.status_code == 200, login.text
        client.headers["Authorization"] = f"Bearer {login.json()['access']}"

        shift = _write(client, "/api/shifts/", {"opening_cash": "100.00"})
        first = _write(client, "/api/orders/checkout/", sale)
        second = _write(client, "/api/orders/checkout/", sale)
        product = client.get(f"/api/products/{p1.pk}/")
        drawer = client.get("/api/cash-register/")
        orders = client.get("/api/orders/")

    assert shift.status_code == 201, shift.text
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "completed"
    assert first.json()["total"] == "50.00"
    assert second.status_code == 409, second.text
    assert second.json()["code"] == "insufficient_stock"
    assert product.json()["stock"] == "1.000"
    assert drawer.json()["balance"] == "150.00"
    assert [o["id"] for o in orders.json()["results"]] == [first.json()["id"]]


def test_server_request_without_token_is_401(lab_tx, live_daphne):
    response = httpx.get(f"{live_daphne}/api/me/", timeout=30)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
