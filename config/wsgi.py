"""WSGI entry point (gunicorn config.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

# What start-up loads (Django, the apps, the URLconf with every view and serializer) lives as long
# as the process. Frozen out of the garbage collector's generations, it is no longer traversed by
# every full collection: a request allocating a ranking page's thousands of objects set one off
# every few requests, each walking ~200k start-up objects (a warm matching request measured
# 18 ms of CPU before, 10 ms after; docs/deploy.md).
get_resolver().url_patterns  # noqa: B018 - imports every view now, so that it is frozen too
gc.freeze()
