"""HTTP conventions of every /api/ answer, in one place (docs/api.md):

- `/api/v1/` is the API; the older `/api/` paths answer the same with `Deprecation: true`, a
  `Sunset` date and a `Link` to their /api/v1/ successor.
- GET answers carry an `ETag`; `If-None-Match` with it answers 304 without a body.
- Answers are gzipped for clients that accept it, except secret-bearing ones (`no-store`: no
  compression oracle next to a secret).
- `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` from the user's throttle.
- CORS for the origins in API_CORS_ALLOWED_ORIGINS (none by default: off)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

CURRENT_PREFIX = "/api/v1/"
LEGACY_PREFIX = "/api/"
# The alias is kept for one release (docs/api.md, Versioning).
LEGACY_SUNSET = "Sat, 01 May 2027 00:00:00 GMT"
EXPOSED_HEADERS = (
    "Location, ETag, Deprecation, Sunset, Link, Idempotent-Replayed, Retry-After, "
    "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
)
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-None-Match, X-Organization, Accept-Language"


def is_api(path: str) -> bool:
    return path.startswith(LEGACY_PREFIX)


def is_legacy(path: str) -> bool:
    return is_api(path) and not path.startswith(CURRENT_PREFIX)


def successor(path: str) -> str:
    return CURRENT_PREFIX + path[len(LEGACY_PREFIX) :]


class ApiConventionsMiddleware:
    """Deprecation, conditional GET, rate-limit headers and CORS on /api/ answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_api(request.path):
            return self.get_response(request)
        origin = request.headers.get("Origin", "")
        cors = bool(origin) and origin in getattr(settings, "API_CORS_ALLOWED_ORIGINS", [])
        if cors and request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            response: HttpResponseBase = HttpResponse(status=204)
        else:
            response = self.get_response(request)
            response = self._conditional(request, response)
        if is_legacy(request.path):
            response["Deprecation"] = "true"
            response["Sunset"] = LEGACY_SUNSET
            response["Link"] = f'<{successor(request.path)}>; rel="successor-version"'
        for name, value in getattr(request, "rate_limit_headers", {}).items():
            response[name] = value
        if cors:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            response["Access-Control-Max-Age"] = "600"
            patch_vary_headers(response, ("Origin",))
        return response

    def _conditional(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # Only an HttpResponse has a body to tag: a streaming one (a file) is sent as it is.
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not isinstance(response, HttpResponse)
        ):
            return response
        if "no-store" in response.get("Cache-Control", ""):
            return response
        set_response_etag(response)
        patch_vary_headers(response, ("Authorization", "X-Organization", "Accept-Language"))
        return get_conditional_response(request, etag=response["ETag"], response=response) or response


class ApiGZipMiddleware(GZipMiddleware):
    """Django's gzip, for /api/ answers only, and never for a secret-bearing (no-store) one."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not is_api(request.path) or "no-store" in response.get("Cache-Control", ""):
            return response
        return super().process_response(request, response)
