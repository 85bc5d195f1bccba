from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from accounts.models import Branch
from inventory.exceptions import InsufficientStock
from inventory.models import (
    BranchStock,
    Category,
    Product,
    Purchase,
    PurchaseLine,
    StockMovement,
)
from inventory.resources import ProductResource
from inventory.services import product_save, stock_adjust
from kasserpro.admin import (
    IdempotencyKeyField,
    ReadOnlyInline,
    TenantAdmin,
    TenantImportExportMixin,
    is_tenant_staff,
    write_once,
)
from kasserpro.errors import ApplicationError


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _may_adjust_stock(request) -> bool:
    # A stock adjustment is the tenant's own bookkeeping, recorded under
    # the acting user and an idempotency record of their tenant: platform
    # staff, who have neither, do not adjust stock.
    return is_tenant_staff(request.user)


def _adjust_url(product_id: int, branch_id: int | None = None) -> str:
    url = reverse("admin:inventory_product_adjust_stock", args=[product_id])
    return f"{url}?branch={branch_id}" if branch_id else url


@admin.register(Category)
class CategoryAdmin(TenantAdmin):
    list_display = ["name", "name_ar"]
    search_fields = ["name", "name_ar"]
    ordering = ["name"]


class BranchStockInline(ReadOnlyInline):
    model = BranchStock
    fields = ["branch", "quantity", "adjust"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("stock per branch")

    def get_fields(self, request, obj=None):
        if _may_adjust_stock(request):
            return self.fields
        return [name for name in self.fields if name != "adjust"]

    @admin.display(description=gettext_lazy("adjust"))
    def adjust(self, row: BranchStock) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            _adjust_url(row.product_id, row.branch_id),
            _("Adjust stock"),
        )


class StockAdjustForm(forms.Form):
    branch = forms.ModelChoiceField(queryset=Branch.objects.none())
    quantity_delta = forms.DecimalField(
        label=gettext_lazy("Change"),
        max_digits=12,
        decimal_places=3,
        help_text=gettext_lazy("Counted minus recorded: positive adds stock."),
    )
    reason = forms.CharField(max_length=255)
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches

    def clean_quantity_delta(self):
        delta = self.cleaned_data["quantity_delta"]
        if not delta:
            raise forms.ValidationError(_("The change may not be zero."))
        return delta


