from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models import MONEY
from kasserpro.tenancy import TenantOwned


class CashDrawer(TenantOwned):
    """A branch's cash drawer; ``balance`` always equals the sum of its ledger."""

    branch = models.OneToOneField(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    balance = models.DecimalField(**MONEY, default=Decimal("0"))

    def __str__(self):
        return f"drawer@{self.branch_id}: {self.balance}"


class CashMovementKind(models.TextChoices):
    FLOAT = "float", _("Opening float")
    SALE = "sale", _("Cash sale")
    REFUND = "refund", _("Cash refund")
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    EXPENSE = "expense", _("Cash expense")


class CashMovement(TenantOwned):
    """One movement of cash in or out of a drawer; ``amount`` is signed."""

    drawer = models.ForeignKey(
        CashDrawer, on_delete=models.PROTECT, related_name="movements"
    )
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    shift = models.ForeignKey(
        "cashregister.Shift",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )
    kind = models.CharField(max_length=16, choices=CashMovementKind.choices)
    amount = models.DecimalField(**MONEY)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ShiftStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Shift(TenantOwned):
    """A cashier's working session at one branch, opened with a float."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shifts"
    )
    status = models.CharField(
        max_length=8, choices=ShiftStatus.choices, default=ShiftStatus.OPEN
    )
    opening_cash = models.DecimalField(**MONEY)
    expected_cash = models.DecimalField(**MONEY, null=True, blank=True)
    counted_cash = models.DecimalField(**MONEY, null=True, blank=True)
    variance = models.DecimalField(**MONEY, null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="open"),
                name="one_open_shift_per_user",
            ),
        ]


class ExpenseCategory(models.TextChoices):
    SUPPLIES = "supplies", _("Supplies")
    UTILITIES = "utilities", _("Utilities")
    RENT = "rent", _("Rent")
    WAGES = "wages", _("Wages")
    TRANSPORT = "transport", _("Transport")
    MAINTENANCE = "maintenance", _("Maintenance")
    OTHER = "other", _("Other")


class Expense(TenantOwned):
    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(**MONEY)
    category = models.CharField(max_length=16, choices=ExpenseCategory.choices)
    note = models.CharField(max_length=255, blank=True)
    paid_from_drawer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
