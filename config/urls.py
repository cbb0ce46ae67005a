"""Top-level URLs: the web UI at /, the API at /api/v1/ (and /api/, deprecated), the admin at /admin/."""

import posixpath

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views import defaults
from django.views.static import serve

from api.exception_handlers import json_server_error
from frontend.forms_auth import AdminLoginForm

PUBLIC_MEDIA_FOLDERS = ("assets/", "avatars/")


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """/media/ on the default run (DEBUG) and with SERVE_MEDIA (production on one host without a
    proxy for /media/, docs/deploy.md): only the public catalogue images, which every member
    sees. Mood boards and exports live under MEDIA_ROOT too but are organisation-private, sent
    only by views that check who asks; the path is normalised first, so `assets/../` cannot
    reach them."""
    clean = posixpath.normpath(path).lstrip("/")
    if not clean.startswith(PUBLIC_MEDIA_FOLDERS):
        raise Http404("not a public media file")
    return serve(request, clean, document_root=str(settings.MEDIA_ROOT))


def server_error(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """A 500 under /api/ is JSON in the API's error shape; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return json_server_error(request)
    return defaults.server_error(request)


handler500 = server_error

# The admin's sign-in has the web UI's lock-out (frontend.forms_auth, core.services.login_guard).
admin.site.login_form = AdminLoginForm

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # /api/v1/ is the API; /api/ is its deprecated alias for one release (api/middleware.py).
    path("api/v1/", include(("api.urls", "api"), namespace="api")),
    path("api/", include(("api.urls", "api"), namespace="api-legacy")),
    path("", include(("frontend.urls", "frontend"), namespace="frontend")),
]
if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # Never all of MEDIA_ROOT, not even on the default run: exports and mood boards are in it.
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", public_media, name="public-media")]
