"""The till: the cashier's page and the htmx actions behind it.

Every action answers an htmx request with the pieces it changed (the cart,
plus out-of-band messages or search results) and a plain form post with a
redirect back to the till, so the page also works without JavaScript.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import tenant_member_required
from accounts.selectors import branch_for_request
from cashregister.selectors import shift_current
from idempotency.html import form_key_new, redirect_once
from inventory.models import Product
from inventory.selectors import product_list, product_scan, products_for_sale
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
from orders.forms import CartAddForm, CartLineForm, PayForm, ScanForm
from orders.models import Order
from orders.selectors import order_get
from orders.services import order_checkout

# Enough tiles to fill a 1366x768 screen a few times over; past that the
# cashier searches.
GRID_SIZE = 60


@require_GET
@tenant_member_required
def till(request: HtmxHttpRequest) -> HttpResponse:
    form = ScanForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return _page(request, query=query)


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
    return _cart_change(request, lambda cart: cart.add(product=product))


@require_POST
@tenant_member_required
def cart_add(request: HtmxHttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    if not form.is_valid():
        return _refused(request, refusal_for_form(form))
    product_id = form.cleaned_data["product"]
    return _cart_change(
        request, lambda cart: cart.add(product=_product_for_sale(product_id))
    )


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
        return _refused(request, refusal_for_form(form))
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
            payments=[form.payment()],
        )
        return reverse("order-receipt", args=[order.pk])

    try:
        receipt_url = redirect_once(request, action=checkout)
    except ApplicationError as error:
        return _refused(request, refusal_for(error))

    cart.clear_if(version=shown)
    return redirect_after_post(request, receipt_url)


@require_GET
@tenant_member_required
def order_receipt(request: HtmxHttpRequest, order_id: int) -> HttpResponse:
    try:
        order = order_get(
            user=request.user, branch=branch_for_request(request), order_id=order_id
        )
    except Order.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "orders/receipt.html",
        {"order": order, "branch": order.branch, "tenant": request.user.tenant},
    )


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
    request: HtmxHttpRequest, change: Callable[[Cart], None]
) -> HttpResponse:
    try:
        change(Cart(request.session))
    except ApplicationError as error:
        return _refused(request, refusal_for(error))
    if request.htmx:
        return _update(request)
    return HttpResponseSeeOther(reverse("till"))


def _refused(request: HtmxHttpRequest, refusal: Refusal) -> HttpResponse:
    # The htmx config in base.html swaps 400, 404, 409 and 422 answers, so a
    # refusal keeps its honest status and still reaches the screen.
    if request.htmx:
        return _update(request, refusal=refusal)
    return _page(request, refusal=refusal)


def _cart_context(request: HtmxHttpRequest, *, branch, refusal=None) -> dict:
    cart = Cart(request.session)
    return {
        "branch": branch,
        "tenant": request.user.tenant,
        "cart": cart_price(cart=cart, branch=branch),
        "cart_version": cart.version,
        "pay_key": form_key_new(),
        "refusal": refusal,
    }


def _update(
    request: HtmxHttpRequest,
    *,
    refusal: Refusal | None = None,
    query: str = "",
    search: bool = False,
) -> HttpResponse:
    branch = branch_for_request(request)
    context = _cart_context(request, branch=branch, refusal=refusal)
    if search:
        context["search"] = True
        context["query"] = query
        context["products"] = product_list(branch=branch, search=query)[:GRID_SIZE]
    return render(
        request,
        "orders/partials/till_update.html",
        context,
        status=refusal.status if refusal else 200,
    )


def _page(
    request: HtmxHttpRequest, *, refusal: Refusal | None = None, query: str = ""
) -> HttpResponse:
    branch = branch_for_request(request)
    shift = shift_current(user=request.user)
    context = {
        "branch": branch,
        "tenant": request.user.tenant,
        "shift": shift,
        "refusal": refusal,
    }
    if shift is None:
        context["shift_open_key"] = form_key_new()
    else:
        context.update(_cart_context(request, branch=branch, refusal=refusal))
        context["query"] = query
        context["products"] = product_list(branch=branch, search=query)[:GRID_SIZE]
    return render(
        request, "orders/till.html", context, status=refusal.status if refusal else 200
    )
