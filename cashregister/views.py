"""The shift and the drawer: open, count and close a shift; cash in and out."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import manager_required, tenant_member_required
from accounts.selectors import branch_for_request
from cashregister.exceptions import ShiftAlreadyOpen, ShiftNotOpen
from cashregister.forms import (
    DENOMINATIONS,
    DrawerMoveForm,
    ExpenseForm,
    ShiftCloseForm,
    ShiftCountForm,
    ShiftOpenForm,
)
from cashregister.models import Shift
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
from idempotency.html import form_key_new, redirect_once
from kasserpro.errors import ApplicationError
from kasserpro.html import (
    HtmxHttpRequest,
    HttpResponseSeeOther,
    Refusal,
    redirect_after_post,
    refusal_for,
    refusal_for_form,
)


@require_POST
@tenant_member_required
def shift_open_submit(request: HtmxHttpRequest) -> HttpResponse:
    """Open the cashier's shift with the float they put in the drawer."""
    form = ShiftOpenForm(request.POST)
    if not form.is_valid():
        return _open_refused(request, refusal_for_form(form))
    branch = branch_for_request(request)

    def open_shift() -> str:
        shift_open(
            user=request.user,
            branch=branch,
            opening_cash=form.cleaned_data["opening_cash"],
        )
        return reverse("till")

    try:
        till_url = redirect_once(request, action=open_shift)
    except ShiftAlreadyOpen:
        # Opened from another tab or device meanwhile: the cashier wanted an
        # open shift and has one, but must know this float was not recorded.
        messages.warning(
            request, _("Your shift was already open; this float was not recorded.")
        )
        return redirect_after_post(request, reverse("till"))
    except ApplicationError as error:
        return _open_refused(request, refusal_for(error))
    return redirect_after_post(request, till_url)


@require_GET
@tenant_member_required
def shift_page(request: HtmxHttpRequest) -> HttpResponse:
    """Show the shift (its figures and the cash count) and the drawer."""
    return _drawer_page(request)


@require_POST
@tenant_member_required
def shift_close_preview(request: HtmxHttpRequest) -> HttpResponse:
    """Show expected cash and variance for a count, before the shift closes.

    Reads only; the confirm form it shows carries the key of the close.
    """
    shift = shift_current(user=request.user)
    if shift is None:
        return HttpResponseSeeOther(reverse("shift"))
    form = ShiftCountForm(request.POST)
    if not form.is_valid():
        return _count_refused(request, shift=shift, form=form)
    counted = form.counted()
    expected = Decimal(shift_summary(shift=shift)["expected_cash"])
    context = {
        "shift": shift,
        "counted": counted,
        "expected": expected,
        "variance": counted - expected,
        # Shown as "short by" or "over by", so without its sign.
        "variance_shown": abs(counted - expected),
        "shift_close_key": form_key_new(),
        "rows": form.rows(),
    }
    template = (
        "cashregister/partials/shift_preview.html"
        if request.htmx
        else "cashregister/shift_preview.html"
    )
    return render(request, template, context)


@require_POST
@tenant_member_required
def shift_close_submit(request: HtmxHttpRequest) -> HttpResponse:
    """Close the cashier's shift with the cash they counted in the drawer."""
    form = ShiftCloseForm(request.POST)
    if not form.is_valid():
        return _close_refused(request, refusal_for_form(form))

    def close_shift() -> str:
        shift = shift_current(user=request.user)
        if shift is None:
            raise ShiftNotOpen()
        closed = shift_close(
            shift=shift,
            counted_cash=form.cleaned_data["counted_cash"],
            closed_by=request.user,
        )
        return reverse("shift-report", args=[closed.pk])

    try:
        report_url = redirect_once(request, action=close_shift)
    except ApplicationError as error:
        return _close_refused(request, refusal_for(error))
    return redirect_after_post(request, report_url)


@require_GET
@tenant_member_required
def shift_report(request: HtmxHttpRequest, shift_id: int) -> HttpResponse:
    """Show a closed shift: float, expected and counted cash, variance."""
    try:
        shift = shift_get(user=request.user, shift_id=shift_id)
    except Shift.DoesNotExist:
        raise Http404 from None
    context = {
        "shift": shift,
        "branch": shift.branch,
        "summary": shift_summary(shift=shift),
        # Shown as "short by" or "over by", so without its sign.
        "variance": abs(shift.variance) if shift.variance is not None else None,
    }
    return render(request, "cashregister/shift_report.html", context)


