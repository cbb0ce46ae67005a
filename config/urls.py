"""Top-level URLs: the web UI at /, the API at /api/, the admin at /admin/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include(("api.urls", "api"), namespace="api")),
    path("", include(("frontend.urls", "frontend"), namespace="frontend")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
