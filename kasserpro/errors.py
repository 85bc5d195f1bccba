"""One error shape for the whole API: {"code", "detail", "fields"?}."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults as default_views
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """Base of every domain error a service raises.

    Subclasses set the HTTP status and the contract's error code; services
    never raise HTTP errors themselves, the API and the HTML views translate
    these at the boundary.
    """

    status_code = status.HTTP_400_BAD_REQUEST
    code = "application_error"
    default_detail = _("The request could not be completed.")

    def __init__(self, detail=None, *, extra: dict | None = None):
        self.detail = detail or self.default_detail
        self.extra = extra or {}
        super().__init__(str(self.detail))

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": str(self.detail), **self.extra}


class InvalidState(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "invalid_state"
    default_detail = _("That action does not fit the object's current state.")


class PermissionDenied(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"
    default_detail = _("Your role may not do this.")


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_detail = _("Not found.")


class ValidationFailed(ApplicationError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "validation_error"
    default_detail = _("The request has invalid fields.")

    def __init__(self, fields: dict, detail=None):
        super().__init__(detail, extra={"fields": fields})


_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "validation_error",
    exceptions.ValidationError: "validation_error",
}


def _drf_code(exc: exceptions.APIException) -> str:
    for cls, code in _DRF_CODES.items():
        if isinstance(exc, cls):
            return code
    return "error"


def _plain_detail(detail) -> str:
    if isinstance(detail, list | tuple) and detail:
        return _plain_detail(detail[0])
    if isinstance(detail, dict) and "detail" in detail:
        return str(detail["detail"])
    return str(detail)


def api_exception_handler(exc, context):
    """Turn any error raised under a DRF view into the contract's shape."""
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            exc.detail
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail}
        )
        response.data = {
            "code": "validation_error",
            "detail": str(_("The request has invalid fields.")),
            "fields": fields,
        }
    else:
        response.data = {"code": _drf_code(exc), "detail": _plain_detail(exc.detail)}
    return response


def page_not_found(request, exception):
    """Answer an unknown URL: the contract's JSON under /api/, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "detail": str(_("Not found."))}, status=404
        )
    return default_views.page_not_found(request, exception)
