"""Tenant scopes fail closed: no scope, no rows (DESIGN.md invariant 5)."""

import pytest
from django.apps import apps
from django_scopes import ScopeError

from cashregister.models import CashMovement, Shift
from idempotency.models import IdempotencyRecord
from inventory.models import BranchStock, Product, StockMovement
from kasserpro.tenancy import TenantOwned, tenant_scope
from orders.models import Order, OrderItem, Payment

TENANT_OWNED = sorted(
    (model for model in apps.get_models() if issubclass(model, TenantOwned)),
    key=lambda model: model._meta.label,
)


def test_tenant_owned_models_include_the_books():
    assert {
        Product,
        BranchStock,
        StockMovement,
        Order,
        OrderItem,
        Payment,
        Shift,
        CashMovement,
        IdempotencyRecord,
    } <= set(TENANT_OWNED)


@pytest.mark.parametrize("model", TENANT_OWNED, ids=lambda m: m._meta.label)
def test_tenant_owned_query_outside_scope_raises_scope_error(db, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


@pytest.mark.parametrize("model", TENANT_OWNED, ids=lambda m: m._meta.label)
def test_tenant_owned_lookup_outside_scope_raises_scope_error(db, model):
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()


def test_tenant_scope_query_returns_own_tenants_rows_only(lab):
    with tenant_scope(lab.tenant_b):
        products = set(Product.objects.filter(sku__in=["P1", "P2"]))

    assert products == {lab.product("P1", "tenant-b"), lab.product("P2", "tenant-b")}


def test_tenant_scope_without_tenant_raises_value_error():
    with pytest.raises(ValueError), tenant_scope(None):
        pass
