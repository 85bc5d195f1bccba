from decimal import Decimal

from accounts.models import Branch, User
from cashregister.models import CashDrawer, Shift, ShiftStatus
from kasserpro.money import ZERO


def shift_current(*, user: User) -> Shift | None:
    """Return ``user``'s open shift, or None."""
    return Shift.objects.filter(user=user, status=ShiftStatus.OPEN).first()


def drawer_balance(*, branch: Branch) -> Decimal:
    """Return the cash the branch's drawer should hold."""
    balance = (
        CashDrawer.objects.filter(branch=branch)
        .values_list("balance", flat=True)
        .first()
    )
    return balance if balance is not None else ZERO


def shift_get(*, user: User, shift_id: int) -> Shift:
    """Return one of ``user``'s own shifts; Shift.DoesNotExist otherwise.

    Runs in the caller's tenant scope.
    """
    return Shift.objects.select_related("branch").get(pk=shift_id, user=user)
