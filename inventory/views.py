"""The stock screen: low stock, supplier deliveries and adjustments."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import manager_required, tenant_member_required
from accounts.selectors import branch_for_request
from idempotency.html import form_key_new, redirect_once
from inventory.forms import AdjustmentForm, LowStockForm, PurchaseForm, PurchaseLines
from inventory.selectors import product_list, stock_low
from inventory.services import purchase_receive, stock_adjust
from kasserpro.errors import ApplicationError
from kasserpro.html import (
    HtmxHttpRequest,
    Refusal,
    redirect_after_post,
    refusal_for,
    refusal_for_form,
)

LOW_STOCK = Decimal("5")


@require_GET
@tenant_member_required
def stock_page(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@tenant_member_required
def purchase_submit(request: HtmxHttpRequest) -> HttpResponse:
    """Receive a supplier's delivery of several lines, once per form."""
    branch = branch_for_request(request)
    form = PurchaseForm(request.POST)
    lines = PurchaseLines(
        request.POST, prefix="line", form_kwargs={"products": _products(request)}
    )
    if not (form.is_valid() and lines.is_valid()):
        return _page(request, refusal=_refusal(form, lines), purchase=(form, lines))

    def receive() -> str:
        purchase_receive(
            user=request.user,
            branch=branch,
            supplier=form.cleaned_data["supplier"],
            lines=lines.lines(),
        )
        return reverse("stock")

    return _write(request, action=receive, done=_("Delivery received into stock."))


@require_POST
@manager_required
def adjustment_submit(request: HtmxHttpRequest) -> HttpResponse:
    """Correct one product's stock with a reason (managers and admins)."""
    branch = branch_for_request(request)
    form = AdjustmentForm(request.POST, products=_products(request))
    if not form.is_valid():
        return _page(request, refusal=refusal_for_form(form))

    def adjust() -> str:
        stock_adjust(
            user=request.user,
            branch=branch,
            product=form.cleaned_data["product"],
            quantity_delta=form.cleaned_data["quantity_delta"],
            reason=form.reason_text(),
        )
        return reverse("stock")

    return _write(request, action=adjust, done=_("Stock adjusted."))


def _write(request: HtmxHttpRequest, *, action, done: str) -> HttpResponse:
    try:
        url = redirect_once(request, action=action)
    except ApplicationError as error:
        return _page(request, refusal=refusal_for(error))
    messages.success(request, done)
    return redirect_after_post(request, url)


def _products(request: HtmxHttpRequest):
    return product_list(branch=branch_for_request(request))


def _refusal(form, lines) -> Refusal:
    refusal = refusal_for_form(form)
    details = list(refusal.lines)
    for index, line_form in enumerate(lines.forms, start=1):
        for errors in line_form.errors.values():
            details.extend(
                _("Line %(number)s: %(error)s") % {"number": index, "error": e}
                for e in errors
            )
    details.extend(str(e) for e in lines.non_form_errors())
    return Refusal(detail=refusal.detail, lines=details)


def _page(
    request: HtmxHttpRequest, *, refusal: Refusal | None = None, purchase=None
) -> HttpResponse:
    branch = branch_for_request(request)
    low = LowStockForm(request.GET)
    threshold = (low.cleaned_data["threshold"] if low.is_valid() else None) or LOW_STOCK
    products = _products(request)
    form, lines = purchase or (
        PurchaseForm(),
        PurchaseLines(prefix="line", form_kwargs={"products": products}),
    )
    context = {
        "low": stock_low(branch=branch, threshold=threshold),
        "threshold": threshold,
        "purchase_form": form,
        "lines": lines,
        "adjust_form": AdjustmentForm(products=products),
        "can_adjust": request.user.is_manager_or_admin,
        "purchase_key": form_key_new(),
        "adjust_key": form_key_new(),
        "refusal": refusal,
    }
    status = refusal.status if refusal else 200
    return render(request, "inventory/stock.html", context, status=status)
