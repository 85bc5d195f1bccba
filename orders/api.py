from decimal import Decimal

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.services import Approval
from devices.api import PrintJobSerializer
from idempotency.api import idempotent
from kasserpro.api import TenantApiView, money_field, quantity_field, validated
from kasserpro.errors import NotFound, ValidationFailed
from kasserpro.ids import ID_MAX
from orders import services
from orders.models import (
    DiscountKind,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    RefundLine,
    RefundPayment,
)
from orders.pricing import NO_DISCOUNT, Discount
from orders.selectors import order_get, order_list, refund_get, tax_by_rate
from orders.services import LineRequest, PaymentRequest

# --- output ------------------------------------------------------------------


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
            "discount_kind",
            "discount_value",
            "discount_amount",
            "tax_amount",
            "line_total",
            "refunded_quantity",
            "refunded_amount",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["method", "amount", "kept", "refunded_amount"]


class TaxRateSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    taxable = money_field()
    tax = money_field()


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True)
    payments = PaymentSerializer(many=True)
    tax_by_rate = serializers.SerializerMethodField()

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
            "discount_kind",
            "discount_value",
            "discount_total",
            "subtotal",
            "tax_total",
            "tax_by_rate",
            "total",
            "payments",
            "paid_total",
            "change_due",
            "refunded_total",
            "created_at",
            "completed_at",
        ]

    @extend_schema(responses=TaxRateSerializer(many=True))
    def get_tax_by_rate(self, order) -> list:
        return TaxRateSerializer(tax_by_rate(order.items.all()), many=True).data


class RefundLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefundLine
        fields = ["item", "quantity", "amount", "tax_amount"]


class RefundPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefundPayment
        fields = ["method", "amount"]


class RefundSerializer(serializers.ModelSerializer):
    lines = RefundLineSerializer(many=True)
    payments = RefundPaymentSerializer(many=True)

    class Meta:
        model = Refund
        fields = [
            "id",
            "order",
            "amount",
            "tax_amount",
            "lines",
            "payments",
            "reason",
            "user",
            "approved_by",
            "created_at",
        ]


# --- input -------------------------------------------------------------------


class DiscountInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DiscountKind.choices)
    value = money_field(min_value=Decimal("0"), max_value=Decimal("9999999"))

    def validate(self, attrs):
        if attrs["kind"] == DiscountKind.PERCENT and attrs["value"] > 100:
            raise serializers.ValidationError(
                {"value": _("A percentage is at most 100.")}
            )
        return attrs


class ApprovalInSerializer(serializers.Serializer):
    manager = serializers.CharField(max_length=150)
    pin = serializers.CharField(max_length=32, trim_whitespace=False)


class LineInSerializer(serializers.Serializer):
    # Bounded to a 64-bit id: SQLite cannot even bind a larger integer.
    product = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    quantity = quantity_field(min_value=Decimal("0.001"), max_value=Decimal("99999"))
    discount = DiscountInSerializer(required=False)


class PaymentInSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("9999999"))


class DraftInSerializer(serializers.Serializer):
    items = LineInSerializer(many=True, allow_empty=False, max_length=500)
    customer_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True
    )
    discount = DiscountInSerializer(required=False)
    approval = ApprovalInSerializer(required=False)


class CheckoutInSerializer(DraftInSerializer):
    payments = PaymentInSerializer(many=True, allow_empty=False, max_length=10)


class CompleteInSerializer(serializers.Serializer):
    payments = PaymentInSerializer(many=True, allow_empty=False, max_length=10)


class ItemChangeInSerializer(serializers.Serializer):
    quantity = quantity_field(min_value=Decimal("0.001"), max_value=Decimal("99999"))
    discount = DiscountInSerializer(required=False)
    approval = ApprovalInSerializer(required=False)


class OrderDiscountInSerializer(DiscountInSerializer):
    approval = ApprovalInSerializer(required=False)


class RefundLineInSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    quantity = quantity_field(min_value=Decimal("0.001"), max_value=Decimal("99999"))


class RefundInSerializer(serializers.Serializer):
    lines = RefundLineInSerializer(many=True, required=False, allow_empty=False)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)
    approval = ApprovalInSerializer(required=False)


def _discount(data: dict | None) -> Discount:
    return Discount(data["kind"], data["value"]) if data else NO_DISCOUNT


def _approval(data: dict | None) -> Approval | None:
    return Approval(data["manager"], data["pin"]) if data else None


def _lines(items: list[dict]) -> list[LineRequest]:
    return [
        LineRequest(line["product"], line["quantity"], _discount(line.get("discount")))
        for line in items
    ]


def _payments(payments: list[dict]) -> list[PaymentRequest]:
    return [PaymentRequest(p["method"], p["amount"]) for p in payments]


# --- views -------------------------------------------------------------------


