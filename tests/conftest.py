"""Shared fixtures. Real-service markers skip with a clear reason when the service is absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_broker = bool(os.environ.get("CELERY_BROKER_URL"))
    for item in items:
        if "sqlite_only" in item.keywords and on_postgres:
            item.add_marker(pytest.mark.skip(reason="runs on the SQLite defaults only"))
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL (.ci/run sets it)"))
        if "celery_worker" in item.keywords and not has_broker:
            item.add_marker(pytest.mark.skip(reason="needs CELERY_BROKER_URL pointing at Redis (.ci/run sets it)"))


# Test hosts under the reserved example domains resolve to a public address (the suite runs
# offline); nothing else is faked. Connections may only go to loopback receivers a test starts.
EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")
EXAMPLE_ADDRESS = "93.184.215.14"


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch):
    """No test reaches the network: example domains resolve to a public address but connecting
    to any address that is not loopback fails at once (as it would offline)."""
    import errno
    import ipaddress

    from core.services import outbound

    real_resolve, real_open = outbound.resolve_host, outbound.open_socket

    def resolve(host: str, port: int) -> list[str]:
        if host.endswith(EXAMPLE_DOMAINS):
            return [EXAMPLE_ADDRESS]
        return real_resolve(host, port)

    def open_socket(address: str, port: int, timeout: float):
        if not ipaddress.ip_address(address).is_loopback:
            raise OSError(errno.ENETUNREACH, "Network is unreachable (tests make no outbound connections)")
        return real_open(address, port, timeout)

    monkeypatch.setattr(outbound, "resolve_host", resolve)
    monkeypatch.setattr(outbound, "open_socket", open_socket)


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor


@pytest.fixture
def org_user(db):
    """(organisation, user) with the user an editor of the organisation."""
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    return membership.organization, membership.user


@pytest.fixture
def follow_up_steps(monkeypatch):
    """Replace registered catalogue follow-ups by recorders: `replace(what, fail=None)` makes the
    step named `what` record each change it gets in `calls[what]` (and raise `fail` when given).
    The registry is restored after the test."""
    from influencers import follow_ups

    monkeypatch.setattr(follow_ups, "_registry", {kind: list(steps) for kind, steps in follow_ups._registry.items()})
    calls: dict[str, list] = {}

    def replace(what: str, *, fail: Exception | None = None) -> None:
        registration = next(r for steps in follow_ups._registry.values() for r in steps if r.what == what)
        change_type = next(kind for kind, steps in follow_ups._registry.items() if registration in steps)

        def step(change):
            calls.setdefault(what, []).append(change)
            if fail is not None:
                raise fail

        follow_ups.register_follow_up(change_type, what=what, step=step, order=registration.order)

    replace.calls = calls
    return replace


# The queues the project's workers consume (config/celery.py routes jobs to one of them).
BROKER_QUEUES = ("default", "heavy")


def _purge_broker() -> None:
    """Empty our queues and the unacknowledged-message store, so nothing an earlier (killed) run
    left behind is delivered into this test."""
    from config.celery import app as celery_app

    with celery_app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in BROKER_QUEUES:
            try:
                channel.queue_purge(queue)
            except Exception:  # noqa: BLE001 - a queue that does not exist yet has nothing to purge
                pass
        client = getattr(channel, "client", None)
        if client is not None:
            client.delete("unacked", "unacked_index")


@pytest.fixture
def real_broker(settings):
    """Jobs in this test go through the Redis of CELERY_BROKER_URL, not in-process (tests using it
    carry the celery_worker marker, so they skip where there is no broker)."""
    from config.celery import app as celery_app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    _purge_broker()
    yield
    _purge_broker()
    celery_app.conf.task_always_eager = True


@pytest.fixture
def isolated_vision(settings, tmp_path):
    """Media and index folders of this test only, the weight-free style embedder, no caches."""
    from vision.embedders import reset_embedder_cache
    from vision.services.index import reset_index_cache
    from vision.services.search import reset_stale_checks

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VISION_INDEX_DIR = tmp_path / "index"
    settings.VISION_EMBEDDER = "style"
    reset_embedder_cache()
    reset_index_cache()
    reset_stale_checks()
    yield
    reset_embedder_cache()
    reset_index_cache()
    reset_stale_checks()


@pytest.fixture
def snapshot_on(settings, tmp_path) -> Iterator[Path]:
    """The ranking feature snapshot on, kept in a folder of the test's own (yielded), with no
    data versions, snapshot or memo left from another test."""
    from django.core.cache import cache

    from tests.vetting.snapshots import new_process
    from vetting.features import snapshot as snapshots

    settings.RANKING_FEATURE_SNAPSHOT = True
    settings.RANKING_FEATURES_DIR = tmp_path / "features"
    cache.clear()
    new_process()
    yield tmp_path / "features"
    snapshots.forget_loaded()
