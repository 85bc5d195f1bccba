from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.permissions import IsManagerOrAdmin, IsTenantMember
from inventory.models import Product
from inventory.selectors import product_get, product_list
from inventory.services import product_save
from kasserpro.api import TenantApiView, quantity_field


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
