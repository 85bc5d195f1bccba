"""Idempotency-Key: invalid bodies and shift opens (API.md, Idempotency)."""

import pytest

from cashregister.models import Shift
from kasserpro.tenancy import scopes_disabled

CHECKOUT = "/api/orders/checkout/"


def _count(model) -> int:
    with scopes_disabled():
        return model.objects.count()


@pytest.fixture
def c1(lab, api_for):
    lab.shift_open("c1")
    return api_for(lab.user("c1"))


def test_checkout_api_invalid_body_keeps_key_free(lab, c1, checkout):
    p1 = lab.product("P1")

    invalid = checkout(c1, [(p1, 1)], key="sale-1", cash="1.00")
    corrected = checkout(c1, [(p1, 1)], key="sale-1")

    assert invalid.status_code == 400
    assert corrected.status_code == 201


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
