from django.utils.translation import gettext_lazy as _
from rest_framework import status

from kasserpro.errors import ApplicationError


class ShiftNotOpen(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "shift_not_open"
    default_detail = _("Open a shift before selling.")


class ShiftAlreadyOpen(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "shift_already_open"
    default_detail = _("You already have an open shift.")


class InsufficientCash(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "insufficient_cash"
    default_detail = _("The drawer does not hold that much cash.")
