from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from inventory.models import Unit

MAX_QUANTITY = Decimal("99999")
MAX_AMOUNT = Decimal("9999999")
PURCHASE_LINES = 6


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.name_ar if (get_language() or "").startswith("ar") else ""
        return f"{name or obj.name} ({obj.sku})"


def _quantity(label, **kwargs):
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=3, max_value=MAX_QUANTITY, **kwargs
    )


def _whole_pieces(form: forms.Form, product, quantity, field: str) -> None:
    if (
        product is not None
        and quantity is not None
        and product.unit == Unit.PIECE
        and quantity != quantity.to_integral_value()
    ):
        form.add_error(field, _("This product is sold by the piece."))


class PurchaseForm(forms.Form):
    supplier = forms.CharField(label=_("Supplier"), max_length=120)


class PurchaseLineForm(forms.Form):
    product = ProductChoiceField(label=_("Product"), queryset=None, required=False)
    quantity = _quantity(_("Quantity"), required=False, min_value=Decimal("0.001"))
    unit_cost = forms.DecimalField(
        label=_("Unit cost"),
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
    )

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products

    def clean(self):
        data = super().clean()
        filled = [data.get(name) is not None for name in ("quantity", "unit_cost")]
        if data.get("product") is None:
            if any(filled):
                self.add_error("product", _("Choose the product of this line."))
            return data
        if not all(filled):
            raise forms.ValidationError(_("Each line needs a quantity and a cost."))
        _whole_pieces(self, data["product"], data["quantity"], "quantity")
        return data

    def line(self):
        data = self.cleaned_data
        if not data or data.get("product") is None:
            return None
        return (data["product"], data["quantity"], data["unit_cost"])


class BasePurchaseLines(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError(_("A purchase needs at least one line."))

    def lines(self) -> list:
        return [form.line() for form in self.forms if form.line() is not None]


PurchaseLines = forms.formset_factory(
    PurchaseLineForm,
    formset=BasePurchaseLines,
    extra=PURCHASE_LINES,
    max_num=PURCHASE_LINES,
    absolute_max=PURCHASE_LINES,
)


ADJUSTMENT_REASONS = [
    ("count", _("Stock count correction")),
    ("damaged", _("Damaged")),
    ("expired", _("Expired")),
    ("theft", _("Lost or stolen")),
    ("other", _("Other")),
]


class AdjustmentForm(forms.Form):
    product = ProductChoiceField(label=_("Product"), queryset=None)
    quantity_delta = forms.DecimalField(
        label=_("Change (+ added, − removed)"),
        max_digits=12,
        decimal_places=3,
        min_value=-MAX_QUANTITY,
        max_value=MAX_QUANTITY,
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=ADJUSTMENT_REASONS)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products

    def clean(self):
        data = super().clean()
        _whole_pieces(
            self, data.get("product"), data.get("quantity_delta"), "quantity_delta"
        )
        return data

    def reason_text(self) -> str:
        """Return the reason as stored with the movement: code, then the note."""
        note = self.cleaned_data["note"]
        code = self.cleaned_data["reason"]
        return f"{code}: {note}" if note else code


class LowStockForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("At or below"),
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_QUANTITY,
        max_digits=12,
        decimal_places=3,
    )
