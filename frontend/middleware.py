"""The web face's answer to the domain's errors: a NotFound is Django's 404 page, a
PermissionDenied its 403 page (the API maps them in api/exception_handlers.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from core.errors import NotFound, PermissionDenied


class DomainErrorMiddleware:
    """Turns NotFound and PermissionDenied raised by a page view into Django's 404 and 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, PermissionDenied):
            raise DjangoPermissionDenied(str(exception)) from exception
