"""Tenant scoping: every tenant-owned query runs inside a scope or fails.

django-scopes raises ScopeError for a query on a scoped model when no scope
is active, so a forgotten filter is an error rather than a leak.
"""

from contextlib import contextmanager

from django.db import models
from django_scopes import ScopedManager, scope, scopes_disabled

__all__ = ["TenantOwned", "scopes_disabled", "tenant_scope"]


@contextmanager
def tenant_scope(tenant):
    """Run the block with queries limited to ``tenant``.

    django-scopes treats a ``None`` value as "no filter", so a missing tenant
    must never reach it: refuse it here instead.
    """
    tenant_id = getattr(tenant, "pk", tenant)
    if tenant_id is None:
        raise ValueError("tenant_scope needs a tenant")
    with scope(tenant=tenant_id):
        yield


class TenantOwned(models.Model):
    """Abstract base of every row that belongs to one tenant."""

    tenant = models.ForeignKey(
        "accounts.Tenant", on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="tenant_id")

    class Meta:
        abstract = True