class OrderApiView(TenantApiView):
    def order(self, order_id: int) -> Order:
        try:
            return order_get(
                user=self.request.user, branch=self.branch, order_id=order_id
            )
        except Order.DoesNotExist:
            raise NotFound() from None

    def answer(self, order: Order, status_code=status.HTTP_200_OK) -> Response:
        fresh = order_get(
            user=self.request.user, branch=order.branch, order_id=order.pk
        )
        return Response(OrderSerializer(fresh).data, status=status_code)


class OrderListApi(OrderApiView):
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

    @extend_schema(request=DraftInSerializer, responses={201: OrderSerializer})
    @idempotent
    def post(self, request):
        data = validated(DraftInSerializer, request.data)
        order = services.order_draft_create(
            user=request.user,
            branch=self.branch,
            items=_lines(data["items"]),
            customer_name=data.get("customer_name", ""),
            discount=_discount(data.get("discount")),
            approval=_approval(data.get("approval")),
        )
        return self.answer(order, status.HTTP_201_CREATED)


class OrderCheckoutApi(OrderApiView):
    @extend_schema(request=CheckoutInSerializer, responses={201: OrderSerializer})
    @idempotent
    def post(self, request):
        data = validated(CheckoutInSerializer, request.data)
        order = services.order_checkout(
            user=request.user,
            branch=self.branch,
            items=_lines(data["items"]),
            payments=_payments(data["payments"]),
            customer_name=data.get("customer_name", ""),
            discount=_discount(data.get("discount")),
            approval=_approval(data.get("approval")),
        )
        return self.answer(order, status.HTTP_201_CREATED)


class OrderDetailApi(OrderApiView):
    @extend_schema(responses=OrderSerializer)
    def get(self, request, order_id: int):
        return Response(OrderSerializer(self.order(order_id)).data)


class OrderItemAddApi(OrderApiView):
    @extend_schema(request=LineInSerializer, responses={201: OrderSerializer})
    @idempotent
    def post(self, request, order_id: int):
        order = self.order(order_id)
        data = validated(LineInSerializer, request.data)
        order = services.order_item_add(
            order=order, user=request.user, item=_lines([data])[0]
        )
        return self.answer(order, status.HTTP_201_CREATED)


class OrderItemApi(OrderApiView):
    @extend_schema(request=ItemChangeInSerializer, responses=OrderSerializer)
    @idempotent
    def patch(self, request, order_id: int, item_id: int):
        order = self.order(order_id)
        data = validated(ItemChangeInSerializer, request.data)
        order = services.order_item_change(
            order=order,
            user=request.user,
            item_id=item_id,
            quantity=data["quantity"],
            discount=_discount(data["discount"]) if "discount" in data else None,
            approval=_approval(data.get("approval")),
        )
        return self.answer(order)

    @extend_schema(request=None, responses=OrderSerializer)
    @idempotent
    def delete(self, request, order_id: int, item_id: int):
        order = services.order_item_remove(
            order=self.order(order_id), user=request.user, item_id=item_id
        )
        return self.answer(order)


class OrderDiscountApi(OrderApiView):
    @extend_schema(request=OrderDiscountInSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request, order_id: int):
        order = self.order(order_id)
        data = validated(OrderDiscountInSerializer, request.data)
        order = services.order_discount_set(
            order=order,
            user=request.user,
            discount=_discount(data),
            approval=_approval(data.get("approval")),
        )
        return self.answer(order)


class OrderCompleteApi(OrderApiView):
    @extend_schema(request=CompleteInSerializer, responses=OrderSerializer)
    @idempotent
    def post(self, request, order_id: int):
        order = self.order(order_id)
        data = validated(CompleteInSerializer, request.data)
        order = services.order_complete(
            order=order,
            user=request.user,
            payments=_payments(data["payments"]),
        )
        return self.answer(order)


class OrderCancelApi(OrderApiView):
    @extend_schema(request=None, responses=OrderSerializer)
    @idempotent
    def post(self, request, order_id: int):
        order = services.order_cancel(order=self.order(order_id), user=request.user)
        return self.answer(order)


class OrderRefundApi(OrderApiView):
    @extend_schema(request=RefundInSerializer, responses={201: RefundSerializer})
    @idempotent
    def post(self, request, order_id: int):
        order = self.order(order_id)
        data = validated(RefundInSerializer, request.data)
        lines = data.get("lines")
        refund = services.order_refund(
            order=order,
            user=request.user,
            lines=[(line["item"], line["quantity"]) for line in lines]
            if lines
            else None,
            reason=data.get("reason", ""),
            approval=_approval(data.get("approval")),
        )
        return Response(
            RefundSerializer(refund_get(refund_id=refund.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class OrderReprintApi(OrderApiView):
    @extend_schema(request=None, responses={202: PrintJobSerializer})
    @idempotent(required=False)
    def post(self, request, order_id: int):
        job = services.order_reprint(order=self.order(order_id), user=request.user)
        return Response(PrintJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
