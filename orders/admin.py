from django.contrib import admin

from kasserpro.admin import ReadOnlyInline, TenantAdmin
from orders.models import Order, OrderItem, Payment, Refund, RefundLine, RefundPayment

# Orders and refunds change only through the till's services, which keep
# stock, drawer and totals in step; the admin shows them and nothing more.


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = [
        "product",
        "name",
        "quantity",
        "unit_price",
        "tax_rate",
        "discount_amount",
        "tax_amount",
        "line_total",
        "refunded_quantity",
    ]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["method", "amount", "kept", "refunded_amount"]


@admin.register(Order)
class OrderAdmin(TenantAdmin):
    read_only = True
    list_display = [
        "number",
        "status",
        "branch",
        "cashier",
        "total",
        "paid_total",
        "refunded_total",
        "completed_at",
    ]
    list_filter = ["status", "branch", "cashier"]
    list_select_related = ["branch", "cashier"]
    search_fields = ["number", "customer_name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    inlines = [OrderItemInline, PaymentInline]


class RefundLineInline(ReadOnlyInline):
    model = RefundLine
    fields = ["item", "quantity", "amount", "tax_amount"]


class RefundPaymentInline(ReadOnlyInline):
    model = RefundPayment
    fields = ["method", "amount"]


@admin.register(Refund)
class RefundAdmin(TenantAdmin):
    read_only = True
    list_display = ["created_at", "order", "branch", "amount", "user", "approved_by"]
    list_filter = ["branch"]
    list_select_related = ["order", "branch", "user", "approved_by"]
    search_fields = ["order__number", "reason"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    inlines = [RefundLineInline, RefundPaymentInline]
