import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Role, User
from kasserpro.errors import PermissionDenied

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Approval:
    """A manager's consent given at the till: their username and PIN."""

    manager: str
    pin: str


def approver_for(*, user: User, approval: Approval | None) -> User:
    """Return who approves an action that needs a manager.

    A manager or admin approves their own actions. A cashier needs the
    username and PIN of a manager or admin of the same tenant. Raises
    PermissionDenied otherwise, with the same message whether the manager
    or the PIN was wrong.
    """
    if user.is_manager_or_admin:
        return user
    if approval is not None:
        manager = User.objects.filter(
            tenant_id=user.tenant_id,
            username=approval.manager,
            role__in=[Role.ADMIN, Role.MANAGER],
            is_active=True,
        ).first()
        if manager is not None and manager.check_pin(approval.pin):
            return manager
        logger.warning(
            "Manager approval refused",
            extra={"tenant": user.tenant_id, "user": user.pk},
        )
    raise PermissionDenied(_("This needs a manager's approval."))
