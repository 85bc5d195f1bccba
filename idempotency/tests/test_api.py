"""Idempotency-Key on the API (API.md, Idempotency; DESIGN.md S6, S7)."""

from decimal import Decimal

import pytest

from cashregister.models import Shift
from idempotency.models import IdempotencyRecord
from kasserpro.tenancy import scopes_disabled
from orders.models import Order

CHECKOUT = "/api/orders/checkout/"


def _count(model) -> int:
    with scopes_disabled():
        return model.objects.count()


@pytest.fixture
def c1(lab, api_for):
    lab.shift_open("c1")
    return api_for(lab.user("c1"))


def test_checkout_api_same_key_same_body_replays_first_answer(lab, c1, checkout):
    p1 = lab.product("P1")

    first = checkout(c1, [(p1, 1)], key="sale-1")
    again = checkout(c1, [(p1, 1)], key="sale-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert _count(Order) == 1
    assert lab.stock("P1") == Decimal("2")


def test_checkout_api_same_key_other_body_is_422(lab, c1, checkout):
    checkout(c1, [(lab.product("P1"), 1)], key="sale-1")

    response = checkout(c1, [(lab.product("P1"), 2)], key="sale-1")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert _count(Order) == 1
    assert lab.stock("P1") == Decimal("2")


def test_checkout_api_same_key_other_path_is_422(lab, c1, checkout):
    checkout(c1, [(lab.product("P1"), 1)], key="action-1")

    response = c1.post(
        "/api/shifts/current/close/",
        {"counted_cash": "0.00"},
        format="json",
        headers={"Idempotency-Key": "action-1"},
    )

    assert response.status_code == 422
    with scopes_disabled():
        assert Shift.objects.get(user=lab.user("c1")).status == "open"


def test_checkout_api_without_key_is_400_and_sells_nothing(lab, c1, checkout):
    body = {
        "items": [{"product": lab.product("P1").pk, "quantity": "1"}],
        "payments": [{"method": "cash", "amount": "25.00"}],
    }

    response = c1.post(CHECKOUT, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert _count(Order) == 0


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
def test_checkout_api_malformed_key_is_400(lab, c1, checkout, key):
    response = c1.post(
        CHECKOUT,
        {"items": [], "payments": []},
        format="json",
        headers={"Idempotency-Key": key},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"


def test_checkout_api_refused_for_stock_keeps_key_free(lab, c1, checkout):
    p1 = lab.product("P1")

    refused = checkout(c1, [(p1, 5)], key="sale-1")
    corrected = checkout(c1, [(p1, 1)], key="sale-1")

    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock"
    assert corrected.status_code == 201
    assert "Idempotent-Replayed" not in corrected
    assert lab.stock("P1") == Decimal("2")
    assert _count(IdempotencyRecord) == 1


def test_checkout_api_invalid_body_keeps_key_free(lab, c1, checkout):
    p1 = lab.product("P1")

    invalid = checkout(c1, [(p1, 1)], key="sale-1", cash="1.00")
    corrected = checkout(c1, [(p1, 1)], key="sale-1")

    assert invalid.status_code == 400
    assert corrected.status_code == 201


def test_checkout_api_same_key_other_user_is_another_action(lab, c1, api_for, checkout):
    lab.shift_open("c2")
    c2 = api_for(lab.user("c2"))
    p1 = lab.product("P1")

    first = checkout(c1, [(p1, 1)], key="till-key")
    second = checkout(c2, [(p1, 1)], key="till-key")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert _count(Order) == 2


def test_shift_open_api_same_key_replays_one_shift(lab, api_for):
    client = api_for(lab.user("c2"))

    def post():
        return client.post(
            "/api/shifts/",
            {"opening_cash": "50.00"},
            format="json",
            headers={"Idempotency-Key": "open-1"},
        )

    first, again = post(), post()

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _count(Shift) == 1
