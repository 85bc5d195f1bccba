from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_AMOUNT = Decimal("9999999")


def _cash_field(label):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
    )


class ShiftOpenForm(forms.Form):
    opening_cash = _cash_field(_("Opening float"))


class ShiftCloseForm(forms.Form):
    counted_cash = _cash_field(_("Counted cash"))
