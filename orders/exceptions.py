from django.utils.translation import gettext_lazy as _

from kasserpro.errors import ValidationFailed


class PaymentInvalid(ValidationFailed):
    default_detail = _("The payments do not settle the order.")

    def __init__(self, message):
        super().__init__({"payments": [str(message)]}, detail=message)
