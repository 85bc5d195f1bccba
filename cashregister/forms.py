from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cashregister.models import ExpenseCategory
from kasserpro.money import ZERO

MAX_AMOUNT = Decimal("9999999")
# Egyptian pounds in a drawer: notes, then coins (name, value).
DENOMINATIONS = [
    ("n200", Decimal("200")),
    ("n100", Decimal("100")),
    ("n50", Decimal("50")),
    ("n20", Decimal("20")),
    ("n10", Decimal("10")),
    ("n5", Decimal("5")),
    ("c100", Decimal("1")),
    ("c50", Decimal("0.50")),
    ("c25", Decimal("0.25")),
]


def _cash_field(label, *, required=True, min_value=Decimal("0")):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=min_value,
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        # In Arabic the cashier may type 20,50 as the screen shows it.
        localize=True,
    )


class ShiftOpenForm(forms.Form):
    opening_cash = _cash_field(_("Opening float"))


class ShiftCloseForm(forms.Form):
    counted_cash = _cash_field(_("Counted cash"))


class ShiftCountForm(forms.Form):
    """The cash count by denomination; its total is the counted cash.

    ``counted_cash`` is what the page's script filled in (or the cashier
    typed); when any denomination is counted, the server's own sum wins.
    """

    counted_cash = _cash_field(_("Counted cash"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in DENOMINATIONS:
            self.fields[name] = forms.IntegerField(
                label=str(value), required=False, min_value=0, max_value=100000
            )

    def clean(self):
        data = super().clean()
        if not self.errors and self.counted() is None:
            raise forms.ValidationError(_("Count the cash in the drawer."))
        return data

    def counted(self) -> Decimal | None:
        data = self.cleaned_data
        counts = [(data.get(name), value) for name, value in DENOMINATIONS]
        if any(count for count, _value in counts):
            return sum((count * value for count, value in counts if count), ZERO)
        return data.get("counted_cash")

    def rows(self) -> list[dict]:
        """Return the denominations with the counts typed, for the page."""
        return [
            {
                "name": name,
                "value": value,
                "coin": value < 5,
                "count": self.data.get(name, ""),
            }
            for name, value in DENOMINATIONS
        ]


class DrawerMoveForm(forms.Form):
    amount = _cash_field(_("Amount"), min_value=Decimal("0.01"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ExpenseForm(forms.Form):
    amount = _cash_field(_("Amount"), min_value=Decimal("0.01"))
    category = forms.ChoiceField(label=_("Category"), choices=ExpenseCategory.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)
    paid_from_drawer = forms.BooleanField(
        label=_("Paid from the drawer"), required=False
    )
