"""The project's URLs plus the public media route, for the browser tests' live server (the project
serves /media/ only with DEBUG or SERVE_MEDIA, and tests run with DEBUG off). Only the public
catalogue images, as on the default run and in production: mood boards and exports must work
through their authorised views."""

from django.urls import re_path

from config.urls import public_media
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    re_path(r"^media/(?P<path>.+)$", public_media),
]