@admin.register(Product)
class ProductAdmin(TenantImportExportMixin, ImportExportMixin, TenantAdmin):
    """The catalogue, with stock per branch shown and changed by service only."""

    resource_classes = [ProductResource]
    formats = [CSV, XLSX]
    list_display = [
        "sku",
        "name",
        "category",
        "price",
        "tax_rate",
        "track_stock",
        "is_active",
        "stock",
    ]
    list_filter = ["category", "is_active", "track_stock"]
    search_fields = ["sku", "barcode", "name", "name_ar"]
    ordering = ["sku"]
    inlines = [BranchStockInline]
    actions = ["adjust_stock_action"]

    def get_queryset(self, request):
        stock = BranchStock.objects.select_related("branch").order_by("branch__code")
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .prefetch_related(Prefetch("stock_rows", queryset=stock))
        )

    @admin.display(description=gettext_lazy("stock"))
    def stock(self, product: Product) -> str:
        return ", ".join(
            f"{row.branch.code}: {_quantity(row.quantity)}"
            for row in product.stock_rows.all()
        )

    def save_model(self, request, obj, form, change):
        product_save(tenant_id=obj.tenant_id, product=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_adjust_stock": self.has_adjust_stock_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- stock adjustments --------------------------------------------------

    def has_adjust_stock_permission(self, request) -> bool:
        return _may_adjust_stock(request)

    @admin.action(
        description=gettext_lazy("Adjust stock of the selected product"),
        permissions=["adjust_stock"],
    )
    def adjust_stock_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one product."), messages.WARNING)
            return None
        return redirect(_adjust_url(queryset.get().pk))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/adjust-stock/",
                self.admin_site.admin_view(self.stock_adjust_view),
                name="inventory_product_adjust_stock",
            ),
            *super().get_urls(),
        ]

    def stock_adjust_view(self, request, object_id):
        """Correct a branch's stock of one product through stock_adjust."""
        product = self.get_object(request, unquote(object_id))
        if not self.has_adjust_stock_permission(request):
            raise PermissionDenied
        form = StockAdjustForm(
            request.POST or None,
            branches=Branch.objects.filter(tenant_id=product.tenant_id).order_by(
                "code"
            ),
            initial={"branch": request.GET.get("branch")},
        )
        adjusted = (
            request.method == "POST"
            and form.is_valid()
            and self._stock_adjust(request, product=product, form=form)
        )
        if adjusted:
            return redirect(
                reverse("admin:inventory_product_change", args=[product.pk])
            )

        context = {
            **self.admin_site.each_context(request),
            "title": _("Adjust stock of %(product)s") % {"product": product},
            "opts": self.opts,
            "original": product,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/inventory/product/stock_adjust.html", context
        )

    def _stock_adjust(self, request, *, product: Product, form) -> bool:
        data = form.cleaned_data
        try:
            once = write_once(
                request,
                key=data["idempotency_key"],
                payload={
                    "product": product.pk,
                    "branch": data["branch"].pk,
                    "quantity_delta": str(data["quantity_delta"]),
                    "reason": data["reason"],
                },
                action=lambda: stock_adjust(
                    user=request.user,
                    branch=data["branch"],
                    product=product,
                    quantity_delta=data["quantity_delta"],
                    reason=data["reason"],
                ),
            )
        except InsufficientStock as error:
            form.add_error(
                "quantity_delta",
                _("Only %(available)s in stock at this branch.")
                % {"available": error.short[0]["available"]},
            )
            return False
        except ApplicationError as error:
            for field, problems in error.extra.get("fields", {}).items():
                form.add_error(field if field in form.fields else None, problems)
            if not form.errors:
                form.add_error(None, str(error.detail))
            return False

        if once.replayed:
            self.message_user(request, _("That adjustment was already recorded."))
            return True
        change = _("Stock at %(branch)s changed by %(delta)s: %(reason)s") % {
            "branch": data["branch"].code,
            "delta": _quantity(data["quantity_delta"]),
            "reason": data["reason"],
        }
        self.log_change(request, product, change)
        self.message_user(request, change, messages.SUCCESS)
        return True


@admin.register(BranchStock)
class BranchStockAdmin(TenantAdmin):
    read_only = True
    list_display = ["product", "branch", "quantity"]
    list_filter = ["branch"]
    list_select_related = ["product", "branch"]
    search_fields = ["product__sku", "product__name"]
    ordering = ["product__sku", "branch__code"]
    actions = ["adjust_stock_action"]

    def has_adjust_stock_permission(self, request) -> bool:
        return _may_adjust_stock(request)

    @admin.action(
        description=gettext_lazy("Adjust the selected stock"),
        permissions=["adjust_stock"],
    )
    def adjust_stock_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select one row."), messages.WARNING)
            return None
        row = queryset.get()
        return redirect(_adjust_url(row.product_id, row.branch_id))


@admin.register(StockMovement)
class StockMovementAdmin(TenantAdmin):
    read_only = True
    list_display = [
        "created_at",
        "product",
        "branch",
        "kind",
        "quantity_delta",
        "reason",
        "user",
    ]
    list_filter = ["kind", "branch"]
    list_select_related = ["product", "branch", "user"]
    search_fields = ["product__sku", "product__name", "reason"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]


class PurchaseLineInline(ReadOnlyInline):
    model = PurchaseLine
    fields = ["product", "quantity", "unit_cost"]


@admin.register(Purchase)
class PurchaseAdmin(TenantAdmin):
    read_only = True
    list_display = ["created_at", "supplier", "branch", "total_cost", "user"]
    list_filter = ["branch"]
    list_select_related = ["branch", "user"]
    search_fields = ["supplier"]
    date_hierarchy = "created_at"
    inlines = [PurchaseLineInline]
