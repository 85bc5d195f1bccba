"""Shared pieces of the DRF layer."""

from contextlib import ExitStack

from rest_framework import serializers
from rest_framework.views import APIView

from accounts.selectors import branch_for_request
from kasserpro.tenancy import tenant_scope


class TenantApiView(APIView):
    """An API view whose handler runs inside the caller's tenant scope.

    The scope comes from the authenticated principal, never from anything the
    request says; DRF only knows the principal after ``initial()`` has
    authenticated it, so the scope is entered there and left when the
    response is done.
    """

    def dispatch(self, request, *args, **kwargs):
        self._scopes = ExitStack()
        with self._scopes:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._scopes.enter_context(tenant_scope(request.user.tenant_id))

    @property
    def branch(self):
        return branch_for_request(self.request)


def money_field(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


def quantity_field(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=3, **kwargs)


def validated(serializer_class, data) -> dict:
    """Return ``data`` checked by ``serializer_class``; raise ValidationError."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
