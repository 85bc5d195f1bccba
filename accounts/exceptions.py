from django.utils.translation import gettext_lazy as _
from rest_framework import status

from kasserpro.errors import ApplicationError


class AccountLocked(ApplicationError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "account_locked"
    default_detail = _(
        "Too many failed logins for this username from this address. "
        "Wait a while or ask an admin to unlock it."
    )
