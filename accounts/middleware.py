import time

from kasserpro.tenancy import tenant_scope


class TenantScopeMiddleware:
    """Scope every request of a signed-in tenant user to that user's tenant.

    API views scope themselves after DRF authenticates the caller, since a
    bearer token is only read inside the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant_id = getattr(request.user, "tenant_id", None)
        if tenant_id is None:
            return self.get_response(request)
        with tenant_scope(tenant_id):
            return self.get_response(request)


class SessionIdleMiddleware:
    """End a web session after SESSION_IDLE_SECONDS without a request.

    The session's expiry is pushed forward at most every five minutes, so
    an active till does not write its session on every click.
    """

    refresh_every = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("seen", 0) > self.refresh_every:
                request.session["seen"] = now
        return self.get_response(request)
