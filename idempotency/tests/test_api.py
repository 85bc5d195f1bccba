"""One user action, one effect (DESIGN.md invariant 4; S6, S7)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from idempotency.models import IdempotencyRecord
from kasserpro.tenancy import scopes_disabled
from kasserpro.testing import race
from kasserpro.tests.helpers import stock_of
from orders.models import Order

pytestmark = pytest.mark.django_db

URL = "/api/orders/checkout/"


def body(lab, sku="P2", quantity="1", cash="10.00"):
    return {
        "items": [{"product": lab.product(sku).pk, "quantity": quantity}],
        "payments": [{"method": "cash", "amount": cash}],
    }


def pay(client, data, key):
    return client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def orders():
    with scopes_disabled():
        return Order.objects.count()


def test_s6_retry_with_same_key_replays_first_response(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))

    first = pay(client, body(lab), "sale-1")
    retry = pay(client, body(lab), "sale-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert orders() == 1
    assert stock_of(lab, "P2") == 99


def test_same_key_other_body_is_422(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    assert pay(client, body(lab), "sale-1").status_code == 201

    other = pay(client, body(lab, quantity="2", cash="20.00"), "sale-1")

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert orders() == 1


def test_same_key_other_path_is_422(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    assert pay(client, body(lab), "action-1").status_code == 201

    other = client.post(
        "/api/cash-register/deposits/",
        {"amount": "5.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="action-1",
    )

    assert other.status_code == 422


@pytest.mark.parametrize("key", [None, "", "x" * 256, "has space", "ümlaut"])
def test_missing_or_malformed_key_is_400(lab, api_for, open_shift, key):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}

    response = client.post(URL, body(lab), format="json", **headers)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert orders() == 0


def test_key_is_scoped_to_the_user(lab, api_for, open_shift):
    for name in ("c1", "c2"):
        open_shift(lab.user(name))

    first = pay(api_for(lab.user("c1")), body(lab), "shared-key")
    second = pay(api_for(lab.user("c2")), body(lab), "shared-key")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


def test_refused_request_keeps_no_record_so_the_key_is_free(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))

    refused = pay(client, body(lab, sku="P1", quantity="4", cash="100.00"), "try-1")
    assert refused.status_code == 409
    with scopes_disabled():
        assert not IdempotencyRecord.objects.exists()

    fixed = pay(client, body(lab, sku="P1", quantity="3", cash="75.00"), "try-1")
    assert fixed.status_code == 201
    assert stock_of(lab, "P1") == 0


def test_expired_record_is_processed_anew(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    assert pay(client, body(lab), "old").status_code == 201
    with scopes_disabled():
        IdempotencyRecord.objects.update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )

    again = pay(client, body(lab), "old")

    assert again.status_code == 201
    assert not again.has_header("Idempotent-Replayed")
    assert orders() == 2


def test_purge_removes_only_expired_records(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    client = api_for(lab.user("c1"))
    for key in ("a", "b", "c"):
        assert pay(client, body(lab), key).status_code == 201
    with scopes_disabled():
        IdempotencyRecord.objects.filter(key__in=["a", "b"]).update(
            expires_at=timezone.now() - timedelta(hours=1)
        )

    call_command("purge_idempotency_keys", "--batch-size", "1", stdout=io.StringIO())

    with scopes_disabled():
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["c"]


def test_record_has_at_least_a_day_to_live(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    pay(api_for(lab.user("c1")), body(lab), "k")

    with scopes_disabled():
        record = IdempotencyRecord.objects.get()
    assert record.expires_at - record.created_at >= timedelta(hours=24)


def test_s7_five_identical_requests_racing_make_one_order(lab_tx, api_for, open_shift):
    open_shift(lab_tx.user("c1"))
    data = body(lab_tx)
    clients = [api_for(lab_tx.user("c1")) for _ in range(5)]

    responses = race(*[lambda c=c: pay(c, data, "double-click") for c in clients])

    assert orders() == 1
    assert stock_of(lab_tx, "P2") == 99
    winners = [r for r in responses if r.status_code == 201]
    assert winners
    assert len({r.json()["id"] for r in winners}) == 1
    for response in responses:
        assert response.status_code in (201, 409)
        if response.status_code == 409:
            assert response.json()["code"] == "idempotency_key_in_use"
