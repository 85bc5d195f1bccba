import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Round
from django.utils import timezone

from accounts.models import Branch, User
from cashregister.exceptions import InsufficientCash, ShiftAlreadyOpen, ShiftNotOpen
from cashregister.models import (
    CashDrawer,
    CashMovement,
    CashMovementKind,
    Expense,
    Shift,
    ShiftStatus,
)
from kasserpro.errors import InvalidState
from kasserpro.money import ZERO, money

logger = logging.getLogger(__name__)


def drawer_move(
    *,
    branch: Branch,
    kind: str,
    amount: Decimal,
    user: User,
    shift: Shift | None = None,
    order=None,
    note: str = "",
    guard: bool = False,
) -> CashMovement:
    """Write one ledger row and move the drawer balance by ``amount``.

    With ``guard``, money taken out may not exceed what the drawer holds
    (InsufficientCash); the check is part of the same UPDATE.

    The balance changes in a single ``UPDATE … SET balance = balance + x``,
    rounded to the piastre so SQLite, which keeps decimals as binary floats,
    never drifts off the ledger. The UPDATE takes the drawer's row lock until
    the caller's transaction ends, so racing writers on PostgreSQL queue
    instead of losing an update. Must run inside the caller's transaction.
    """
    drawer = _drawer_for(branch)
    rows = CashDrawer.objects.filter(pk=drawer.pk)
    if guard and amount < 0:
        rows = rows.filter(balance__gte=-amount)
    if rows.update(balance=Round(F("balance") + amount, 2)) == 0:
        raise InsufficientCash()
    return CashMovement.objects.create(
        tenant_id=branch.tenant_id,
        drawer=drawer,
        branch=branch,
        shift=shift,
        kind=kind,
        amount=amount,
        order=order,
        user=user,
        note=note,
    )


def _drawer_for(branch: Branch) -> CashDrawer:
    drawer = CashDrawer.objects.filter(branch=branch).first()
    if drawer is not None:
        return drawer
    try:
        with transaction.atomic():
            return CashDrawer.objects.create(tenant_id=branch.tenant_id, branch=branch)
    except IntegrityError:
        return CashDrawer.objects.get(branch=branch)


def shift_open(*, user: User, branch: Branch, opening_cash: Decimal) -> Shift:
    """Open a shift for ``user`` at ``branch`` and put the float in the drawer.

    Raises ShiftAlreadyOpen if the user has an open shift anywhere; the
    partial unique index settles two opens racing each other.
    """
    opening_cash = money(opening_cash)
    try:
        with transaction.atomic():
            shift = Shift.objects.create(
                tenant_id=user.tenant_id,
                branch=branch,
                user=user,
                opening_cash=opening_cash,
            )
            if opening_cash:
                drawer_move(
                    branch=branch,
                    kind=CashMovementKind.FLOAT,
                    amount=opening_cash,
                    user=user,
                    shift=shift,
                )
    except IntegrityError:
        raise ShiftAlreadyOpen() from None

    logger.info("Shift opened", extra={"tenant": user.tenant_id, "shift": shift.pk})
    return shift


def shift_lock_for_sale(*, user: User, branch: Branch) -> Shift:
    """Return ``user``'s open shift at ``branch``, locked until commit.

    The lock makes a sale and a close of the same shift take turns: a close
    never computes expected cash while a sale of that shift is half-written.
    Raises ShiftNotOpen.
    """
    shift = (
        Shift.objects.select_for_update()
        .filter(user=user, branch=branch, status=ShiftStatus.OPEN)
        .first()
    )
    if shift is None:
        raise ShiftNotOpen()
    return shift


def shift_close(*, shift: Shift, counted_cash: Decimal, closed_by: User) -> Shift:
    """Close ``shift`` with the cash counted in the drawer.

    A count that differs from what is expected is accepted and its variance
    recorded. ``closed_by`` is the cashier or a manager of the tenant; once
    closed, the cashier's next sale is refused with ShiftNotOpen. Raises
    InvalidState when the shift is already closed, so two closes racing give
    one close.
    """
    counted_cash = money(counted_cash)
    with transaction.atomic():
        locked = Shift.objects.select_for_update().filter(pk=shift.pk).first()
        if locked is None or locked.status != ShiftStatus.OPEN:
            raise InvalidState()

        expected = money(
            locked.movements.aggregate(total=Sum("amount"))["total"] or ZERO
        )
        locked.status = ShiftStatus.CLOSED
        locked.expected_cash = expected
        locked.counted_cash = counted_cash
        locked.variance = counted_cash - expected
        locked.closed_at = timezone.now()
        locked.closed_by = closed_by
        locked.save()

    logger.info(
        "Shift closed",
        extra={
            "tenant": locked.tenant_id,
            "shift": locked.pk,
            "variance": str(locked.variance),
        },
    )
    return locked


def drawer_deposit(*, user: User, branch: Branch, amount: Decimal, note: str = ""):
    """Put cash into ``branch``'s drawer (change from the bank, say)."""
    with transaction.atomic():
        return drawer_move(
            branch=branch,
            kind=CashMovementKind.DEPOSIT,
            amount=money(amount),
            user=user,
            shift=_open_shift_at(user=user, branch=branch),
            note=note,
        )


def drawer_withdraw(*, user: User, branch: Branch, amount: Decimal, note: str = ""):
    """Take cash out of ``branch``'s drawer; InsufficientCash past its balance."""
    with transaction.atomic():
        return drawer_move(
            branch=branch,
            kind=CashMovementKind.WITHDRAWAL,
            amount=-money(amount),
            user=user,
            shift=_open_shift_at(user=user, branch=branch),
            note=note,
            guard=True,
        )


def expense_record(
    *,
    user: User,
    branch: Branch,
    amount: Decimal,
    category: str,
    note: str = "",
    paid_from_drawer: bool = False,
) -> Expense:
    """Record an expense; one paid from the drawer takes its cash out too."""
    amount = money(amount)
    with transaction.atomic():
        expense = Expense.objects.create(
            tenant_id=branch.tenant_id,
            branch=branch,
            user=user,
            amount=amount,
            category=category,
            note=note,
            paid_from_drawer=paid_from_drawer,
        )
        if paid_from_drawer:
            drawer_move(
                branch=branch,
                kind=CashMovementKind.EXPENSE,
                amount=-amount,
                user=user,
                shift=_open_shift_at(user=user, branch=branch),
                note=note or category,
                guard=True,
            )
    return expense


def _open_shift_at(*, user: User, branch: Branch) -> Shift | None:
    # Drawer movements made during a shift count towards its expected cash.
    return Shift.objects.filter(
        user=user, branch=branch, status=ShiftStatus.OPEN
    ).first()
