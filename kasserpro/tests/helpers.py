"""Small API helpers shared by the test modules."""

import io
import itertools

from django.core.management import call_command

_keys = itertools.count()


def send(client, method, url, body=None, key=None):
    """Send a JSON request with a fresh Idempotency-Key unless one is given."""
    return getattr(client, method)(
        url, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key or f"k-{next(_keys)}"
    )


def checkout(client, product, quantity="1", payments=None):
    payments = payments or [
        {"method": "card", "amount": str(product.price * int(quantity))}
    ]
    return send(
        client,
        "post",
        "/api/orders/checkout/",
        {
            "items": [{"product": product.pk, "quantity": quantity}],
            "payments": payments,
        },
    )


def stock_of(lab, sku, branch="A1", tenant="tenant-a"):
    # A branch belongs to one tenant; ``tenant`` is kept for the callers.
    return lab.stock(sku, branch)


def ledgers_balance() -> None:
    """Fail the test unless check_ledgers passes."""
    call_command("check_ledgers", stdout=io.StringIO())
