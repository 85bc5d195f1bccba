from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from accounts.permissions import IsManagerOrAdmin
from cashregister.models import CashMovement, Expense, Shift
from cashregister.selectors import (
    drawer_balance,
    expense_list,
    shift_current,
    shift_get,
    shift_summary,
)
from cashregister.services import (
    drawer_deposit,
    drawer_withdraw,
    expense_record,
    shift_close,
    shift_open,
)
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


class ShiftDetailSerializer(ShiftSerializer):
    summary = serializers.SerializerMethodField()

    class Meta(ShiftSerializer.Meta):
        fields = [*ShiftSerializer.Meta.fields, "summary"]

    def get_summary(self, shift) -> dict:
        return shift_summary(shift=shift)


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
    @extend_schema(responses=ShiftDetailSerializer)
    def get(self, request):
        shift = shift_current(user=request.user)
        if shift is None:
            raise NotFound()
        return Response(ShiftDetailSerializer(shift).data)


class ShiftCloseApi(TenantApiView):
    @extend_schema(request=ShiftCloseInSerializer, responses=ShiftDetailSerializer)
    @idempotent
    def post(self, request):
        data = validated(ShiftCloseInSerializer, request.data)
        shift = shift_current(user=request.user)
        if shift is None:
            raise NotFound()
        shift = shift_close(
            shift=shift, counted_cash=data["counted_cash"], closed_by=request.user
        )
        return Response(ShiftDetailSerializer(shift).data)


class CashRegisterApi(TenantApiView):
    @extend_schema(responses=DrawerSerializer)
    def get(self, request):
        branch = self.branch
        return Response(
            {"branch": branch.pk, "balance": str(drawer_balance(branch=branch))}
        )


class ShiftDetailApi(TenantApiView):
    @extend_schema(responses=ShiftDetailSerializer)
    def get(self, request, shift_id: int):
        return Response(ShiftDetailSerializer(_shift(request.user, shift_id)).data)


class ShiftCloseOtherApi(TenantApiView):
    permission_classes = [IsManagerOrAdmin]

    @extend_schema(request=ShiftCloseInSerializer, responses=ShiftDetailSerializer)
    @idempotent
    def post(self, request, shift_id: int):
        shift = _shift(request.user, shift_id)
        data = validated(ShiftCloseInSerializer, request.data)
        shift = shift_close(
            shift=shift,
            counted_cash=data["counted_cash"],
            closed_by=request.user,
        )
        return Response(ShiftDetailSerializer(shift).data)


def _shift(user, shift_id: int) -> Shift:
    try:
        return shift_get(user=user, shift_id=shift_id)
    except Shift.DoesNotExist:
        raise NotFound() from None


class MovementInSerializer(serializers.Serializer):
    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("9999999"))
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class MovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = CashMovement
        fields = [
            "id",
            "branch",
            "kind",
            "amount",
            "note",
            "user",
            "shift",
            "created_at",
        ]


class DrawerMovementApi(TenantApiView):
    """Put cash into or take it out of the working branch's drawer."""

    @staticmethod
    def move(**kwargs):
        raise NotImplementedError

    @extend_schema(request=MovementInSerializer, responses={201: MovementSerializer})
    @idempotent
    def post(self, request):
        data = validated(MovementInSerializer, request.data)
        movement = self.move(
            user=request.user,
            branch=self.branch,
            amount=data["amount"],
            note=data.get("note", ""),
        )
        return Response(
            MovementSerializer(movement).data, status=status.HTTP_201_CREATED
        )


class DepositApi(DrawerMovementApi):
    move = staticmethod(drawer_deposit)


class WithdrawalApi(DrawerMovementApi):
    permission_classes = [IsManagerOrAdmin]
    move = staticmethod(drawer_withdraw)


class ExpenseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expense
        fields = [
            "id",
            "branch",
            "amount",
            "category",
            "note",
            "paid_from_drawer",
            "user",
            "created_at",
        ]
        read_only_fields = ["id", "branch", "user", "created_at"]

    amount = money_field(min_value=Decimal("0.01"), max_value=Decimal("9999999"))


class ExpenseApi(TenantApiView):
    @extend_schema(responses=ExpenseSerializer(many=True))
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            expense_list(branch=self.branch), request, view=self
        )
        return paginator.get_paginated_response(ExpenseSerializer(page, many=True).data)

    @extend_schema(request=ExpenseSerializer, responses={201: ExpenseSerializer})
    @idempotent
    def post(self, request):
        data = validated(ExpenseSerializer, request.data)
        expense = expense_record(user=request.user, branch=self.branch, **data)
        return Response(ExpenseSerializer(expense).data, status=status.HTTP_201_CREATED)
