"""Settings for the test suite: the base settings with throwaway media/index folders, fast
password hashing, and Celery eager (tests that need a real worker start one themselves)."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, SQLITE_ENGINE

_tmp = Path(tempfile.mkdtemp(prefix="vetted-test-"))
MEDIA_ROOT = _tmp / "media"
VISION_INDEX_DIR = _tmp / "index"
RANKING_FEATURES_DIR = _tmp / "ranking-features"
STATIC_ROOT = _tmp / "static"
UPLOAD_TEMP_DIR = _tmp / "uploads"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
VISION_EMBEDDER = "style"
BACKGROUND_THREADS = False  # work sent outside the request in eager mode runs inline in tests
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    DATABASES["default"]["NAME"] = str(_tmp / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
