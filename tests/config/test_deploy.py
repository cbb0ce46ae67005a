"""The deployment kit: production settings (S3 media, deploy checks, SERVE_MEDIA), the process
files, heavy-job routing, and docs/deploy.md naming every environment variable that is read."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import clear_url_caches

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "kV3-9xQ_" * 7,
    "ALLOWED_HOSTS": "testserver",
}
_ENV_READ = re.compile(r"""(?:env_(?:str|int|bool|list)|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with only the given Vetted variables (others removed)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "CACHE_URL", "AWS_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_deploy_doc_names_every_environment_variable_the_code_reads():
    sources = [*sorted((ROOT / "config").rglob("*.py")), ROOT / "deploy/gunicorn.conf.py"]
    read = {name for path in sources for name in _ENV_READ.findall(path.read_text())}
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "WEB_CONCURRENCY"} <= read  # the scan finds them
    doc = (ROOT / "docs/deploy.md").read_text()
    missing = sorted(name for name in read if f"`{name}`" not in doc)
    assert not missing, f"docs/deploy.md does not document: {missing}"


def test_env_example_names_every_environment_variable_the_code_reads():
    sources = [*sorted((ROOT / "config").rglob("*.py")), ROOT / "deploy/gunicorn.conf.py"]
    read = {name for path in sources for name in _ENV_READ.findall(path.read_text())}
    example = (ROOT / ".env.example").read_text()
    missing = sorted(name for name in read if not re.search(rf"^(# )?{name}=", example, re.MULTILINE))
    assert not missing, f".env.example does not list: {missing}"


def test_process_files_run_both_queues_and_beat():
    from django.conf import settings

    from core.models import JobKind
    from core.services.jobs import job_kind_registration

    routed = {job_kind_registration(kind).queue for kind in JobKind} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    procfile = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if re.match(r"^[a-z]+:", line)
    )
    assert set(procfile) == {"web", "worker", "heavy", "beat"}
    queues = {re.search(r"-Q (\S+)", procfile[name]).group(1) for name in ("worker", "heavy")}
    assert queues == routed == {"default", "heavy"}
    assert "deploy/gunicorn.conf.py" in procfile["web"] and (ROOT / "deploy/gunicorn.conf.py").is_file()
    target = (ROOT / "deploy/systemd/vetted.target").read_text()
    for queue in routed:
        assert f"vetted-worker@{queue}.service" in target
    assert "vetted-beat.service" in target and "vetted-web.service" in target


def test_gunicorn_config_loads():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "WEB_CONCURRENCY": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_production_puts_media_on_s3_when_a_bucket_is_set():
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, s.bucket_name, s.url('assets/a.jpg'))\n"
    )
    result = _run(
        code,
        **PRODUCTION,
        AWS_STORAGE_BUCKET_NAME="vetted-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test-secret",
        AWS_S3_REGION_NAME="us-east-1",
    )
    assert result.returncode == 0, result.stderr
    kind, bucket, url = result.stdout.split()
    assert (kind, bucket) == ("S3Storage", "vetted-media")
    # Signed (private bucket), on the configured endpoint, under the media/ prefix.
    assert url.startswith("http://127.0.0.1:9000/vetted-media/media/assets/a.jpg?") and "Signature" in url


def test_production_media_stays_on_the_filesystem_without_a_bucket():
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "print(type(storages['default']).__name__)"
    )
    result = _run(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FileSystemStorage"


def test_production_refuses_a_cache_sharing_the_brokers_redis_database():
    # The cache is emptied after a Redis outage; on the broker's database that would drop jobs.
    same = _run(
        "import config.settings.production",
        **PRODUCTION,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    assert same.returncode != 0 and "CACHE_URL must name another Redis database" in same.stderr
    apart = _run(
        "import config.settings.production",
        **PRODUCTION,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert apart.returncode == 0, apart.stderr


@pytest.mark.slow
def test_check_deploy_names_the_single_process_defaults_still_in_use():
    bare = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            k: v
            for k, v in {**os.environ, **PRODUCTION}.items()
            if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}
        },
    )
    for warning in ("vetted.W001", "vetted.W002", "vetted.W003"):
        assert warning in bare.stderr + bare.stdout, bare.stderr
    configured = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            **PRODUCTION,
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
    )
    assert "vetted.W00" not in configured.stderr + configured.stdout


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "CACHE_URL", "AWS_"))}
    clean = {k: v for k, v in clean.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "PROXY_", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


# A deployment's environment as docs/deploy.md (section 4) writes it, with real URLs.
REALISTIC = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "gH7kP2vQ9xL4mN8rT1wY6zB3cD5fJ0sA-_eU8iO2pK7qV4nX9bM1",
    "ALLOWED_HOSTS": "vetted.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://vetted.example.com",
    "DATABASE_URL": "postgres://vetted:secret@db.internal:5432/vetted",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "TRUSTED_PROXY_COUNT": "1",
    "PRIVATE_MEDIA_SERVER": "nginx",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.com",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "extra",
    [{}, {"PROXY_ENFORCES_HTTPS": "1"}, {"SECURE_HSTS_PRELOAD": "1"}],
    ids=["default", "behind a proxy enforcing HTTPS", "HSTS preload"],
)
def test_check_deploy_on_production_settings_with_real_urls_shows_no_warning(extra):
    result = _check_deploy(**REALISTIC, **extra)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


