from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kasserpro.tenancy import TenantOwned

MONEY = {"max_digits": 12, "decimal_places": 2}
QUANTITY = {"max_digits": 12, "decimal_places": 3}


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    KG = "kg", _("kg")


class Category(TenantOwned):
    name = models.CharField(max_length=80)
    name_ar = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="category_name_per_tenant"
            ),
        ]

    def __str__(self):
        return self.name


class Product(TenantOwned):
    sku = models.CharField(max_length=64)
    barcode = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=160)
    name_ar = models.CharField(max_length=160, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
    )
    unit = models.CharField(max_length=8, choices=Unit.choices, default=Unit.PIECE)
    price = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("14.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    track_stock = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "sku"], name="product_sku_per_tenant"
            ),
            models.UniqueConstraint(
                fields=["tenant", "barcode"],
                condition=~models.Q(barcode=""),
                name="product_barcode_per_tenant",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="product_price_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class BranchStock(TenantOwned):
    """How much of a product a branch holds; changed only with a movement."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_rows"
    )
    quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["branch", "product"], name="one_stock_row"),
        ]

    def __str__(self):
        return f"{self.product_id}@{self.branch_id}: {self.quantity}"


class MovementKind(models.TextChoices):
    INITIAL = "initial", _("Opening stock")
    SALE = "sale", _("Sale")
    REFUND = "refund", _("Refund")
    PURCHASE = "purchase", _("Purchase")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StockMovement(TenantOwned):
    """One change of a branch's stock; the stock is the sum of these."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=MovementKind.choices)
    quantity_delta = models.DecimalField(**QUANTITY)
    unit_cost = models.DecimalField(**MONEY, null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["branch", "product"])]


class Purchase(TenantOwned):
    """A supplier's delivery, received into one branch's stock."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.CharField(max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    total_cost = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class PurchaseLine(TenantOwned):
    purchase = models.ForeignKey(
        Purchase, on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(**QUANTITY)
    unit_cost = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["pk"]
