"""Who may call what: every API endpoint against every kind of caller.

"ok" means the role got past authentication, permission and tenancy (the
answer may still be a business refusal such as 409); "deny" is 403, "hide"
is 404 (another tenant's object), "anon" is 401.
"""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from accounts.models import Role, User
from kasserpro.tests.helpers import checkout, send

pytestmark = pytest.mark.django_db

ROLES = ["cashier", "manager", "admin", "other_tenant", "anonymous"]

# (method, url template, body template, expected per role in ROLES order)
MATRIX = [
    ("get", "/api/me/", None, "ok ok ok ok anon"),
    ("get", "/api/products/", None, "ok ok ok ok anon"),
    ("get", "/api/products/{p2}/", None, "ok ok ok hide anon"),
    ("post", "/api/products/", "product", "deny ok ok ok anon"),
    ("patch", "/api/products/{p2}/", {"price": "11.00"}, "deny ok ok hide anon"),
    ("post", "/api/stock-adjustments/", "adjust", "deny ok ok ok anon"),
    ("post", "/api/purchases/", "purchase", "ok ok ok ok anon"),
    ("get", "/api/orders/", None, "ok ok ok ok anon"),
    ("post", "/api/orders/", "draft", "ok ok ok ok anon"),
    ("post", "/api/orders/checkout/", "checkout", "ok ok ok ok anon"),
    ("get", "/api/orders/{order}/", None, "ok ok ok hide anon"),
    ("post", "/api/orders/{draft}/items/", "line", "ok ok ok hide anon"),
    (
        "patch",
        "/api/orders/{draft}/items/{draft_item}/",
        {"quantity": "2"},
        "ok ok ok hide anon",
    ),
    (
        "post",
        "/api/orders/{draft}/discount/",
        {"kind": "amount", "value": "0"},
        "ok ok ok hide anon",
    ),
    ("post", "/api/orders/{draft}/complete/", "pay", "ok ok ok hide anon"),
    ("post", "/api/orders/{draft}/cancel/", None, "ok ok ok hide anon"),
    ("delete", "/api/orders/{draft}/items/{draft_item}/", None, "ok ok ok hide anon"),
    ("post", "/api/orders/{order}/refunds/", None, "deny ok ok hide anon"),
    ("post", "/api/shifts/", {"opening_cash": "10.00"}, "ok ok ok ok anon"),
    ("get", "/api/shifts/current/", None, "ok ok ok ok anon"),
    ("post", "/api/shifts/current/close/", {"counted_cash": "0"}, "ok ok ok ok anon"),
    ("get", "/api/shifts/{shift}/", None, "ok ok ok hide anon"),
    (
        "post",
        "/api/shifts/{shift}/close/",
        {"counted_cash": "0"},
        "deny ok ok hide anon",
    ),
    ("get", "/api/cash-register/", None, "ok ok ok ok anon"),
    ("post", "/api/cash-register/deposits/", {"amount": "5.00"}, "ok ok ok ok anon"),
    (
        "post",
        "/api/cash-register/withdrawals/",
        {"amount": "1.00"},
        "deny ok ok ok anon",
    ),
    ("get", "/api/expenses/", None, "ok ok ok ok anon"),
    ("post", "/api/expenses/", "expense", "ok ok ok ok anon"),
]


def _bodies(lab):
    p2 = lab.product("P2").pk
    return {
        "product": {
            "sku": "NEW-1",
            "name": "New",
            "price": "3.00",
            "tax_rate": "14.00",
        },
        "adjust": {"product": p2, "quantity_delta": "1", "reason": "count"},
        "purchase": {
            "supplier": "S",
            "lines": [{"product": p2, "quantity": "1", "unit_cost": "5"}],
        },
        "draft": {"items": [{"product": p2, "quantity": "1"}]},
        "checkout": {
            "items": [{"product": p2, "quantity": "1"}],
            "payments": [{"method": "cash", "amount": "10.00"}],
        },
        "line": {"product": p2, "quantity": "1"},
        "pay": {"payments": [{"method": "cash", "amount": "100.00"}]},
        "expense": {"amount": "1.00", "category": "other", "paid_from_drawer": False},
    }


def _client(lab, role):
    client = APIClient()
    user = {
        "cashier": lab.user("c1"),
        "admin": lab.user("admin-a"),
        "other_tenant": lab.user("admin-b"),
    }.get(role)
    if role == "manager":
        user = User.objects.create(
            username="manager-a",
            tenant=lab.tenant_a,
            home_branch=lab.branches["A1"],
            role=Role.MANAGER,
        )
    if user is not None:
        client.force_authenticate(user=user)
    return client


def _verdict(response, url: str, role: str, want: str) -> str:
    got = {401: "anon", 403: "deny", 404: "hide"}.get(response.status_code, "ok")
    if want == "ok" and got == "hide":
        # A 404 for an allowed caller is fine only when it is about their
        # own state (no open shift), never about another tenant's object.
        assert role != "other_tenant" or "{" not in url
        if url.startswith("/api/shifts/current"):
            return "ok"
    return got


@pytest.mark.parametrize(
    ("method", "url", "body", "expected"),
    MATRIX,
    ids=[f"{m} {u}" for m, u, *_ in MATRIX],
)
def test_role_matrix(lab, open_shift, method, url, body, expected):
    shift = open_shift(lab.user("c1"), "50.00")
    c1 = APIClient()
    c1.force_authenticate(user=lab.user("c1"))
    order = checkout(c1, lab.product("P2")).json()
    draft = send(c1, "post", "/api/orders/", _bodies(lab)["draft"]).json()
    ids = {
        "p2": lab.product("P2").pk,
        "order": order["id"],
        "draft": draft["id"],
        "draft_item": draft["items"][0]["id"],
        "shift": shift.pk,
    }
    payload = _bodies(lab)[body] if isinstance(body, str) else body

    verdicts = {}
    for role, want in zip(ROLES, expected.split(), strict=True):
        # Each caller acts on the same starting state: its writes are
        # rolled back before the next one tries.
        with transaction.atomic():
            response = send(_client(lab, role), method, url.format(**ids), payload)
            transaction.set_rollback(True)
        assert response.status_code < 500, (role, response.content[:300])
        verdicts[role] = _verdict(response, url, role, want)

    assert verdicts == dict(zip(ROLES, expected.split(), strict=True))