@pytest.mark.slow
def test_check_deploy_still_warns_when_https_is_switched_off_by_hand():
    result = _check_deploy(**REALISTIC, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "security.W004" in output and "security.W008" in output


def test_production_urls_serve_no_private_media():
    code = (
        "import django; django.setup()\n"
        "from django.urls import resolve, Resolver404\n"
        "for path in ('/media/exports/1/export-1.csv', '/media/moodboards/2026/01/a.png', '/media/assets/a.jpg'):\n"
        "    try:\n"
        "        resolve(path); print('served', path)\n"
        "    except Resolver404:\n"
        "        print('404', path)\n"
    )
    plain = _run(code, **PRODUCTION)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split("\n")[:3] == [
        "404 /media/exports/1/export-1.csv",
        "404 /media/moodboards/2026/01/a.png",
    ] + ["404 /media/assets/a.jpg"]
    # SERVE_MEDIA routes /media/ to the view that serves only assets/ and avatars/ (checked by
    # test_serve_media_serves_only_the_public_folders and tests/frontend/test_private_media.py).
    served = _run(code, **PRODUCTION, SERVE_MEDIA="1")
    assert "served /media/assets/a.jpg" in served.stdout, served.stderr


@pytest.fixture
def media_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for folder in ("assets/2026/01", "avatars", "moodboards/2026/01", "exports/1"):
        (settings.MEDIA_ROOT / folder).mkdir(parents=True)
        (settings.MEDIA_ROOT / folder / "f.jpg").write_bytes(b"\xff\xd8\xff" + folder.encode())


def _urlconf_with(settings, *, serve_media: bool) -> None:
    import config.urls

    settings.DEBUG = False
    settings.SERVE_MEDIA = serve_media
    importlib.reload(config.urls)  # the media route is decided when the URLconf is loaded
    clear_url_caches()


MEDIA_PATHS = [
    "assets/2026/01/f.jpg",
    "avatars/f.jpg",
    "moodboards/2026/01/f.jpg",
    "exports/1/f.jpg",
    "assets/../moodboards/2026/01/f.jpg",
    "assets/%2e%2e/exports/1/f.jpg",
]


@pytest.mark.django_db
def test_serve_media_serves_only_the_public_folders(settings, media_files, client):
    _urlconf_with(settings, serve_media=True)
    try:
        served = {path: client.get(f"/media/{path}").status_code for path in MEDIA_PATHS}
    finally:
        _urlconf_with(settings, serve_media=False)
    assert served == dict(zip(MEDIA_PATHS, [200, 200, 404, 404, 404, 404], strict=True))
    assert {path: client.get(f"/media/{path}").status_code for path in MEDIA_PATHS[:2]} == dict.fromkeys(
        MEDIA_PATHS[:2], 404
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_heavy_jobs_are_queued_on_the_heavy_queue(real_broker):
    from config.celery import app
    from core.models import JobKind
    from core.services.jobs import job_create, job_enqueue

    job_enqueue(job_create(kind=JobKind.EXPORT))
    job_enqueue(job_create(kind=JobKind.IMPORT))
    job_enqueue(job_create(kind=JobKind.EMBED))
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        waiting = {queue: client.llen(queue) for queue in ("default", "heavy")}
    assert waiting == {"default": 1, "heavy": 2}
