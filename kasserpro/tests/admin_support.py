"""Helpers for the admin tests: data of every kind per tenant, clients."""

from dataclasses import dataclass
from decimal import Decimal

from django.test import Client

from accounts.models import Tenant, User
from cashregister.services import expense_record, shift_open
from devices.services import device_create
from inventory.services import purchase_receive
from kasserpro.tenancy import scopes_disabled, tenant_scope
from orders.models import Order
from orders.services import LineRequest, PaymentRequest, order_checkout, order_refund

PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The manifest storage needs collectstatic; the admin's pages only need
    # their static URLs to render.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@dataclass(frozen=True)
class Activity:
    """Marks of one tenant's business that another tenant must never see."""

    order_number: str
    customer: str
    supplier: str
    expense_note: str


def tenant_activity(lab, *, cashier: str, manager: str) -> Activity:
    """Give ``cashier``'s tenant a sale, a refund, an expense, a purchase and
    a printer bridge (the sale and refund leave print jobs).

    Every tenant-owned model the admin shows gets at least one row, so the
    isolation tests have an object of each to aim at.
    """
    seller = lab.user(cashier)
    boss = lab.user(manager)
    branch = seller.home_branch
    slug = seller.tenant.slug
    marks = Activity(
        order_number="",
        customer=f"Customer of {slug}",
        supplier=f"Supplier of {slug}",
        expense_note=f"Expense of {slug}",
    )
    product = lab.product("P2", slug)

    with tenant_scope(seller.tenant_id):
        shift_open(user=seller, branch=branch, opening_cash=Decimal("100.00"))
        order = order_checkout(
            user=seller,
            branch=branch,
            items=[LineRequest(product_id=product.pk, quantity=Decimal("2"))],
            payments=[PaymentRequest(method="cash", amount=product.price * 2)],
            customer_name=marks.customer,
        )
        order_refund(
            order=order, user=boss, lines=[(order.items.get().pk, Decimal("1"))]
        )
        expense_record(
            user=boss,
            branch=branch,
            amount=Decimal("5.00"),
            category="supplies",
            note=marks.expense_note,
            paid_from_drawer=True,
        )
        purchase_receive(
            user=boss,
            branch=branch,
            supplier=marks.supplier,
            lines=[(product, Decimal("3"), Decimal("4.00"))],
        )
        device_create(branch=branch, name=f"Printer of {slug}")
    with scopes_disabled():
        number = Order.objects.get(pk=order.pk).number
    return Activity(
        order_number=number,
        customer=marks.customer,
        supplier=marks.supplier,
        expense_note=marks.expense_note,
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def platform_superuser() -> User:
    return User.objects.create_superuser(
        username="platform", password="platform-pass-1", email="ops@example.com"
    )


def tenant_id_of(obj) -> int | None:
    """Return the tenant a row belongs to (a Tenant belongs to itself)."""
    if isinstance(obj, Tenant):
        return obj.pk
    return obj.tenant_id
