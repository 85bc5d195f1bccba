"""The till, the orders of the day and the manager's dashboard.

Every till action answers an htmx request with the pieces it changed (the
cart, plus out-of-band messages or search results) and a plain form post
with a redirect back to the till, so the page also works without
JavaScript.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import manager_required, tenant_member_required
from accounts.selectors import branch_for_request
from cashregister.exceptions import ShiftNotOpen
from cashregister.selectors import shift_current
from idempotency.html import form_key_new, redirect_once
from inventory.exceptions import InsufficientStock
from inventory.models import Product, Unit
from inventory.selectors import (
    category_list,
    product_browse,
    product_scan,
    products_for_sale,
)
from kasserpro.errors import ApplicationError, NotFound
from kasserpro.html import (
    HtmxHttpRequest,
    HttpResponseSeeOther,
    Refusal,
    redirect_after_post,
    refusal_for,
    refusal_for_form,
)
from orders.cart import STEP, Cart, CartChanged, cart_price
from orders.forms import (
    CartAddForm,
    CartDiscountForm,
    CartLineForm,
    OrderSearchForm,
    PayForm,
    RefundAllForm,
    RefundForm,
    ScanForm,
    pay_balance,
)
from orders.models import Order
from orders.reports import sales_day
from orders.selectors import order_get, order_search, tax_by_rate
from orders.services import REFUNDABLE, order_checkout, order_refund

# Enough tiles to fill a 1366x768 screen a few times over; past that the
# cashier searches or picks a category.
GRID_SIZE = 60
# Refusals after which the pay dialog opens again: the cashier fixes an
# amount or a PIN there. Stock, a changed cart or a closed shift are fixed
# outside it.
_FIX_IN_CART = (InsufficientStock, CartChanged, ShiftNotOpen)


@require_GET
@tenant_member_required
def till(request: HtmxHttpRequest) -> HttpResponse:
    form = ScanForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    query, category = data.get("q") or "", data.get("category")
    if request.htmx:
        return render(
            request,
            "orders/partials/products.html",
            _products_context(request, query=query, category=category),
        )
    return _page(request, query=query, category=category)


@require_POST
@tenant_member_required
def till_scan(request: HtmxHttpRequest) -> HttpResponse:
    """Ring up the product a barcode or sku names, or list what matches."""
    form = ScanForm(request.POST)
    if not form.is_valid():
        return _refused(request, refusal_for_form(form))
    code = form.cleaned_data["q"]
    product = product_scan(branch=branch_for_request(request), code=code)

    if product is None:
        if request.htmx:
            return _update(request, query=code, search=True)
        query = f"?{urlencode({'q': code})}" if code else ""
        return HttpResponseSeeOther(reverse("till") + query)
    return _cart_change(request, lambda cart: cart.add(product=product), product)


@require_POST
@tenant_member_required
def cart_add(request: HtmxHttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    if not form.is_valid():
        return _refused(request, refusal_for_form(form))
    try:
        product = _product_for_sale(form.cleaned_data["product"])
    except ApplicationError as error:
        return _refused(request, refusal_for(error))
    return _cart_change(request, lambda cart: cart.add(product=product), product)


@require_POST
@tenant_member_required
def cart_line(request: HtmxHttpRequest) -> HttpResponse:
    """Change one line: one more, one less, a typed quantity, or remove it."""
    form = CartLineForm(request.POST)
    if not form.is_valid():
        return _refused(request, refusal_for_form(form))
    return _cart_change(request, lambda cart: _line_change(cart, form.cleaned_data))


@require_POST
@tenant_member_required
def cart_discount(request: HtmxHttpRequest) -> HttpResponse:
    """Set a line's or the whole sale's discount (zero takes it off)."""
    form = CartDiscountForm(request.POST)
    if not form.is_valid():
        return _refused(request, refusal_for_form(form))
    return _cart_change(
        request,
        lambda cart: cart.discount_set(
            product_id=form.cleaned_data["product"], discount=form.discount()
        ),
    )


@require_POST
@tenant_member_required
def cart_clear(request: HtmxHttpRequest) -> HttpResponse:
    return _cart_change(request, lambda cart: cart.clear())


@require_POST
@tenant_member_required
def till_pay(request: HtmxHttpRequest) -> HttpResponse:
    """Turn the cart into a paid order, once per rendered pay form.

    The form's idempotency key makes a double click or a retry of this same
    form end on the first order's receipt without a second order.
    """
    form = PayForm(request.POST)
    if not form.is_valid():
        return _refused(request, refusal_for_form(form), pay_open=True)
    branch = branch_for_request(request)
    cart = Cart(request.session)
    shown = form.cleaned_data["cart_version"]

    def checkout() -> str:
        if cart.version != shown:
            raise CartChanged()
        order = order_checkout(
            user=request.user,
            branch=branch,
            items=cart.line_requests(),
            payments=form.payments(),
            customer_name=form.cleaned_data["customer_name"],
            discount=cart.discount,
            approval=form.approval(),
        )
        return reverse("order-receipt", args=[order.pk])

    try:
        receipt_url = redirect_once(request, action=checkout)
    except ApplicationError as error:
        reopen = not isinstance(error, _FIX_IN_CART)
        return _refused(request, refusal_for(error), pay_open=reopen)

    cart.clear_if(version=shown)
    return redirect_after_post(request, receipt_url)


@require_POST
@tenant_member_required
def till_pay_balance(request: HtmxHttpRequest) -> HttpResponse:
    """Show paid, still due and change for the amounts typed in the dialog."""
    return render(
        request,
        "orders/partials/pay_balance.html",
        {"balance": pay_balance(request.POST)},
    )


@require_GET
@tenant_member_required
def order_receipt(request: HtmxHttpRequest, order_id: int) -> HttpResponse:
    """Show a receipt; ``?print=1`` (a reprint) opens the print dialog."""
    order = _order_or_404(request, order_id)
    return render(
        request,
        "orders/receipt.html",
        {
            "order": order,
            "branch": order.branch,
            "tax_rates": tax_by_rate(order.items.all()),
            "reprint": request.GET.get("print") == "1",
        },
    )


@require_GET
@tenant_member_required
def order_list_page(request: HtmxHttpRequest) -> HttpResponse:
    """Today's orders of the working branch, searched by number or customer."""
    form = OrderSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    today = timezone.localdate()
    context = {
        "orders": order_search(
            branch=branch_for_request(request), day=today, query=query
        ),
        "query": query,
        "today": today,
    }
    template = (
        "orders/partials/order_rows.html"
        if request.htmx and request.htmx.target == "order-rows"
        else "orders/order_list.html"
    )
    return render(request, template, context)


