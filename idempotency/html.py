"""The idempotency layer for HTML forms: one key per rendered form.

A form that changes money or stock carries a hidden key, made when the form
is rendered. Every submit of that rendered form (a double click, a retry
after a lost answer, a resubmit after a server restart) sends the same key,
so the action behind it runs once and every submit is sent to the same page.
"""

import uuid
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext as _

from idempotency.exceptions import IdempotencyKeyReused
from idempotency.services import StoredResponse, fingerprint, idempotent_run, key_check

KEY_FIELD = "idempotency_key"

# Neither says what the user asked for, and the CSRF token is masked afresh
# on every render, so they stay out of the fingerprint.
_NOT_FINGERPRINTED = frozenset({KEY_FIELD, "csrfmiddlewaretoken"})


def form_key_new() -> str:
    """Return a fresh key for a form about to be rendered."""
    return str(uuid.uuid4())


def form_fingerprint(request: HttpRequest) -> str:
    """Return the digest of a form submit: method, path and posted fields."""
    payload = {
        name: values
        for name, values in request.POST.lists()
        if name not in _NOT_FINGERPRINTED
    }
    return fingerprint(
        method=request.method, path=request.get_full_path(), payload=payload
    )


def redirect_once(request: HttpRequest, *, action: Callable[[], str]) -> str:
    """Run ``action`` at most once for the form's key; return where to go next.

    ``action`` does the work and returns the URL to show afterwards. That URL
    is what the key's record keeps, so a resubmit of the same form runs
    nothing and is sent to the same URL.

    Raises IdempotencyKeyRequired (no or malformed key), IdempotencyKeyReused
    (the key came with other fields), IdempotencyKeyInUse, and whatever
    ``action`` raises; no record is kept then. Runs in the caller's tenant
    scope.
    """
    try:
        result = idempotent_run(
            user=request.user,
            key=key_check(request.POST.get(KEY_FIELD)),
            fingerprint=form_fingerprint(request),
            action=action,
            snapshot=_snapshot,
        )
    except IdempotencyKeyReused:
        # A form already sent, then changed and sent again (say, after the
        # back button): the person at the till needs a way on, not a code.
        raise IdempotencyKeyReused(
            _("This form was already sent with other values. Reload the page.")
        ) from None
    if isinstance(result, StoredResponse):
        return result.body
    return result


def _snapshot(url: str) -> StoredResponse:
    # idempotent_run takes a status outside 2xx for a refusal and rolls the
    # action back, so the redirect is kept as a 200 naming its target; the
    # view makes it a 303 or an HX-Redirect to suit the request in hand.
    return StoredResponse(200, "text/uri-list", url)
