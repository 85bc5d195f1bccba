from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.cart import MAX_QUANTITY
from orders.models import PaymentMethod
from orders.services import PaymentRequest

MAX_AMOUNT = Decimal("9999999")


class ScanForm(forms.Form):
    q = forms.CharField(label=_("Barcode or name"), max_length=64, required=False)


class CartAddForm(forms.Form):
    product = forms.IntegerField(label=_("Product"), min_value=1)


class CartLineForm(forms.Form):
    product = forms.IntegerField(label=_("Product"), min_value=1)
    op = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("inc", _("One more")),
            ("dec", _("One less")),
            ("set", _("Set quantity")),
            ("remove", _("Remove")),
        ],
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_QUANTITY,
        max_digits=8,
        decimal_places=3,
    )

    def clean(self):
        data = super().clean()
        if data.get("op") == "set" and data.get("quantity") is None:
            self.add_error("quantity", _("Enter a quantity."))
        return data


class PayForm(forms.Form):
    """The pay area: which method, the cash handed over, the total shown."""

    method = forms.ChoiceField(
        label=_("Payment method"),
        choices=[
            (PaymentMethod.CASH, PaymentMethod.CASH.label),
            (PaymentMethod.CARD, PaymentMethod.CARD.label),
        ],
    )
    cart_version = forms.CharField(max_length=64)
    total = forms.DecimalField(
        label=_("Total"), min_value=Decimal("0"), max_digits=12, decimal_places=2
    )
    tendered = forms.DecimalField(
        label=_("Cash tendered"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
    )

    def clean(self):
        data = super().clean()
        if data.get("method") == PaymentMethod.CASH and data.get("tendered") is None:
            self.add_error("tendered", _("Enter the cash the customer handed over."))
        return data

    def payment(self) -> PaymentRequest:
        """Return the payment asked for; a card pays the total shown, exactly.

        The total comes from the form rather than the cart so a price changed
        in the meantime is refused by the service, not silently charged.
        """
        data = self.cleaned_data
        if data["method"] == PaymentMethod.CASH:
            return PaymentRequest(PaymentMethod.CASH, data["tendered"])
        return PaymentRequest(data["method"], data["total"])