@require_GET
@tenant_member_required
def order_detail(request: HtmxHttpRequest, order_id: int) -> HttpResponse:
    order = _order_or_404(request, order_id)
    return _detail_page(request, order=order)


@require_POST
@tenant_member_required
def order_refund_submit(request: HtmxHttpRequest, order_id: int) -> HttpResponse:
    """Refund some lines, or everything left (``all``), once per form.

    A cashier brings a manager's username and PIN; the service checks them.
    """
    order = _order_or_404(request, order_id)
    refund_all = request.POST.get("scope") == "all"
    if refund_all:
        form = RefundAllForm(request.POST)
    else:
        form = RefundForm(request.POST, items=order.items.all())
    if not form.is_valid():
        return _detail_page(request, order=order, refusal=refusal_for_form(form))

    def refund() -> str:
        order_refund(
            order=order,
            user=request.user,
            lines=None if refund_all else form.lines(),
            reason=form.cleaned_data["reason"],
            approval=form.approval(),
        )
        return reverse("order-detail", args=[order.pk]) + "?refunded=1"

    try:
        detail_url = redirect_once(request, action=refund)
    except ApplicationError as error:
        return _detail_page(request, order=order, refusal=refusal_for(error))
    return redirect_after_post(request, detail_url)


@require_GET
@manager_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """Today per branch of the tenant: sales, orders, refunds, how paid, hours."""
    today = timezone.localdate()
    branches = sales_day(day=today)
    return render(
        request,
        "orders/dashboard.html",
        {
            "today": today,
            "branches": branches,
            "peak": max((max(b.by_hour) for b in branches), default=0),
        },
    )


def _order_or_404(request: HtmxHttpRequest, order_id: int) -> Order:
    try:
        return order_get(
            user=request.user, branch=branch_for_request(request), order_id=order_id
        )
    except Order.DoesNotExist:
        raise Http404 from None


