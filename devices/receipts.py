"""What a printed slip says: the payload of a print job, and its wire form.

A receipt carries what the customer sees on paper and nothing else: no ids
of users, no tokens, no customer data. Amounts are decimal strings, times
are the shop's local time (TIME_ZONE).
"""

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import Branch
from orders.models import Order, Refund
from orders.selectors import tax_by_rate


def receipt_for_order(order: Order) -> dict:
    """Return the payload of a sale's receipt; the order must be completed."""
    items = list(order.items.select_related("product"))
    return {
        **_header(order.branch, order.completed_at or order.created_at),
        "order_number": order.number,
        "lines": [
            _line(
                name=item.name,
                name_ar=item.product.name_ar,
                quantity=item.quantity,
                unit_price=item.unit_price,
                line_total=item.line_total,
            )
            for item in items
        ],
        "tax": _taxes(items),
        "subtotal": str(order.subtotal),
        "discount_total": str(order.discount_total),
        "tax_total": str(order.tax_total),
        "total": str(order.total),
        "payments": [
            {"method": p.method, "amount": str(p.amount)} for p in order.payments.all()
        ],
        "paid_total": str(order.paid_total),
        "change": str(order.change_due),
        "cashier": order.cashier.display_name,
    }


def receipt_for_refund(refund: Refund) -> dict:
    """Return the payload of a refund slip: what went back, and how."""
    order = refund.order
    lines = list(refund.lines.select_related("item__product"))
    # tax_by_rate groups anything with a rate, a gross amount and its tax;
    # a refund line's gross is its amount.
    taxed = [
        SimpleNamespace(
            tax_rate=line.item.tax_rate,
            line_total=line.amount,
            tax_amount=line.tax_amount,
        )
        for line in lines
    ]
    return {
        **_header(order.branch, refund.created_at),
        "order_number": order.number,
        "lines": [
            _line(
                name=line.item.name,
                name_ar=line.item.product.name_ar,
                quantity=line.quantity,
                unit_price=line.item.unit_price,
                line_total=line.amount,
            )
            for line in lines
        ],
        "tax": _taxes(taxed),
        "subtotal": str(refund.amount - refund.tax_amount),
        "discount_total": "0.00",
        "tax_total": str(refund.tax_amount),
        "total": str(refund.amount),
        "payments": [
            {"method": p.method, "amount": str(p.amount)} for p in refund.payments.all()
        ],
        "paid_total": str(refund.amount),
        "change": "0.00",
        "cashier": refund.user.display_name,
    }


def receipt_for_test(branch: Branch) -> dict:
    """Return the payload of a test page: the header alone."""
    return {**_header(branch, timezone.now()), "lines": []}


def job_message(job) -> dict:
    """Return a print job as the device socket sends it (API.md)."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "order_number": job.payload.get("order_number"),
        "created_at": job.created_at.isoformat(),
        "receipt": job.payload,
    }


def _header(branch: Branch, at: datetime) -> dict:
    local = timezone.localtime(at)
    return {
        "shop": branch.tenant.name,
        "branch": branch.name,
        "currency": branch.tenant.currency,
        "date": local.strftime("%Y-%m-%d"),
        "time": local.strftime("%H:%M"),
    }


def _line(*, name, name_ar, quantity, unit_price, line_total) -> dict:
    return {
        "name": name,
        "name_ar": name_ar,
        "quantity": _quantity(quantity),
        "unit_price": str(unit_price),
        "line_total": str(line_total),
    }


def _taxes(items) -> list[dict]:
    return [
        {key: str(value) for key, value in row.items()} for row in tax_by_rate(items)
    ]


def _quantity(value: Decimal) -> str:
    # "2", not "2.000": a piece count reads as a whole number on paper.
    return f"{value.normalize():f}"
