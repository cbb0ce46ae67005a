"""gunicorn settings for the Vetted web process (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Every value can be changed from the environment; docs/deploy.md explains the choices.
"""

import multiprocessing
import os

bind = os.environ.get("VETTED_BIND", "127.0.0.1:8000")
# Each worker process holds its own copy of the FAISS index (and of CLIP when aesthetic search
# embeds query images), so workers cost memory: 2 per core at most, threads for I/O waits.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = int(os.environ.get("WEB_TIMEOUT", 60))  # an upload or a text query embedding may take seconds
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak (or a big query result) never accumulates; rarely,
# as a new worker rebuilds what it keeps per catalogue version (the discovery columns: seconds at
# 100k creators, half a minute at 1M) and answers from the database meanwhile.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 50_000))
max_requests_jitter = 5_000
# No preload: torch and FAISS thread pools do not survive fork() well; each worker imports itself.
preload_app = False
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
