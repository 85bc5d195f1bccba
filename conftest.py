"""Fixtures shared by every app's tests: the demo lab and API clients."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Branch, Tenant, User
from inventory.models import Product
from kasserpro.tenancy import scopes_disabled


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    # Real hashing costs a quarter second a user; tests check logic, not
    # the hasher's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Lab:
    """The lab of DESIGN.md, looked up by the names the scenarios use."""

    def __init__(self):
        with scopes_disabled():
            call_command("seed_demo", stdout=io.StringIO())
            self.tenant_a = Tenant.objects.get(slug="tenant-a")
            self.tenant_b = Tenant.objects.get(slug="tenant-b")
            self.branches = {b.code: b for b in Branch.objects.all()}
            self.users = {u.username: u for u in User.objects.all()}
            self.products = {
                (p.tenant.slug, p.sku): p
                for p in Product.objects.select_related("tenant").filter(
                    sku__in=["P1", "P2"]
                )
            }

    def user(self, username: str) -> User:
        return self.users[username]

    def product(self, sku: str, tenant: str = "tenant-a") -> Product:
        return self.products[(tenant, sku)]


@pytest.fixture
def lab(db) -> Lab:
    return Lab()


@pytest.fixture
def lab_tx(transactional_db) -> Lab:
    """The lab on committed data, for tests where threads or servers race."""
    return Lab()


def api_client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def api_for():
    return api_client_for


def shift_for(user: User, opening_cash="100.00"):
    """Open a shift for ``user`` at their home branch, in their scope."""
    from decimal import Decimal

    from cashregister.services import shift_open
    from kasserpro.tenancy import tenant_scope

    with tenant_scope(user.tenant_id):
        return shift_open(
            user=user, branch=user.home_branch, opening_cash=Decimal(opening_cash)
        )


@pytest.fixture
def open_shift():
    return shift_for
