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
# every few requests, each walking ~200k start-up objects (a warm matching request in-process
# measured 18 ms of CPU before, 10 ms after).
get_resolver().url_patterns  # noqa: B018 - imports every view now, so that it is frozen too
gc.freeze()
# A page's objects are alive while up to WEB_THREADS requests of the process are in flight, so
# at CPython's default thresholds (700, 10, 10) young collections promoted them by the thousand
# and a full collection, walking every memo and kept row, ran every few requests. Young
# collections every 50,000 objects and a full one after 100 middle ones: at 20 clients on 2
# cores, 16.3 -> 8.1 ms of server CPU per request and 78 -> 102 requests/s
# (docs/scale-performance.md, "Fast without the cache").
# Cyclic garbage is still collected, mostly young, where request objects die.
gc.set_threshold(50_000, 20, 100)
