"""Shifts: open once, close with a count, summaries and manager closes."""

from decimal import Decimal

import pytest

from cashregister.models import Shift
from kasserpro.tenancy import scopes_disabled
from kasserpro.testing import race
from kasserpro.tests.helpers import checkout, send

pytestmark = pytest.mark.django_db


def test_shift_open_twice_is_shift_already_open(lab, api_for):
    c1 = api_for(lab.user("c1"))

    first = send(c1, "post", "/api/shifts/", {"opening_cash": "150.00"})
    second = send(c1, "post", "/api/shifts/", {"opening_cash": "150.00"})

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "shift_already_open"


def test_shift_close_counts_what_the_sale_kept_not_what_was_tendered(
    lab, api_for, open_shift
):
    open_shift(lab.user("c1"), "200.00")
    c1 = api_for(lab.user("c1"))
    p2 = lab.product("P2")
    # 6 x 10.00 = 60.00 paid with 100.00 cash: the drawer keeps 60.00.
    assert (
        checkout(c1, p2, "6", [{"method": "cash", "amount": "100.00"}]).status_code
        == 201
    )
    assert (
        checkout(c1, p2, "1", [{"method": "card", "amount": "10.00"}]).status_code
        == 201
    )

    closed = send(c1, "post", "/api/shifts/current/close/", {"counted_cash": "255.00"})

    body = closed.json()
    assert closed.status_code == 200, body
    assert body["expected_cash"] == "260.00"
    assert body["counted_cash"] == "255.00"
    assert body["variance"] == "-5.00"
    assert body["summary"]["orders"] == 2
    assert body["summary"]["sales_by_method"] == {"card": "10.00", "cash": "60.00"}
    assert c1.get("/api/shifts/current/").status_code == 404


def test_shift_closed_by_manager_stops_the_cashiers_next_sale(lab, api_for, open_shift):
    shift = open_shift(lab.user("c1"))
    c1 = api_for(lab.user("c1"))
    assert checkout(c1, lab.product("P2")).status_code == 201

    closed = send(
        api_for(lab.user("admin-a")),
        "post",
        f"/api/shifts/{shift.pk}/close/",
        {"counted_cash": "100.00"},
    )
    refused = checkout(c1, lab.product("P2"))

    assert closed.status_code == 200
    assert refused.status_code == 409
    assert refused.json()["code"] == "shift_not_open"


def test_shift_close_of_another_by_cashier_is_refused(lab, api_for, open_shift):
    shift = open_shift(lab.user("c1"))

    response = send(
        api_for(lab.user("c2")),
        "post",
        f"/api/shifts/{shift.pk}/close/",
        {"counted_cash": "1"},
    )

    assert response.status_code == 403


def test_shift_close_by_other_tenant_is_404(lab, api_for, open_shift):
    shift = open_shift(lab.user("c1"))

    response = send(
        api_for(lab.user("admin-b")),
        "post",
        f"/api/shifts/{shift.pk}/close/",
        {"counted_cash": "1"},
    )

    assert response.status_code == 404
    with scopes_disabled():
        assert Shift.objects.get(pk=shift.pk).status == "open"


def test_shift_two_closes_at_once_give_one_close(lab_tx, api_for, open_shift):
    open_shift(lab_tx.user("c1"), "100.00")
    c1a, c1b = api_for(lab_tx.user("c1")), api_for(lab_tx.user("c1"))
    body = {"counted_cash": "100.00"}

    responses = race(
        lambda: send(c1a, "post", "/api/shifts/current/close/", body),
        lambda: send(c1b, "post", "/api/shifts/current/close/", body),
    )

    codes = sorted(r.status_code for r in responses)
    assert codes in ([200, 404], [200, 409])
    with scopes_disabled():
        shift = Shift.objects.get()
    assert shift.status == "closed"
    assert shift.variance == Decimal("0.00")
