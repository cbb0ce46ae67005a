"""Settings for every environment, read from the environment with defaults that run locally.

Local defaults: a SQLite file under `var/`, Celery tasks executed eagerly in-process, media
under `var/media`. Set `DATABASE_URL` (PostgreSQL) and `CELERY_BROKER_URL` (Redis) for the
production engines; `config.settings.production` adds the checks a deployment needs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VETTED_VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "insecure-dev-key-only-for-local-use-never-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally, so /api/docs/ works offline
    "core",
    "influencers",
    "vision",
    "vetting",
    "api",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.ApiGZipMiddleware",  # /api/ answers only (not secret-bearing ones)
    "api.middleware.ApiConventionsMiddleware",  # versioning, ETag, RateLimit-*, CORS (api/middleware.py)
    "core.middleware.ContentSecurityPolicyMiddleware",  # CONTENT_SECURITY_POLICY on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "frontend.middleware.DomainErrorMiddleware",  # NotFound/PermissionDenied from page views: 404/403
]

# No inline script anywhere (core/middleware.py): behaviour is in static files. Images may be
# data:/blob: URLs (upload previews); production adds the object store's origin (S3 media).
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.vetted_ui",  # organisation, role, demo-data banner
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "vetted.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
}
# Django's SQLite backend whose transactions wait for the write lock in short steps (its
# module docstring says why).
SQLITE_ENGINE = "core.backends.sqlite3"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
    # A fresh checkout has no var/ yet, and SQLite does not create missing folders.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets a local Celery worker write while the web process reads; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions. mmap: each request opens a
    # new connection (an empty page cache), and reading the file's pages in place instead of
    # copying them in halves the row-by-row reads of discovery's walks (keyword search: 120 →
    # 65 ms for a page of a common Chinese word at 100k creators).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=1073741824;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("POSTGRES_JIT", False):
    # PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost, for 0.2-1 s,
    # before running it; the app's queries run in milliseconds to a few hundred, so it only ever
    # added that time (the import follow-up's evidence read: ~0.3 s per chunk on a freshly
    # imported catalogue, the 1M brand-safety search ~1 s; docs/deploy.md, "JIT").
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    db_options["options"] = f"{db_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:discovery"
LOGOUT_REDIRECT_URL = "frontend:login"
# Brute-force protection of /login/ and /admin/login/ (core/services/login_guard.py): failures per
# account name and per address within the window lock further attempts out until the window passes.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
PASSWORD_RESETS_PER_IP = env_int("PASSWORD_RESETS_PER_IP", 5)  # reset emails an address may ask for per window
LOGIN_AUDIT_DAYS = env_int("LOGIN_AUDIT_DAYS", 90)  # sign-in attempts are kept this long
# Reverse proxies in front of Django that append to X-Forwarded-For (1 behind the bundled nginx):
# the client address the lock-out counts is taken that many entries from the right.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# One catalogue for every app: `makemessages` run from the repository root writes the strings of
# core, influencers, vision, vetting and frontend into it (docs/frontend.md, "Translations").
LOCALE_PATHS = [BASE_DIR / "frontend" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Django itself serves the public catalogue images (config/urls.py) with DEBUG off too: the default
# run (scripts/run.sh) and one host without a proxy for /media/.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Private files (mood boards, exports) are sent only by views that check who asks: by Django
# ("django"), or handed to the web server after the check ("nginx": X-Accel-Redirect to the
# internal location PRIVATE_MEDIA_INTERNAL_URL; "apache": X-Sendfile). docs/deploy.md, section 7.
PRIVATE_MEDIA_SERVER = env_str("PRIVATE_MEDIA_SERVER", "django")
if PRIVATE_MEDIA_SERVER not in ("django", "nginx", "apache"):
    raise ImproperlyConfigured("PRIVATE_MEDIA_SERVER must be django, nginx or apache")
PRIVATE_MEDIA_INTERNAL_URL = env_str("PRIVATE_MEDIA_INTERNAL_URL", "/_private_media/")
# Uploads (mood boards, aesthetic-search images, import files) are refused above these limits.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
# Uploads kept between requests (import files between the dry run and the import, search-by-look
# images while a session pages through them) live here, one private folder each, and are deleted
# by the hourly `clean-upload-folders` beat entry (or `manage.py clean_uploads`) after this many hours.
UPLOAD_TEMP_DIR = Path(env_str("UPLOAD_TEMP_DIR", str(VAR_DIR / "uploads")))
UPLOAD_TEMP_MAX_AGE_HOURS = env_int("UPLOAD_TEMP_MAX_AGE_HOURS", 24)

# --- Cache ----------------------------------------------------------------------------------
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        # Fails open: with Redis down, throttle counters miss instead of every request failing.
        {"BACKEND": "core.caching.backend.FailOpenRedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vetted"}
    )
}
# Discovery and matching responses cached per organisation and data version (never stale, see
# core/caching/versions.py). On by default only with a cache shared by every
# process (CACHE_URL); 0 turns it off.
API_RESPONSE_CACHE_SECONDS = env_int("API_RESPONSE_CACHE_SECONDS", 300 if CACHE_URL else 0)
# Per-process memos of values computed from the data at its shared versions (core/caching/memo.py:
# a brand's candidate features, the catalogue IDF), whether or not responses are cached. Unset:
# on with CACHE_URL or response caching (core.caching.versions.data_memo_enabled).
DATA_MEMO = env_bool("DATA_MEMO") if "DATA_MEMO" in os.environ else None
# CPU-heavy requests (brand rankings) computing at once per web process; the others wait their turn
# (core/services/cpu_share.py), so cheap requests are not slowed by them (docs/deploy.md: 1 gave
# the lowest p95s at 20 clients); 0: no limit.
HEAVY_REQUESTS_PER_PROCESS = env_int("HEAVY_REQUESTS_PER_PROCESS", 1)
# Worker processes the catalogue's follow-ups (search text, metrics, vetting) are split over when
# at least FOLLOW_UP_PARALLEL_MIN_ACCOUNTS accounts changed (influencers/follow_ups.py,
# core/parallel.py): the CPU count, at most 4; 1 runs them in the importing process.
FOLLOW_UP_PROCESSES = env_int("FOLLOW_UP_PROCESSES", min(os.cpu_count() or 1, 4))
FOLLOW_UP_PARALLEL_MIN_ACCOUNTS = env_int("FOLLOW_UP_PARALLEL_MIN_ACCOUNTS", 1000)
# Brands whose hits of their exclusion rules in recent posts are searched and stored after each
# catalogue change and each midnight (vetting.services.brand_safety.warm_brand_safety), the most
# recently edited first, so a marketer's first ranking does not search the posts; 0: none.
SAFETY_WARM_MAX_BRANDS = env_int("SAFETY_WARM_MAX_BRANDS", 50)
# Token and membership lookups memoised per process at the shared "access" version (core/caching/access.py):
# needs the shared cache like response caching; bounds writes made outside Django; 0 turns it off.
API_ACCESS_MEMO_SECONDS = env_int("API_ACCESS_MEMO_SECONDS", 30 if CACHE_URL else 0)

# Ranking features as a memory-mapped columnar snapshot per catalogue version (vetting/features):
# needs the shared cache's data version like response caching (a write in another process must
# reach this one), so on by default only with CACHE_URL.
RANKING_FEATURE_SNAPSHOT = env_bool("RANKING_FEATURE_SNAPSHOT", bool(CACHE_URL))
RANKING_FEATURES_DIR = Path(env_str("RANKING_FEATURES_DIR", str(VAR_DIR / "ranking-features")))
# Uncached discovery answered from columns in each process's memory per catalogue version
# (influencers/selectors/discovery_columns.py), for the same reason on only with CACHE_URL.
DISCOVERY_COLUMNS = env_bool("DISCOVERY_COLUMNS", bool(CACHE_URL))

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# Without a broker every task runs in-process, so the platform works with nothing else installed.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 55 * 60)
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for another worker
# A running task goes on through a broker outage (its job row records the outcome); Celery 6 will
# default to cancelling it on connection loss. The tests in tests/core/test_faults_broker_restart.py.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# PENDING jobs whose message the broker no longer holds after this long are sent again
# (core.services.jobs.jobs_recover_lost, every 5 minutes by beat).
JOB_RECOVER_AFTER_SECONDS = env_int("JOB_RECOVER_AFTER_SECONDS", 600)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a message no worker acknowledged (its worker was killed) after this many
# seconds; it must exceed the longest task. Tests that kill workers set it short.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Sweep for such messages every interval seconds (kombu's default sweep is 100 s).
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 2)),
    "unacked_restore_throttle": 1,
    # A broker that does not answer makes job submission fail fast (API 503), not hang.
    "socket_connect_timeout": env_int("CELERY_BROKER_CONNECT_TIMEOUT", 3),
    # ...and one that accepts connections but never answers (hung, half-open) too.
    "socket_timeout": env_int("CELERY_BROKER_SOCKET_TIMEOUT", 10),
}
# Jobs name their queue when enqueued ("heavy" for embedding, index builds and exports: the app
# owning a job kind registers it, see core/services/jobs.py); every other task goes to "default".
CELERY_TASK_DEFAULT_QUEUE = "default"

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.MemoisedTokenAuthentication",
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.VettedAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "api.exception_handlers.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.WindowedUserRateThrottle"],  # one Redis round trip
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_THROTTLE_USER", "6000/min")},
    # Bodies are JSON; upload endpoints (and PATCH, for form clients) name their parsers themselves,
    # so the schema declares one content type per body (api/schema.py) and clients generate cleanly.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    # JSON written by orjson (core/renderers.py), then the browsable API.
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.FastJSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Origins (scheme://host[:port]) whose browser scripts may call the API; none by default (CORS off).
API_CORS_ALLOWED_ORIGINS = env_list("API_CORS_ALLOWED_ORIGINS", [])
# Searches by look per user, web UI and API together (each embeds its query images: CPU).
AESTHETIC_SEARCH_RATE = env_str("AESTHETIC_SEARCH_RATE", "60/min")
# Brand rankings one user may have running at once (web UI and API together): more wait for a
# "busy, try again" (429) so that one user's burst of uncached rankings cannot starve the others.
MATCHING_CONCURRENCY_PER_USER = env_int("MATCHING_CONCURRENCY_PER_USER", 2)
SPECTACULAR_SETTINGS = {
    "TITLE": "Vetted API",
    "DESCRIPTION": "Influencer discovery and vetting: catalogue, aesthetic search, scores, shortlists.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Our <id:...> path converter (positive bigint) is an integer in the schema.
    "PATH_CONVERTER_OVERRIDES": {"id": int},
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema describes /api/v1/ only; the deprecated /api/ alias answers the same operations.
    "PREPROCESSING_HOOKS": ["api.schema.current_version_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_organization_header",
        "api.schema.add_error_responses",
        "api.schema.add_enum_varnames",
        "api.schema.simplify_blank_strings",
        "api.schema.add_links",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PlatformEnum": "influencers.models.catalogue.Platform.choices",
        "EntryStatusEnum": "vetting.models.shortlists.EntryStatus.choices",
        "JobStatusEnum": "core.models.jobs.JobStatus.choices",
        "JobKindEnum": "core.models.jobs.JobKind.choices",
        "RuleKindEnum": "vetting.models.monitoring.RuleKind.choices",
        "SeverityEnum": "vetting.models.monitoring.Severity.choices",
        "AlertStatusEnum": "vetting.models.monitoring.AlertStatus.choices",
        "DeliveryStatusEnum": "vetting.models.monitoring.DeliveryStatus.choices",
    },
}

# --- Vision ---------------------------------------------------------------------------------
# VISION_EMBEDDER: "style" (weight-free colour/texture descriptor), "clip" (open_clip), or
# "auto" (CLIP when its weights are available locally, otherwise the style descriptor).
VISION_EMBEDDER = env_str("VISION_EMBEDDER", "auto")
VISION_MODEL = env_str("VISION_MODEL", "ViT-B-32")
VISION_PRETRAINED = env_str("VISION_PRETRAINED", "")
VISION_INDEX_DIR = Path(env_str("VISION_INDEX_DIR", str(VAR_DIR / "index")))
# Shards of each embedder's index (asset_id % S); > 1 only for catalogues one index cannot serve.
# Changing it needs `build_index` (the old layout is left on disk): docs/deploy.md "Past one index".
VISION_INDEX_SHARDS = env_int("VISION_INDEX_SHARDS", 1)
VISION_BATCH_SIZE = env_int("VISION_BATCH_SIZE", 32)
VISION_TORCH_THREADS = env_int("VISION_TORCH_THREADS", 0)  # 0: torch's default
# JPEGs are decoded at the smallest DCT scale keeping both sides ≥ this × the model's input (1:
# a 1080 px photo at 270 px for ViT-B-32; 2, the preprocessing before 2026-12-06: at 540 px).
# Part of the CLIP embedder id: changing it re-embeds the catalogue (docs/vision.md).
VISION_JPEG_DECODE_FACTOR = env_int("VISION_JPEG_DECODE_FACTOR", 1)

# --- Connectors -----------------------------------------------------------------------------
YOUTUBE_API_KEY = env_str("YOUTUBE_API_KEY", "")
INSTAGRAM_ACCESS_TOKEN = env_str("INSTAGRAM_ACCESS_TOKEN", "")
INSTAGRAM_BUSINESS_ACCOUNT_ID = env_str("INSTAGRAM_BUSINESS_ACCOUNT_ID", "")
INSTAGRAM_GRAPH_API_VERSION = env_str("INSTAGRAM_GRAPH_API_VERSION", "v25.0")
# Most YouTube quota units one refresh run may spend (the default project quota is 10,000/day).
YOUTUBE_QUOTA_BUDGET = env_int("YOUTUBE_QUOTA_BUDGET", 9_000)

# --- Tenancy --------------------------------------------------------------------------------
# Members of this organisation (with the editor or owner role) may edit the shared catalogue.
ADMIN_ORGANIZATION_NAME = env_str("ADMIN_ORGANIZATION_NAME", "Vetted Admin")

# Alert emails and password-reset links. The console backend (default) prints them; a deployment
# sets the SMTP backend (django.core.mail.backends.smtp.EmailBackend) and its server.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "vetted@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# --- Metrics (docs/metrics.md) ---------------------------------------------------------------
# An account's data is stale when its newest post/snapshot is older than this many days (the
# 90-day engagement window: older data no longer describes the account's last quarter).
METRICS_STALE_AFTER_DAYS = env_int("METRICS_STALE_AFTER_DAYS", 90)

# --- Monitoring (docs/monitoring.md) -------------------------------------------------------
# Rate table behind price/reach estimates; empty = the bundled vetting/monitoring/data/rate_table.json.
MONITORING_RATE_TABLE = env_str("MONITORING_RATE_TABLE", "")
# Webhook retries: wait base × 2^(n−1) seconds after failed attempt n (capped), at most MAX_ATTEMPTS tries.
MONITORING_WEBHOOK_MAX_ATTEMPTS = env_int("MONITORING_WEBHOOK_MAX_ATTEMPTS", 5)
MONITORING_WEBHOOK_BACKOFF_SECONDS = env_int("MONITORING_WEBHOOK_BACKOFF_SECONDS", 30)
MONITORING_WEBHOOK_BACKOFF_MAX_SECONDS = env_int("MONITORING_WEBHOOK_BACKOFF_MAX_SECONDS", 3600)
# One attempt in all (connect, send, read the answer) takes at most this long.
MONITORING_WEBHOOK_TIMEOUT_SECONDS = env_int("MONITORING_WEBHOOK_TIMEOUT_SECONDS", 10)
# Webhooks go to public addresses only; these hosts, addresses or networks (CIDR) are allowed even
# when loopback or private, e.g. a receiver on the LAN: "hooks.lan,10.20.0.0/16" (docs/monitoring.md).
MONITORING_WEBHOOK_ALLOWED_HOSTS = env_list("MONITORING_WEBHOOK_ALLOWED_HOSTS", [])
# Without a Celery worker (eager mode) retries run in-process; each wait is capped at this many seconds.
MONITORING_WEBHOOK_EAGER_SLEEP_CAP = env_int("MONITORING_WEBHOOK_EAGER_SLEEP_CAP", 2)
# ...in a background thread, never inside the web request, for at most this many seconds in all.
MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS = env_int("MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS", 60)
# Without a worker, slow outgoing work (alert emails, webhooks) runs in a background thread; off in
# the test settings, which run it inline so tests see its effects.
BACKGROUND_THREADS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
