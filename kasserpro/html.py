"""Shared pieces of the HTML layer: typed requests, redirects and refusals.

The htmx views answer a domain error with the page (or the piece of it
htmx swaps) and a message built here, the way the API answers with the
contract's error body.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from inventory.exceptions import InsufficientStock
from inventory.selectors import products_by_id
from kasserpro.errors import ApplicationError, ValidationFailed


class HtmxHttpRequest(HttpRequest):
    """An HttpRequest as django-htmx's middleware leaves it, for type hints."""

    htmx: HtmxDetails


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def redirect_after_post(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Return a redirect to ``url`` that suits how the form was sent.

    htmx would follow a 303 inside its XHR and swap the next page into the
    current one, so an htmx request is told to navigate (HX-Redirect).
    """
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseSeeOther(url)


@dataclass(frozen=True)
class Refusal:
    """Why an action was refused, in words for the person at the till."""

    detail: str
    lines: list[str] = field(default_factory=list)
    status: int = 400
    product_ids: frozenset[int] = frozenset()


def refusal_for(error: ApplicationError) -> Refusal:
    """Return the message the till shows for a domain error."""
    detail = str(error.detail)
    if isinstance(error, InsufficientStock):
        names = _local_names({short["product"] for short in error.short})
        return Refusal(
            detail=detail,
            lines=[_short_text(short, names) for short in error.short],
            status=error.status_code,
            product_ids=frozenset(short["product"] for short in error.short),
        )
    lines = []
    if isinstance(error, ValidationFailed):
        lines = [text for text in _leaves(error.extra.get("fields")) if text != detail]
    return Refusal(detail=detail, lines=lines, status=error.status_code)


def refusal_for_form(form: forms.Form) -> Refusal:
    """Return the message the till shows for a form that did not validate."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        lines.extend(f"{label}: {error}" if label else error for error in errors)
    return Refusal(detail=_("Please check what you entered."), lines=lines)


def quantity_text(value) -> str:
    """Return a quantity without trailing zeros: 2, 0.75, 1.5."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return f"{number.normalize():f}"


def _local_names(product_ids: set[int]) -> dict[int, str]:
    # The service names products in the catalogue's language (English); a
    # cashier working in Arabic reads the Arabic name where there is one.
    if not (get_language() or "").startswith("ar"):
        return {}
    products = products_by_id(product_ids=product_ids)
    return {pk: p.name_ar for pk, p in products.items() if p.name_ar}


def _short_text(short: dict, names: dict[int, str]) -> str:
    return _("%(name)s: %(requested)s wanted, %(available)s in stock") % {
        "name": names.get(short["product"], short["name"]),
        "requested": quantity_text(short["requested"]),
        "available": quantity_text(short["available"]),
    }


def _leaves(value) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield str(value)
