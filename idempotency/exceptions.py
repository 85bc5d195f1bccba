from django.utils.translation import gettext_lazy as _
from rest_framework import status

from kasserpro.errors import ApplicationError


class IdempotencyKeyRequired(ApplicationError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "idempotency_key_required"
    default_detail = _(
        "This request needs an Idempotency-Key header of 1-255 visible characters."
    )


class IdempotencyKeyInUse(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "idempotency_key_in_use"
    default_detail = _("A request with this Idempotency-Key is still being processed.")


class IdempotencyKeyReused(ApplicationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was already used for another request.")
