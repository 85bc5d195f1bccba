from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import Branch, Role, User, WebSession
from kasserpro.errors import NotFound

BRANCH_HEADER = "HTTP_X_BRANCH_ID"


def branch_for_user(*, user: User, requested: str | int | None = None) -> Branch:
    """Return the branch ``user`` works in for this request.

    A cashier always works in their home branch, whatever the request asks
    (DESIGN.md invariant 6). An admin or manager may name another branch of
    their own tenant; one of another tenant, or a malformed id, is NotFound.
    Must run inside the user's tenant scope.
    """
    if requested in (None, "") or user.role == Role.CASHIER:
        return user.home_branch
    try:
        branch_id = int(requested)
    except (TypeError, ValueError):
        raise NotFound() from None
    branch = Branch.objects.filter(pk=branch_id, tenant_id=user.tenant_id).first()
    if branch is None:
        raise NotFound()
    return branch


def branch_for_request(request) -> Branch:
    """Return the working branch of an authenticated request, cached on it."""
    branch = getattr(request, "_working_branch", None)
    if branch is None:
        branch = branch_for_user(
            user=request.user, requested=request.META.get(BRANCH_HEADER)
        )
        request._working_branch = branch
    return branch


def user_get_in_tenant(*, tenant_id: int, user_id: int) -> User | None:
    """Return the user ``user_id`` if they belong to ``tenant_id``."""
    return User.objects.filter(pk=user_id, tenant_id=tenant_id).first()


def user_sessions(*, user: User) -> list:
    """Return the API logins (refresh tokens) of ``user`` still alive."""
    return list(
        OutstandingToken.objects.filter(
            user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
        ).order_by("-created_at")
    )


def web_sessions(*, user: User) -> list:
    """Return the browsers signed in as ``user`` that are still alive."""
    alive = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return list(
        WebSession.objects.filter(user=user, session_key__in=alive).order_by(
            "-last_seen_at"
        )
    )
