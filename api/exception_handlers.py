"""Every API error in one shape: `{"code", "detail", "field"?, "errors"?: [...], "message"?}`.

`code` is stable and machine-readable (the list is in docs/api.md, "Errors"); `detail` is English
for developers; `field` names the first offending field or parameter (dotted, list items as
`[i]`); `errors` lists every problem of a validation error, each `{code, detail, field?}`;
`message`, where present, is the sentence for people in the request's language. Domain errors map
here too: NotFound is a 404, PermissionDenied a 403, Throttled a 429, ServiceUnavailable a 503,
any other VettedError a 400. Anything unexpected is a JSON 500 (never Django's HTML page)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.errors import (
    ImportValidationError,
    InputError,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    Throttled,
    VettedError,
)
from core.messages import error_message, render_message

logger = logging.getLogger("api.errors")

SERVER_ERROR = {"code": "server_error", "detail": "The server met an unexpected error; it has been logged."}
# DRF's codes that read better under a stable name of ours.
_CODE_NAMES = {"error": "invalid", "parse_error": "malformed_request"}


def _join(path: str, key: Any) -> str:
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return f"{path}[{key}]"
    if key in (api_settings.NON_FIELD_ERRORS_KEY, "detail", ""):
        return path
    return f"{path}.{key}" if path else str(key)


def flatten_errors(detail: Any, path: str = "") -> Iterator[dict[str, str]]:
    """DRF's nested error detail as a flat list of {field?, code, detail}."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from flatten_errors(value, _join(path, key))
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            nested = isinstance(item, dict | list)
            yield from flatten_errors(item, _join(path, index) if nested else path)
    else:
        entry = {"code": _CODE_NAMES.get(getattr(detail, "code", "invalid"), getattr(detail, "code", "invalid"))}
        entry["detail"] = str(detail)
        if path:
            entry["field"] = path
        yield entry


def error_body(code: str, detail: str, *, field: str | None = None, errors: list[dict] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if field:
        body["field"] = field
    if errors:
        body["errors"] = errors
    return body


def _validation_body(detail: Any) -> dict[str, Any]:
    errors = list(flatten_errors(detail)) or [{"code": "invalid", "detail": "Invalid input."}]
    first = errors[0]
    text = f"{first['field']}: {first['detail']}" if first.get("field") else first["detail"]
    return error_body("invalid", text, field=first.get("field"), errors=errors)


def _domain_response(exc: VettedError) -> Response:
    if isinstance(exc, NotFound):
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(exc, PermissionDenied):
        code = status.HTTP_403_FORBIDDEN
    elif isinstance(exc, ServiceUnavailable):
        code = status.HTTP_503_SERVICE_UNAVAILABLE
    else:
        code = status.HTTP_400_BAD_REQUEST
    errors = None
    if isinstance(exc, ImportValidationError):
        errors = [
            {"code": e.code, "detail": str(e), **({"field": e.field} if e.field else {})}
            for e in exc.errors[:200]
            if isinstance(e, InputError)
        ]
    body = error_body(exc.code, str(exc), field=exc.field, errors=errors)
    # `message`: for people, in the request's language.
    body["message"] = render_message(error_message(exc))
    return Response(body, status=code)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (status and headers such as Retry-After and WWW-Authenticate), with every body
    rewritten into the one error shape."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Throttled):
        exc = exceptions.Throttled(wait=exc.retry_after, detail=str(exc))
    elif isinstance(exc, VettedError):
        return _domain_response(exc)
    response = exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.error("unhandled error in %s", getattr(request, "path", "?"), exc_info=exc)
        got_request_exception.send(sender=None, request=getattr(request, "_request", request))
        return Response(dict(SERVER_ERROR), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = error_body(_CODE_NAMES.get(code, code), str(exc.detail))
    return response


def json_server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """handler500 for /api/ paths: the one error shape instead of the HTML page."""
    return JsonResponse(dict(SERVER_ERROR), status=500)
