"""What every page's top bar needs: the shop, the working branch, the menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.selectors import branch_for_request

# (url name, label, who sees it, url names that light it up)
_MENU = [
    ("till", _("Till"), "all", {"till", "order-receipt"}),
    ("order-list", _("Orders"), "all", {"order-list", "order-detail"}),
    ("shift", _("Shift & drawer"), "all", {"shift", "shift-report", "shift-close"}),
    ("stock", _("Stock"), "all", {"stock"}),
    ("dashboard", _("Dashboard"), "manager", {"dashboard"}),
]


def shop(request) -> dict:
    """Return the tenant, working branch and menu of a signed-in shop user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.tenant_id is None:
        return {}
    match = getattr(request, "resolver_match", None)
    here = match.url_name if match else ""
    menu = [
        {"url": reverse(name), "label": label, "current": here in lit}
        for name, label, who, lit in _MENU
        if who == "all" or user.is_manager_or_admin
    ]
    return {
        "tenant": user.tenant,
        "branch": branch_for_request(request),
        "menu": menu,
    }
