"""S8: the server dies between the first try and the retry."""

import httpx
import pytest
from django.conf import settings

from kasserpro.tenancy import scopes_disabled
from orders.models import Order

pytestmark = [pytest.mark.server]


def test_s8_retry_after_kill_9_and_restart_replays_the_order(lab_tx, daphne_server):
    p2 = lab_tx.product("P2")
    sale = {
        "items": [{"product": p2.pk, "quantity": "2"}],
        "payments": [{"method": "cash", "amount": "20.00"}],
    }
    headers = {"Idempotency-Key": "till-1-sale-42"}
    server = daphne_server.start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        login = client.post(
            "/api/auth/token/",
            json={"username": "c1", "password": settings.KASSERPRO_DEMO_PASSWORD},
        )
        client.headers["Authorization"] = f"Bearer {login.json()['access']}"
        opened = client.post(
            "/api/shifts/", json={"opening_cash": "0"}, headers={"Idempotency-Key": "s"}
        )
        assert opened.status_code == 201, opened.text
        first = client.post("/api/orders/checkout/", json=sale, headers=headers)
    assert first.status_code == 201, first.text

    server.kill()
    server.start()

    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {login.json()['access']}"
        retry = client.post("/api/orders/checkout/", json=sale, headers=headers)

    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    with scopes_disabled():
        assert Order.objects.count() == 1
    assert lab_tx.stock("P2") == 98
