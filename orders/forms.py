from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.services import Approval
from kasserpro.ids import ID_MAX
from kasserpro.money import ZERO, money
from orders.cart import MAX_QUANTITY
from orders.models import DiscountKind, PaymentMethod
from orders.pricing import Discount
from orders.services import PaymentRequest

MAX_AMOUNT = Decimal("9999999")


def _amount_field(label, *, required=False, min_value=Decimal("0")):
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


class ApprovalFields(forms.Form):
    """A manager's username and PIN, typed at the till for a cashier."""

    manager = forms.CharField(label=_("Manager"), max_length=150, required=False)
    pin = forms.CharField(
        label=_("Manager PIN"), max_length=32, required=False, strip=False
    )

    def approval(self) -> Approval | None:
        manager = self.cleaned_data.get("manager")
        if not manager:
            return None
        return Approval(manager=manager, pin=self.cleaned_data.get("pin") or "")


class ScanForm(forms.Form):
    q = forms.CharField(label=_("Barcode or name"), max_length=64, required=False)
    category = forms.IntegerField(
        label=_("Category"), min_value=1, max_value=ID_MAX, required=False
    )


class CartAddForm(forms.Form):
    product = forms.IntegerField(label=_("Product"), min_value=1, max_value=ID_MAX)


class CartLineForm(forms.Form):
    product = forms.IntegerField(label=_("Product"), min_value=1, max_value=ID_MAX)
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


class CartDiscountForm(forms.Form):
    """A discount on one line (``product``) or on the whole sale (empty)."""

    product = forms.IntegerField(
        label=_("Line"), min_value=1, max_value=ID_MAX, required=False
    )
    kind = forms.ChoiceField(label=_("Discount type"), choices=DiscountKind.choices)
    value = _amount_field(_("Discount"), required=True)

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == DiscountKind.PERCENT
            and data.get("value") is not None
            and data["value"] > 100
        ):
            self.add_error("value", _("A percentage is at most 100."))
        return data

    def discount(self) -> Discount:
        return Discount(self.cleaned_data["kind"], self.cleaned_data["value"])


class PayForm(ApprovalFields):
    """The pay dialog: cash handed over, card and wallet amounts, the total shown.

    Any mix of the three pays; only cash may go over the total (the rest is
    change). The total comes from the form rather than the cart so a price
    changed in the meantime is refused by the service, not silently charged.
    """

    cart_version = forms.CharField(max_length=64)
    total = _amount_field(_("Total"), required=True)
    tendered = _amount_field(_("Cash tendered"))
    card = _amount_field(_("Card"))
    wallet = _amount_field(_("Wallet"))
    customer_name = forms.CharField(label=_("Customer"), max_length=120, required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("tendered", "card", "wallet")):
            raise forms.ValidationError(
                _("Enter the cash handed over, or a card or wallet amount.")
            )
        return data

    def payments(self) -> list[PaymentRequest]:
        data = self.cleaned_data
        methods = [
            (PaymentMethod.CASH, data.get("tendered")),
            (PaymentMethod.CARD, data.get("card")),
            (PaymentMethod.WALLET, data.get("wallet")),
        ]
        return [PaymentRequest(method, amount) for method, amount in methods if amount]


def pay_balance(data) -> dict:
    """Return paid, still due and change for the amounts typed so far.

    Lenient on purpose: it runs on every keystroke, and a field half typed
    counts as empty. The service checks the real payment.
    """

    def amount(name: str) -> Decimal:
        try:
            value = money(Decimal(str(data.get(name) or "0").replace(",", ".")))
        except (InvalidOperation, ValueError):
            return ZERO
        return max(value, ZERO) if value.is_finite() else ZERO

    total = amount("total")
    cash = amount("tendered")
    other = amount("card") + amount("wallet")
    paid = cash + other
    return {
        "total": total,
        "paid": paid,
        "due": max(total - paid, ZERO),
        "change": max(paid - total, ZERO) if other <= total else ZERO,
        "other_over": other > total,
    }


class OrderSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Order number or customer"), max_length=120, required=False
    )


class RefundForm(ApprovalFields):
    """A refund of some lines: a quantity per line, named ``item-<id>``."""

    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        # At most what was sold: what is left is the service's to check, so
        # a resubmit of a form already done replays instead of failing here.
        for item in self.items:
            self.fields[f"item-{item.pk}"] = forms.DecimalField(
                label=item.name,
                required=False,
                min_value=Decimal("0"),
                max_value=item.quantity,
                max_digits=12,
                decimal_places=3,
            )

    def clean(self):
        data = super().clean()
        if not self.errors and not self.lines():
            raise forms.ValidationError(_("Enter how many of a line to refund."))
        return data

    def lines(self) -> list[tuple[int, Decimal]]:
        return [
            (item.pk, self.cleaned_data[f"item-{item.pk}"])
            for item in self.items
            if self.cleaned_data.get(f"item-{item.pk}")
        ]


class RefundAllForm(ApprovalFields):
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
