from decimal import Decimal

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from idempotency.api import idempotent
from kasserpro.api import TenantApiView, money_field, quantity_field, validated
from kasserpro.errors import NotFound, ValidationFailed
from orders.models import Order, OrderItem, OrderStatus, Payment, PaymentMethod
from orders.selectors import order_get, order_list
from orders.services import LineRequest, PaymentRequest, order_checkout


class OrderItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItem
        fields = [
            "id",
            "product",
            "name",
            "quantity",
            "unit_price",
            "tax_rate",
            "tax_amount",
            "line_total",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["method", "amount"]


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True)
    payments = PaymentSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "branch",
            "cashier",
            "customer_name",
            "items",
            "subtotal",
            "tax_total",
            "total",
            "payments",
            "paid_total",
            "change_due",
            "refunded_total",
            "created_at",
            "completed_at",
        ]


class LineInSerializer(serializers.Serializer):
    # Bounded to a 64-bit id: SQLite cannot even bind a larger integer.
    product = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = quantity_field(min_value=Decimal("0.001"), max_value=Decimal("99999"))


class PaymentInSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("9999999"))


class CheckoutInSerializer(serializers.Serializer):
    items = LineInSerializer(many=True, allow_empty=False, max_length=500)
    payments = PaymentInSerializer(many=True, allow_empty=False, max_length=10)
    customer_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True
    )


class OrderCheckoutApi(TenantApiView):
    @extend_schema(request=CheckoutInSerializer, responses={201: OrderSerializer})
    @idempotent
    def post(self, request):
        data = validated(CheckoutInSerializer, request.data)
        order = order_checkout(
            user=request.user,
            branch=self.branch,
            items=[
                LineRequest(line["product"], line["quantity"]) for line in data["items"]
            ],
            payments=[
                PaymentRequest(p["method"], p["amount"]) for p in data["payments"]
            ],
            customer_name=data.get("customer_name", ""),
        )
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderListApi(TenantApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=OrderStatus.values),
            OpenApiParameter("date", str, description="Shop-local date, YYYY-MM-DD"),
        ],
        responses=OrderSerializer(many=True),
    )
    def get(self, request):
        day = request.query_params.get("date")
        parsed = parse_date(day) if day else None
        if day and parsed is None:
            raise ValidationFailed({"date": [_("Use the format YYYY-MM-DD.")]})
        status_filter = request.query_params.get("status", "")
        if status_filter and status_filter not in OrderStatus.values:
            raise ValidationFailed({"status": [_("Unknown status.")]})

        orders = order_list(branch=self.branch, status=status_filter, day=parsed)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(OrderSerializer(page, many=True).data)


class OrderDetailApi(TenantApiView):
    @extend_schema(responses=OrderSerializer)
    def get(self, request, order_id: int):
        try:
            order = order_get(user=request.user, branch=self.branch, order_id=order_id)
        except Order.DoesNotExist:
            raise NotFound() from None
        return Response(OrderSerializer(order).data)
