"""Production settings: the base settings plus the checks and hardening a deployment needs.

Refuses to start without a real SECRET_KEY (not a placeholder, at least 50 characters), with DEBUG
on, or without ALLOWED_HOSTS. HTTPS is required by default: HTTP is redirected to HTTPS and HSTS
is sent (PROXY_ENFORCES_HTTPS=1 leaves both to a TLS-terminating proxy that does them). Static files
are served by whitenoise (hashed names, compressed, cached forever); media from the filesystem
(MEDIA_ROOT; nginx or SERVE_MEDIA) or, when AWS_STORAGE_BUCKET_NAME is set, from S3-compatible
object storage through django-storages. `manage.py check --deploy` warns about engines that do
not suit several processes (SQLite, no broker, per-process cache). docs/deploy.md walks through a
deployment and lists every variable.
"""

from urllib.parse import urlsplit

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import (
    CACHE_URL,
    CACHES,
    CELERY_BROKER_URL,
    CONTENT_SECURITY_POLICY,
    DATABASES,
    DEV_SECRET_KEY,
    SECRET_KEY,
    SQLITE_ENGINE,
    STORAGES,
)

# Keys no deployment may run with: the development default, the placeholders of .env.example and
# the docs, and anything short or repetitive (what Django's check --deploy calls weak).
PLACEHOLDER_SECRET_KEYS = frozenset({DEV_SECRET_KEY, "change-me-to-a-long-random-string-of-at-least-50-characters"})


def _weak_secret_key(key: str) -> bool:
    return (
        key in PLACEHOLDER_SECRET_KEYS
        or key.lower().startswith(("change-me", "django-insecure", "insecure-"))
        or len(key) < 50
        or len(set(key)) < 5
    )


if _weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters in production, not the "
        "placeholder of .env.example (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this deployment serves.")

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only, by default: Django redirects HTTP to HTTPS and sends HSTS for a year. Behind a
# TLS-terminating proxy (or load balancer) that already redirects and sends HSTS itself, set
# PROXY_ENFORCES_HTTPS=1: Django then does neither, and check --deploy is told why.
PROXY_ENFORCES_HTTPS = env_bool("PROXY_ENFORCES_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not PROXY_ENFORCES_HTTPS)
# The health check is asked for over plain HTTP by load balancers and `curl http://127.0.0.1:8000`.
SECURE_REDIRECT_EXEMPT = [r"^api/health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if PROXY_ENFORCES_HTTPS else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits every subdomain to HTTPS in browsers for months: opt in, never by default.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]  # preload: a deliberate opt-in
if PROXY_ENFORCES_HTTPS:
    # The proxy redirects to HTTPS and sends HSTS (docs/deploy.md, section 7).
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008"]

if CACHE_URL and CACHE_URL.rstrip("/") == CELERY_BROKER_URL.rstrip("/"):
    # The cache is emptied after a Redis outage (core/caching/backend.py): it must never hold the job queue.
    raise ImproperlyConfigured("CACHE_URL must name another Redis database than CELERY_BROKER_URL (e.g. /1 and /0).")

# Persistent connections (DB_CONN_MAX_AGE) are checked before reuse, so a database restart costs
# one reconnect instead of one failed request per process.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Single host without a reverse proxy for /media/: let Django serve the public media folders
# (catalogue images and avatars; never mood boards or exports, which have authenticated views).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # Media on S3-compatible object storage (django-storages), e.g. for several web hosts.
    # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment (boto3 reads them)
    # or the host's instance role.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None  # MinIO, Ceph, R2...: their URL
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN") or None  # a CDN in front of the bucket
    AWS_LOCATION = env_str("AWS_LOCATION", "media")  # key prefix inside the bucket
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", True)  # signed, expiring URLs: the bucket stays private
    AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 3600)
    AWS_S3_FILE_OVERWRITE = False  # images are named by content hash; never replace another file
    AWS_DEFAULT_ACL = None
    SERVE_MEDIA = False
    # Catalogue images come from the bucket (or its CDN): the pages may show them.
    if AWS_S3_CUSTOM_DOMAIN:
        _media_origin = f"https://{AWS_S3_CUSTOM_DOMAIN}"
    elif AWS_S3_ENDPOINT_URL:
        _media_origin = "{0.scheme}://{0.netloc}".format(urlsplit(AWS_S3_ENDPOINT_URL))
    else:
        _media_origin = "https://*.amazonaws.com"
    CONTENT_SECURITY_POLICY = {
        **CONTENT_SECURITY_POLICY,
        "img-src": [*CONTENT_SECURITY_POLICY["img-src"], _media_origin],
    }


@checks.register(deploy=True)
def _engines_for_several_processes(app_configs, **kwargs):  # noqa: ANN001, ANN202
    """`check --deploy`: say which defaults of a one-process setup are still in use."""
    warnings = []
    if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
        warnings.append(
            checks.Warning(
                "DATABASE_URL is not set: the database is a SQLite file.",
                hint="Use PostgreSQL (DATABASE_URL=postgres://...) for several web and worker processes.",
                id="vetted.W001",
            )
        )
    if not CELERY_BROKER_URL:
        warnings.append(
            checks.Warning(
                "CELERY_BROKER_URL is not set: jobs (imports, embedding, exports) run inside web requests.",
                hint="Set CELERY_BROKER_URL=redis://... and run the Celery workers (docs/deploy.md).",
                id="vetted.W002",
            )
        )
    if "locmem" in CACHES["default"]["BACKEND"].lower():
        warnings.append(
            checks.Warning(
                "CACHE_URL is not set: each process keeps its own cache, so API rate limits apply per process.",
                hint="Set CACHE_URL=redis://.../1 (another Redis database than the broker's).",
                id="vetted.W003",
            )
        )
    return warnings