def _detail_page(
    request: HtmxHttpRequest, *, order: Order, refusal: Refusal | None = None
) -> HttpResponse:
    items = list(order.items.all())
    typed = request.POST if refusal else {}
    for item in items:
        # A refused form comes back with what the cashier had typed.
        item.refund_now = typed.get(f"item-{item.pk}", "")
    context = {
        "order": order,
        "items": items,
        "refunds": order.refunds.prefetch_related("lines", "payments").select_related(
            "user", "approved_by"
        ),
        "refundable": order.status in REFUNDABLE
        and any(i.refunded_quantity < i.quantity for i in items),
        "needs_pin": not request.user.is_manager_or_admin,
        "refund_key": form_key_new(),
        "refund_all_key": form_key_new(),
        "refusal": refusal,
        "refunded": request.GET.get("refunded") == "1",
        "form_data": typed,
    }
    template = (
        "orders/partials/order_refunds.html"
        if request.htmx and refusal
        else "orders/order_detail.html"
    )
    return render(request, template, context, status=refusal.status if refusal else 200)


def _line_change(cart: Cart, data: dict) -> None:
    if data["op"] == "remove":
        cart.remove(product_id=data["product"])
        return
    product = _product_for_sale(data["product"])
    if data["op"] == "set":
        cart.change(product=product, to=data["quantity"])
    else:
        cart.add(product=product, by=STEP if data["op"] == "inc" else -STEP)


def _product_for_sale(product_id: int) -> Product:
    product = products_for_sale(product_ids={product_id}).get(product_id)
    if product is None:
        raise NotFound(_("This product is not for sale."))
    return product


def _cart_change(
    request: HtmxHttpRequest,
    change: Callable[[Cart], None],
    added: Product | None = None,
) -> HttpResponse:
    try:
        change(Cart(request.session))
    except ApplicationError as error:
        return _refused(request, refusal_for(error))
    if request.htmx:
        # A weighed product is rung up as 1 kg; its line asks for the weight.
        weigh = added.pk if added is not None and added.unit == Unit.KG else None
        return _update(request, weigh=weigh)
    return HttpResponseSeeOther(reverse("till"))


def _refused(
    request: HtmxHttpRequest, refusal: Refusal, *, pay_open: bool = False
) -> HttpResponse:
    # The htmx config in base.html swaps 400, 403, 404, 409 and 422 answers,
    # so a refusal keeps its honest status and still reaches the screen.
    if request.htmx:
        return _update(request, refusal=refusal, pay_open=pay_open)
    return _page(request, refusal=refusal, pay_open=pay_open)


def _cart_context(
    request: HtmxHttpRequest, *, branch, refusal=None, pay_open=False
) -> dict:
    cart = Cart(request.session)
    summary = cart_price(cart=cart, branch=branch)
    form_data = request.POST if refusal and pay_open else {}
    return {
        "cart": summary,
        "balance": pay_balance(
            form_data or {"total": summary.total, "tendered": summary.total}
        ),
        "cart_version": cart.version,
        "pay_key": form_key_new(),
        "refusal": refusal,
        "pay_open": pay_open,
        "pay_data": form_data,
        "needs_pin": not request.user.is_manager_or_admin,
    }


def _products_context(
    request: HtmxHttpRequest, *, query: str = "", category: int | None = None
) -> dict:
    branch = branch_for_request(request)
    return {
        "query": query,
        "category": category,
        "categories": category_list(),
        "products": product_browse(branch=branch, search=query, category_id=category)[
            :GRID_SIZE
        ],
    }


def _update(
    request: HtmxHttpRequest,
    *,
    refusal: Refusal | None = None,
    query: str = "",
    search: bool = False,
    pay_open: bool = False,
    weigh: int | None = None,
) -> HttpResponse:
    branch = branch_for_request(request)
    context = _cart_context(request, branch=branch, refusal=refusal, pay_open=pay_open)
    context["weigh"] = weigh
    if search:
        context["search"] = True
        context.update(_products_context(request, query=query))
    return render(
        request,
        "orders/partials/till_update.html",
        context,
        status=refusal.status if refusal else 200,
    )


def _page(
    request: HtmxHttpRequest,
    *,
    refusal: Refusal | None = None,
    query: str = "",
    category: int | None = None,
    pay_open: bool = False,
) -> HttpResponse:
    branch = branch_for_request(request)
    shift = shift_current(user=request.user)
    context = {"shift": shift, "refusal": refusal}
    if shift is None:
        context["shift_open_key"] = form_key_new()
    else:
        context.update(
            _cart_context(request, branch=branch, refusal=refusal, pay_open=pay_open)
        )
        context.update(_products_context(request, query=query, category=category))
    return render(
        request, "orders/till.html", context, status=refusal.status if refusal else 200
    )
