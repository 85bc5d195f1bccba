"""Opening and closing a cashier's shift from the till."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import tenant_member_required
from accounts.selectors import branch_for_request
from cashregister.exceptions import ShiftAlreadyOpen, ShiftNotOpen
from cashregister.forms import ShiftCloseForm, ShiftOpenForm
from cashregister.models import Shift
from cashregister.selectors import shift_current, shift_get
from cashregister.services import shift_close, shift_open
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
    """Show the open shift and the form to close it."""
    shift = shift_current(user=request.user)
    if shift is None:
        return HttpResponseSeeOther(reverse("till"))
    return _close_page(request, shift=shift)


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
        "tenant": request.user.tenant,
        # Shown as "short by" or "over by", so without its sign.
        "variance": abs(shift.variance) if shift.variance is not None else None,
    }
    return render(request, "cashregister/shift_report.html", context)


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
    context = {
        "shift": shift,
        "branch": shift.branch,
        "tenant": request.user.tenant,
        "refusal": refusal,
        "shift_close_key": form_key_new(),
    }
    template = (
        "cashregister/partials/shift_close.html"
        if request.htmx
        else "cashregister/shift.html"
    )
    return render(request, template, context, status=refusal.status if refusal else 200)
