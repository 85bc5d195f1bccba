from rest_framework.permissions import BasePermission

from accounts.models import Role


class IsTenantMember(BasePermission):
    """Signed in as the staff of some tenant (platform users have no till)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.tenant_id)


class IsManagerOrAdmin(IsTenantMember):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.role in (
            Role.ADMIN,
            Role.MANAGER,
        )


class IsTenantAdmin(IsTenantMember):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.role == Role.ADMIN
