from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy

from kasserpro.html import quantity_text
from kasserpro.money import money as money_round

register = template.Library()


@register.filter
def local_name(thing) -> str:
    """Return a product's or category's name in the active language."""
    language = get_language() or ""
    if language.startswith("ar") and getattr(thing, "name_ar", ""):
        return thing.name_ar
    return thing.name


@register.filter
def qty(value) -> str:
    """Return a quantity as a person writes it: 2, not 2.000; 0.75 kg."""
    return quantity_text(value)


@register.filter
def money(value) -> str:
    """Return an amount with two decimals, grouped the active language's way.

    Form fields keep the plain 1234.50 (``unlocalize``); this is for reading.
    """
    if value in (None, ""):
        return ""
    try:
        amount = money_round(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return number_format(amount, decimal_pos=2, force_grouping=True)


@register.filter
def percent_of(value, whole) -> int:
    """Return ``value`` as a whole percentage of ``whole`` (0 when empty)."""
    try:
        whole = Decimal(whole)
        return round(Decimal(value) * 100 / whole) if whole else 0
    except (InvalidOperation, TypeError, ValueError):
        return 0


CHART_HEIGHT = 120
BAR_WIDTH = 16
BAR_GAP = 4


@register.simple_tag
def hour_bars(by_hour, peak) -> list[dict]:
    """Return the bars of a sales-by-hour chart, scaled to ``peak``.

    Geometry only (SVG user units); the template draws them, so the chart
    needs neither script nor inline style.
    """
    peak = Decimal(peak or 0)
    bars = []
    for hour, amount in enumerate(by_hour):
        height = int(Decimal(amount) * CHART_HEIGHT / peak) if peak else 0
        if amount and height < 2:
            height = 2
        bars.append(
            {
                "hour": hour,
                "amount": amount,
                "x": hour * (BAR_WIDTH + BAR_GAP),
                "y": CHART_HEIGHT - height,
                "height": height,
                "width": BAR_WIDTH,
                "label": hour % 3 == 0,
                "label_x": hour * (BAR_WIDTH + BAR_GAP) + BAR_WIDTH // 2,
            }
        )
    return bars


@register.filter
def payment_label(method: str) -> str:
    """Return a payment method's name in the active language: cash → Cash."""
    from orders.models import PaymentMethod

    try:
        return PaymentMethod(method).label
    except ValueError:
        return method


@register.filter
def cash_kind_label(kind: str) -> str:
    """Return a drawer movement kind's name in the active language."""
    from cashregister.models import CashMovementKind

    try:
        return CashMovementKind(kind).label
    except ValueError:
        return kind


_CURRENCIES = {"EGP": gettext_lazy("EGP")}


@register.filter
def currency(code: str) -> str:
    """Return the currency's short name in the active language: EGP, ج.م."""
    return str(_CURRENCIES.get(code, code))
