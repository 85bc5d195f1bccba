from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cashregister.models import Shift
from cashregister.selectors import drawer_balance, shift_current
from cashregister.services import shift_close, shift_open
from idempotency.api import idempotent
from kasserpro.api import TenantApiView, money_field, validated
from kasserpro.errors import NotFound


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shift
        fields = [
            "id",
            "branch",
            "user",
            "status",
            "opening_cash",
            "expected_cash",
            "counted_cash",
            "variance",
            "opened_at",
            "closed_at",
        ]


class ShiftOpenInSerializer(serializers.Serializer):
    opening_cash = money_field(min_value=Decimal("0"), max_value=Decimal("9999999"))


class ShiftCloseInSerializer(serializers.Serializer):
    counted_cash = money_field(min_value=Decimal("0"), max_value=Decimal("9999999"))


class DrawerSerializer(serializers.Serializer):
    branch = serializers.IntegerField()
    balance = money_field()


class ShiftOpenApi(TenantApiView):
    @extend_schema(request=ShiftOpenInSerializer, responses={201: ShiftSerializer})
    @idempotent
    def post(self, request):
        data = validated(ShiftOpenInSerializer, request.data)
        shift = shift_open(
            user=request.user, branch=self.branch, opening_cash=data["opening_cash"]
        )
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


class ShiftCurrentApi(TenantApiView):
    @extend_schema(responses=ShiftSerializer)
    def get(self, request):
        shift = shift_current(user=request.user)
        if shift is None:
            raise NotFound()
        return Response(ShiftSerializer(shift).data)


class ShiftCloseApi(TenantApiView):
    @extend_schema(request=ShiftCloseInSerializer, responses=ShiftSerializer)
    @idempotent
    def post(self, request):
        data = validated(ShiftCloseInSerializer, request.data)
        shift = shift_current(user=request.user)
        if shift is None:
            raise NotFound()
        shift = shift_close(
            shift=shift, counted_cash=data["counted_cash"], closed_by=request.user
        )
        return Response(ShiftSerializer(shift).data)


class CashRegisterApi(TenantApiView):
    @extend_schema(responses=DrawerSerializer)
    def get(self, request):
        branch = self.branch
        return Response(
            {"branch": branch.pk, "balance": str(drawer_balance(branch=branch))}
        )
