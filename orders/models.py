from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models import MONEY, QUANTITY
from kasserpro.tenancy import TenantOwned


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


class DiscountKind(models.TextChoices):
    AMOUNT = "amount", _("Amount")
    PERCENT = "percent", _("Percent")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    WALLET = "wallet", _("Wallet")


class Order(TenantOwned):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shift = models.ForeignKey(
        "cashregister.Shift",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # NULL until completion: drafts have no number, and NULLs never clash in
    # the per-tenant unique constraint below.
    number = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    customer_name = models.CharField(max_length=120, blank=True)
    discount_kind = models.CharField(
        max_length=8, choices=DiscountKind.choices, default=DiscountKind.AMOUNT
    )
    discount_value = models.DecimalField(**MONEY, default=Decimal("0"))
    discount_total = models.DecimalField(**MONEY, default=Decimal("0"))
    discount_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subtotal = models.DecimalField(**MONEY, default=Decimal("0"))
    tax_total = models.DecimalField(**MONEY, default=Decimal("0"))
    total = models.DecimalField(**MONEY, default=Decimal("0"))
    paid_total = models.DecimalField(**MONEY, default=Decimal("0"))
    change_due = models.DecimalField(**MONEY, default=Decimal("0"))
    refunded_total = models.DecimalField(**MONEY, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], name="order_number_per_tenant"
            ),
        ]
        indexes = [models.Index(fields=["branch", "-created_at"])]

    def __str__(self):
        return self.number or f"draft #{self.pk}"


class OrderItem(TenantOwned):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=160)
    quantity = models.DecimalField(**QUANTITY)
    unit_price = models.DecimalField(**MONEY)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    discount_kind = models.CharField(
        max_length=8, choices=DiscountKind.choices, default=DiscountKind.AMOUNT
    )
    discount_value = models.DecimalField(**MONEY, default=Decimal("0"))
    discount_amount = models.DecimalField(**MONEY, default=Decimal("0"))
    tax_amount = models.DecimalField(**MONEY)
    line_total = models.DecimalField(**MONEY)
    refunded_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    refunded_amount = models.DecimalField(**MONEY, default=Decimal("0"))
    refunded_tax = models.DecimalField(**MONEY, default=Decimal("0"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_quantity__lte=models.F("quantity")),
                name="refund_at_most_sold",
            ),
        ]


class Payment(TenantOwned):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    amount = models.DecimalField(**MONEY)
    # What the shop kept of this payment: the amount less change for cash.
    kept = models.DecimalField(**MONEY, default=Decimal("0"))
    refunded_amount = models.DecimalField(**MONEY, default=Decimal("0"))

    class Meta:
        ordering = ["pk"]


class Refund(TenantOwned):
    """Money and goods given back for part or all of a completed order."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shift = models.ForeignKey(
        "cashregister.Shift",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(**MONEY)
    tax_amount = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class RefundLine(TenantOwned):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QUANTITY)
    amount = models.DecimalField(**MONEY)
    tax_amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]


class RefundPayment(TenantOwned):
    refund = models.ForeignKey(
        Refund, on_delete=models.CASCADE, related_name="payments"
    )
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]


class OrderNumberCounter(TenantOwned):
    """The last order number given out per branch and shop-local day."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "day"], name="one_counter_per_branch_day"
            ),
        ]
