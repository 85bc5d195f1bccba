from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


def tenant_member_required(view):
    """Let signed-in staff of a tenant through; send anyone else to log in.

    An htmx request from an expired session is told to load the login page
    (HX-Redirect): a plain redirect would be followed inside the XHR and the
    login form swapped into the till. Platform users without a tenant have no
    till and get 403.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _to_login(request)
        if user.tenant_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _to_login(request):
    # After logging in the user comes back to the page they were on; a POST
    # endpoint cannot be reloaded with GET, so those go to the default page.
    if request.htmx:
        page = request.htmx.current_url_abs_path
    elif request.method == "GET":
        page = request.get_full_path()
    else:
        page = None
    url = redirect_to_login(page).url if page else resolve_url(settings.LOGIN_URL)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def manager_required(view):
    """Let a tenant's managers and admins through; 403 for cashiers.

    Another tenant's objects stay 404 in the views themselves; this only
    answers "your role may not do this".
    """

    @wraps(view)
    @tenant_member_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_manager_or_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
