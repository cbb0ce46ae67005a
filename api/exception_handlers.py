"""Maps domain errors to JSON HTTP responses, so user input never yields a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import NotFound, PermissionDenied, ServiceUnavailable, Throttled, VettedError
from core.messages import error_message, render_message


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, extended with Django's ValidationError and the domain's errors: NotFound is a
    404, PermissionDenied a 403, ServiceUnavailable a 503, any other VettedError a 400."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, NotFound):
        return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_404_NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
    elif isinstance(exc, Throttled):
        exc = exceptions.Throttled(wait=exc.retry_after, detail=str(exc))
    elif isinstance(exc, ServiceUnavailable):
        return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    elif isinstance(exc, VettedError):
        # `detail` in English for developers; `message` for people, in the request's language.
        body: dict[str, Any] = {"detail": str(exc), "code": exc.code, "message": render_message(error_message(exc))}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
