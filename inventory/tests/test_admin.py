"""Stock changes from the admin: only through stock_adjust, once per form."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry

from inventory.models import BranchStock, MovementKind, StockMovement
from kasserpro.tenancy import scopes_disabled
from kasserpro.tests.admin_support import PLAIN_STATIC, client_for, platform_superuser
from kasserpro.tests.helpers import stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STATIC


def _adjust_url(product) -> str:
    return f"/admin/inventory/product/{product.pk}/adjust-stock/"


def _adjustments(lab) -> list[StockMovement]:
    with scopes_disabled():
        return list(
            StockMovement.objects.filter(
                tenant=lab.tenant_a, kind=MovementKind.ADJUSTMENT
            )
        )


def _form(lab, **changes) -> dict:
    data = {
        "branch": lab.branches["A1"].pk,
        "quantity_delta": "-1",
        "reason": "dropped a jar",
        "idempotency_key": "form-key-1",
    }
    data.update(changes)
    return data


def test_stock_adjust_view_admin_corrects_stock_with_reason(lab):
    admin_a = lab.user("admin-a")
    p1 = lab.product("P1")

    page = client_for(admin_a).get(_adjust_url(p1), {"branch": lab.branches["A1"].pk})
    response = client_for(admin_a).post(_adjust_url(p1), _form(lab))

    assert page.status_code == 200
    assert response.status_code == 302
    assert stock_of(lab, "P1") == Decimal("2")
    (movement,) = _adjustments(lab)
    assert (movement.reason, movement.user_id) == ("dropped a jar", admin_a.pk)
    assert LogEntry.objects.filter(object_id=str(p1.pk)).exists()


def test_stock_adjust_view_same_form_twice_adjusts_once(lab):
    client = client_for(lab.user("admin-a"))

    first = client.post(_adjust_url(lab.product("P1")), _form(lab))
    second = client.post(_adjust_url(lab.product("P1")), _form(lab))

    assert (first.status_code, second.status_code) == (302, 302)
    assert stock_of(lab, "P1") == Decimal("2")
    assert len(_adjustments(lab)) == 1


def test_stock_adjust_view_below_zero_refused_unchanged(lab):
    client = client_for(lab.user("admin-a"))

    response = client.post(
        _adjust_url(lab.product("P1")), _form(lab, quantity_delta="-5")
    )

    assert response.status_code == 200
    assert "quantity_delta" in response.context["form"].errors
    assert stock_of(lab, "P1") == Decimal("3")
    assert _adjustments(lab) == []


def test_stock_adjust_view_branch_of_other_tenant_refused(lab):
    client = client_for(lab.user("admin-b"))
    own_p1 = lab.product("P1", "tenant-b")

    response = client.post(_adjust_url(own_p1), _form(lab))

    assert response.status_code == 200
    assert "branch" in response.context["form"].errors
    assert stock_of(lab, "P1") == Decimal("3")


def test_stock_adjust_view_platform_superuser_refused(lab):
    client = client_for(platform_superuser())

    response = client.post(_adjust_url(lab.product("P1")), _form(lab))

    assert response.status_code == 403
    assert stock_of(lab, "P1") == Decimal("3")


def test_branch_stock_admin_read_only_but_action_leads_to_adjustment(lab):
    client = client_for(lab.user("admin-a"))
    with scopes_disabled():
        row = BranchStock.objects.get(
            branch=lab.branches["A1"], product=lab.product("P1")
        )

    edit = client.post(
        f"/admin/inventory/branchstock/{row.pk}/change/", {"quantity": "999"}
    )
    action = client.post(
        "/admin/inventory/branchstock/",
        {"action": "adjust_stock_action", "_selected_action": [row.pk]},
    )

    assert edit.status_code == 403
    assert action.status_code == 302
    assert action.url == f"{_adjust_url(lab.product('P1'))}?branch={row.branch_id}"
    assert stock_of(lab, "P1") == Decimal("3")
