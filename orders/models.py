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
    tax_amount = models.DecimalField(**MONEY)
    line_total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]


class Payment(TenantOwned):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
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
