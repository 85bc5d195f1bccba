from django import template
from django.utils.translation import get_language

from kasserpro.html import quantity_text

register = template.Library()


@register.filter
def local_name(product) -> str:
    """Return the product's name in the active language when it has one."""
    language = get_language() or ""
    if language.startswith("ar") and getattr(product, "name_ar", ""):
        return product.name_ar
    return product.name


@register.filter
def qty(value) -> str:
    """Return a quantity as a person writes it: 2, not 2.000; 0.75 kg."""
    return quantity_text(value)
