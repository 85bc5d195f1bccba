import time

from django.urls import reverse

from accounts.services import web_session_seen
from kasserpro.tenancy import scopes_disabled, tenant_scope


class TenantScopeMiddleware:
    """Scope every request of a signed-in tenant user to that user's tenant.

    API views scope themselves after DRF authenticates the caller, since a
    bearer token is only read inside the view.

    Platform superusers (no tenant) look across tenants in the admin, so the
    scope is lifted for them there, and only there: everywhere else a query
    without a tenant stays an error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        tenant_id = getattr(user, "tenant_id", None)
        if tenant_id is not None:
            with tenant_scope(tenant_id):
                return self.get_response(request)
        if user.is_active and user.is_superuser and self._in_admin(request):
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)

    def _in_admin(self, request) -> bool:
        return request.path_info.startswith(reverse("admin:index"))


class SessionIdleMiddleware:
    """End a web session after SESSION_IDLE_SECONDS without a request.

    The session's expiry is pushed forward at most every five minutes, so
    an active till does not write its session on every click; the same beat
    keeps the user's list of their own web sessions fresh.
    """

    refresh_every = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("seen", 0) > self.refresh_every:
                request.session["seen"] = now
                if request.session.session_key:
                    web_session_seen(request=request)
        return self.get_response(request)
