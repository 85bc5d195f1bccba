from django.utils.translation import gettext_lazy as _
from rest_framework import status

from kasserpro.errors import ApplicationError


class InsufficientStock(ApplicationError):
    """The sale would take a branch's stock below zero.

    ``short`` lists each product that is short, with what was asked and what
    the branch holds, so the till can tell the cashier which line to fix.
    """

    status_code = status.HTTP_409_CONFLICT
    code = "insufficient_stock"
    default_detail = _("Not enough stock for this sale.")

    def __init__(self, short: list[dict]):
        self.short = short
        super().__init__(extra={"short": short})
