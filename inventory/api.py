from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.permissions import IsManagerOrAdmin, IsTenantMember
from idempotency.api import idempotent
from inventory.models import Product, Purchase, PurchaseLine
from inventory.selectors import product_get, product_list, products_by_id, purchase_get
from inventory.services import product_save, purchase_receive, stock_adjust
from kasserpro.api import TenantApiView, money_field, quantity_field, validated
from kasserpro.errors import ValidationFailed
from kasserpro.ids import ID_MAX


class ProductSerializer(serializers.ModelSerializer):
    stock = quantity_field(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "barcode",
            "name",
            "name_ar",
            "unit",
            "price",
            "tax_rate",
            "track_stock",
            "stock",
        ]
        read_only_fields = ["id", "stock"]
        # Uniqueness per tenant is checked by the service, inside the scope.
        validators = []


class ProductListApi(TenantApiView):
    @extend_schema(
        parameters=[OpenApiParameter("search", str), OpenApiParameter("sku", str)],
        responses=ProductSerializer(many=True),
    )
    def get(self, request):
        products = product_list(
            branch=self.branch,
            search=request.query_params.get("search", "").strip(),
            sku=request.query_params.get("sku", "").strip(),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(products, request, view=self)
        return paginator.get_paginated_response(ProductSerializer(page, many=True).data)

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsManagerOrAdmin()]
        return [IsTenantMember()]

    @extend_schema(request=ProductSerializer, responses={201: ProductSerializer})
    def post(self, request):
        serializer = ProductSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = product_save(
            tenant_id=request.user.tenant_id, **serializer.validated_data
        )
        return Response(
            ProductSerializer(
                product_get(branch=self.branch, product_id=product.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ProductDetailApi(TenantApiView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [IsManagerOrAdmin()]
        return [IsTenantMember()]

    @extend_schema(responses=ProductSerializer)
    def get(self, request, product_id: int):
        product = get_object_or_404(
            product_list(branch=self.branch, active_only=False), pk=product_id
        )
        return Response(ProductSerializer(product).data)

    @extend_schema(request=ProductSerializer, responses=ProductSerializer)
    def patch(self, request, product_id: int):
        product = get_object_or_404(Product.objects.all(), pk=product_id)
        serializer = ProductSerializer(product, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        product_save(
            tenant_id=request.user.tenant_id,
            product=product,
            **serializer.validated_data,
        )
        return Response(
            ProductSerializer(
                product_get(branch=self.branch, product_id=product.pk)
            ).data
        )


class PurchaseLineInSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    quantity = quantity_field(min_value=Decimal("0.001"), max_value=Decimal("9999999"))
    unit_cost = money_field(min_value=Decimal("0"), max_value=Decimal("9999999"))


class PurchaseInSerializer(serializers.Serializer):
    supplier = serializers.CharField(max_length=120)
    lines = PurchaseLineInSerializer(many=True, allow_empty=False, max_length=500)


class PurchaseLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PurchaseLine
        fields = ["product", "quantity", "unit_cost"]


class PurchaseSerializer(serializers.ModelSerializer):
    lines = PurchaseLineSerializer(many=True)

    class Meta:
        model = Purchase
        fields = [
            "id",
            "branch",
            "supplier",
            "total_cost",
            "lines",
            "user",
            "created_at",
        ]


class AdjustmentInSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    quantity_delta = quantity_field(
        min_value=Decimal("-9999999"), max_value=Decimal("9999999")
    )
    reason = serializers.CharField(max_length=255)


class PurchaseApi(TenantApiView):
    @extend_schema(request=PurchaseInSerializer, responses={201: PurchaseSerializer})
    @idempotent
    def post(self, request):
        data = validated(PurchaseInSerializer, request.data)
        products = _products(line["product"] for line in data["lines"])
        purchase = purchase_receive(
            user=request.user,
            branch=self.branch,
            supplier=data["supplier"],
            lines=[
                (products[line["product"]], line["quantity"], line["unit_cost"])
                for line in data["lines"]
            ],
        )
        return Response(
            PurchaseSerializer(purchase_get(purchase_id=purchase.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class StockAdjustmentApi(TenantApiView):
    permission_classes = [IsManagerOrAdmin]

    @extend_schema(request=AdjustmentInSerializer, responses={201: ProductSerializer})
    @idempotent
    def post(self, request):
        data = validated(AdjustmentInSerializer, request.data)
        product = _products([data["product"]])[data["product"]]
        stock_adjust(
            user=request.user,
            branch=self.branch,
            product=product,
            quantity_delta=data["quantity_delta"],
            reason=data["reason"],
        )
        return Response(
            ProductSerializer(
                product_get(branch=self.branch, product_id=product.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


def _products(ids) -> dict[int, Product]:
    ids = set(ids)
    products = products_by_id(product_ids=ids)
    missing = sorted(ids - set(products))
    if missing:
        raise ValidationFailed({"product": [_("Unknown product: %s") % missing[0]]})
    return products