@require_POST
@tenant_member_required
def drawer_deposit_submit(request: HtmxHttpRequest) -> HttpResponse:
    """Put cash into the working branch's drawer, once per form."""
    return _drawer_move(request, service=drawer_deposit, done=_("Deposit recorded."))


@require_POST
@manager_required
def drawer_withdraw_submit(request: HtmxHttpRequest) -> HttpResponse:
    """Take cash out of the drawer (managers and admins), once per form."""
    return _drawer_move(
        request, service=drawer_withdraw, done=_("Withdrawal recorded.")
    )


@require_POST
@tenant_member_required
def expense_submit(request: HtmxHttpRequest) -> HttpResponse:
    """Record an expense, paid from the drawer or not, once per form."""
    form = ExpenseForm(request.POST)
    if not form.is_valid():
        return _drawer_page(request, refusal=refusal_for_form(form))
    branch = branch_for_request(request)

    def record() -> str:
        expense_record(user=request.user, branch=branch, **form.cleaned_data)
        return reverse("shift")

    return _drawer_write(request, action=record, done=_("Expense recorded."))


def _drawer_move(request: HtmxHttpRequest, *, service, done: str) -> HttpResponse:
    form = DrawerMoveForm(request.POST)
    if not form.is_valid():
        return _drawer_page(request, refusal=refusal_for_form(form))
    branch = branch_for_request(request)

    def move() -> str:
        service(user=request.user, branch=branch, **form.cleaned_data)
        return reverse("shift")

    return _drawer_write(request, action=move, done=done)


def _drawer_write(request: HtmxHttpRequest, *, action, done: str) -> HttpResponse:
    try:
        url = redirect_once(request, action=action)
    except ApplicationError as error:
        return _drawer_page(request, refusal=refusal_for(error))
    messages.success(request, done)
    return redirect_after_post(request, url)


def _drawer_page(
    request: HtmxHttpRequest,
    *,
    refusal: Refusal | None = None,
    count_form: ShiftCountForm | None = None,
) -> HttpResponse:
    branch = branch_for_request(request)
    shift = shift_current(user=request.user)
    context = {
        "shift": shift,
        "summary": shift_summary(shift=shift) if shift else None,
        "balance": drawer_balance(branch=branch),
        "expenses": expense_list(branch=branch)[:10],
        "expense_categories": ExpenseForm.base_fields["category"].choices,
        "can_withdraw": request.user.is_manager_or_admin,
        "refusal": refusal,
        "count_rows": count_form.rows()
        if count_form
        else [
            {"name": n, "value": v, "coin": v < 5, "count": ""}
            for n, v in DENOMINATIONS
        ],
        "deposit_key": form_key_new(),
        "withdraw_key": form_key_new(),
        "expense_key": form_key_new(),
    }
    status = refusal.status if refusal else 200
    return render(request, "cashregister/shift.html", context, status=status)


def _count_refused(
    request: HtmxHttpRequest, *, shift: Shift, form: ShiftCountForm
) -> HttpResponse:
    refusal = refusal_for_form(form)
    if request.htmx:
        context = {"shift": shift, "refusal": refusal, "count_rows": form.rows()}
        return render(
            request, "cashregister/partials/shift_count.html", context, status=400
        )
    return _drawer_page(request, refusal=refusal, count_form=form)


def _open_refused(request: HtmxHttpRequest, refusal: Refusal) -> HttpResponse:
    context = {
        "branch": branch_for_request(request),
        "tenant": request.user.tenant,
        "refusal": refusal,
        "shift_open_key": form_key_new(),
    }
    template = (
        "cashregister/partials/shift_open.html"
        if request.htmx
        else "cashregister/shift_open.html"
    )
    return render(request, template, context, status=refusal.status)


def _close_refused(request: HtmxHttpRequest, refusal: Refusal) -> HttpResponse:
    shift = shift_current(user=request.user)
    if shift is None:
        # Nothing left to close (closed from elsewhere): back to the till,
        # which offers to open a new shift.
        messages.warning(request, refusal.detail)
        return redirect_after_post(request, reverse("till"))
    return _close_page(request, shift=shift, refusal=refusal)


def _close_page(
    request: HtmxHttpRequest, *, shift: Shift, refusal: Refusal | None = None
) -> HttpResponse:
    return _drawer_page(request, refusal=refusal)
