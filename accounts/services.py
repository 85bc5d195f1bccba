import logging
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from accounts.models import Role, User, WebSession
from accounts.tokens import user_tokens_revoke
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


def user_revoke_sessions(*, user: User, by: User | None = None) -> None:
    """End every access token, refresh token and web session of ``user``.

    Effective on the user's next request; logging in again works at once.
    """
    user_tokens_revoke(user=user)
    logger.warning(
        "Sessions revoked",
        extra={
            "tenant": user.tenant_id,
            "user": user.pk,
            "by": getattr(by, "pk", None),
        },
    )


def user_session_end(*, user: User, session_id: int) -> bool:
    """End one of ``user``'s own API logins; False if it is not theirs."""
    token = OutstandingToken.objects.filter(pk=session_id, user=user).first()
    if token is None:
        return False
    BlacklistedToken.objects.get_or_create(token=token)
    return True


def web_session_seen(*, request) -> None:
    """Record that the signed-in browser of ``request`` is still in use."""
    WebSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": request.user,
            "last_seen_at": timezone.now(),
            "user_agent": request.headers.get("User-Agent", "")[:200],
        },
    )


def web_session_end(*, user: User, web_session_id: int) -> bool:
    """Sign out one of ``user``'s own browsers; False if it is not theirs."""
    web_session = WebSession.objects.filter(pk=web_session_id, user=user).first()
    if web_session is None:
        return False
    Session.objects.filter(session_key=web_session.session_key).delete()
    web_session.delete()
    return True
