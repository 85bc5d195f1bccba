"""Every API URL that names an object, tried by another tenant: 404.

The URL patterns are read from the resolver, so an endpoint added later is
walked without editing this test; it fails until the fixture below knows
how to name an object for a new kind of id.
"""

import pytest
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import WebSession
from accounts.tokens import token_pair_for
from kasserpro.tenancy import scopes_disabled
from kasserpro.testing import url_fill, url_parameters, url_routes
from kasserpro.tests.helpers import send
from orders.models import Order

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "patch", "put", "delete"]


def _api_routes():
    for route, pattern in url_routes():
        if route.startswith("api/") and "<" in route:
            yield route, pattern


@pytest.fixture
def tenant_a_objects(lab):
    """One object of tenant A for every kind of id an API URL can name."""
    lab.shift_open("c1")
    sale = lab.sale("c1", [("P2", 1)])
    token_pair_for(lab.user("c1"))
    browser = Client()
    browser.force_login(lab.user("c1"))
    browser.get("/")
    with scopes_disabled():
        shift = sale.shift
        item = sale.items.first()
    return {
        "order_id": sale.pk,
        "item_id": item.pk,
        "product_id": lab.product("P2").pk,
        "shift_id": shift.pk,
        "user_id": lab.user("c1").pk,
        "session_id": OutstandingToken.objects.filter(user=lab.user("c1")).first().pk,
        "web_session_id": WebSession.objects.get(user=lab.user("c1")).pk,
    }


def _snapshot(lab):
    with scopes_disabled():
        order = Order.objects.get(cashier=lab.user("c1"))
        return (
            order.status,
            order.refunded_total,
            order.items.first().quantity,
            lab.stock("P2"),
            lab.user("c1").token_version,
            OutstandingToken.objects.filter(blacklistedtoken__isnull=False).count(),
        )


def test_every_object_url_answers_other_tenant_404(lab, api_for, tenant_a_objects):
    other = api_for(lab.user("admin-b"))
    before = _snapshot(lab)
    tried = 0

    for route, pattern in _api_routes():
        names = url_parameters(route)
        assert all(name in tenant_a_objects for name in names), (
            f"teach tenant_a_objects to name {names} for {route}"
        )
        url = url_fill(route, tenant_a_objects)
        allowed = pattern.callback.view_class().allowed_methods
        for method in METHODS:
            if method.upper() not in allowed:
                continue
            response = send(other, method, url, {"quantity": "1", "counted_cash": "0"})
            tried += 1
            if route.startswith("api/me/"):
                # The caller's own sessions: another user's id is simply
                # not among them.
                assert response.status_code == 404, (method, url)
                continue
            assert response.status_code == 404, (method, url, response.content[:200])
            assert response.json()["code"] == "not_found"

    assert tried >= 14
    lab.user("c1").refresh_from_db()
    assert _snapshot(lab) == before
