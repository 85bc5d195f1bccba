"""The idempotency layer for DRF views: one decorator for every write."""

from functools import wraps

from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer

from idempotency.services import StoredResponse, fingerprint, idempotent_run, key_check

REPLAY_HEADER = "Idempotent-Replayed"


def _payload(data):
    if hasattr(data, "lists"):
        return {key: values for key, values in data.lists()}
    return data


def _snapshot(response) -> StoredResponse:
    body = (
        JSONRenderer().render(response.data).decode()
        if response.data is not None
        else ""
    )
    return StoredResponse(response.status_code, "application/json", body)


def idempotent(view_method=None, *, required: bool = True):
    """Make a DRF handler run at most once per ``Idempotency-Key``.

    With ``required`` the header is mandatory (money and stock writes);
    otherwise a request without it simply runs.
    """

    def decorate(method):
        @wraps(method)
        def wrapper(view, request, *args, **kwargs):
            key = request.headers.get("Idempotency-Key")
            if key is None and not required:
                return method(view, request, *args, **kwargs)
            key_check(key)
            result = idempotent_run(
                user=request.user,
                key=key,
                fingerprint=fingerprint(
                    method=request.method,
                    path=request.get_full_path(),
                    payload=_payload(request.data),
                ),
                action=lambda: method(view, request, *args, **kwargs),
                snapshot=_snapshot,
            )
            if isinstance(result, StoredResponse):
                replay = HttpResponse(
                    result.body,
                    status=result.status_code,
                    content_type=result.content_type,
                )
                replay[REPLAY_HEADER] = "true"
                return replay
            return result

        return wrapper

    return decorate(view_method) if view_method else decorate
