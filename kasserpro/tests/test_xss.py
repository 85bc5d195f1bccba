"""S13: what a user types is only ever text, and no page holds a token."""

import re

import pytest
from django.test import Client

from inventory.models import Product
from kasserpro.tenancy import scopes_disabled
from kasserpro.testing import url_fill, url_parameters, url_routes

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"
TOKEN = re.compile(r"Bearer\s|eyJ[A-Za-z0-9_-]{10,}\.")


def _html_routes():
    """Yield (route, pattern) for every HTML page of the site (no API)."""
    for route, pattern in url_routes():
        if not route.startswith(("api/", "admin/", "static/")):
            yield route, pattern


def _fill(route: str, ids: dict) -> str | None:
    if any(name not in ids for name in url_parameters(route)):
        return None
    return url_fill(route, ids)


@pytest.fixture
def poisoned(lab):
    """A sale of a product whose name is an attack, with a shift report."""
    with scopes_disabled():
        product = Product.objects.get(tenant=lab.tenant_a, sku="P2")
        product.name = product.name_ar = PAYLOAD
        product.save()
    shift = lab.shift_open("c1")
    order = lab.sale("c1", [("P2", 1)])
    return {"order_id": order.pk, "shift_id": shift.pk, "product_id": product.pk}


def _assert_safe(response, url):
    body = response.content.decode()
    assert PAYLOAD not in body, url
    assert "<script>alert" not in body, url
    assert not TOKEN.search(body), url


def test_s13_every_page_renders_the_name_as_text(lab, poisoned):
    client = Client()
    client.force_login(lab.user("c1"))
    visited = []
    for route, _pattern in _html_routes():
        url = _fill(route, poisoned)
        if url is None or "logout" in url:
            continue
        for query in ("", "?q=%3Cscript%3E"):
            response = client.get(url + query, follow=True)
            if response.status_code == 405:
                break
            assert response.status_code < 500, url
            _assert_safe(response, url)
        visited.append(url)

    till = client.get("/?q=script").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in till
    receipt = client.get(f"/orders/{poisoned['order_id']}/receipt/").content.decode()
    assert "&lt;script&gt;" in receipt
    assert len(visited) >= 3


def test_s13_admin_pages_render_the_name_as_text(lab, poisoned):
    client = Client()
    client.force_login(lab.user("admin-a"))
    urls = [
        "/admin/inventory/product/",
        f"/admin/inventory/product/{poisoned['product_id']}/change/",
        f"/admin/orders/order/{poisoned['order_id']}/change/",
        "/admin/inventory/stockmovement/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_safe(response, url)
        assert "&lt;script&gt;" in response.content.decode(), url


def test_s13_api_returns_the_name_as_data_with_json_type(lab, poisoned, api_for):
    response = api_for(lab.user("c1")).get(f"/api/products/{poisoned['product_id']}/")

    assert response["Content-Type"] == "application/json"
    assert response.json()["name"] == PAYLOAD
