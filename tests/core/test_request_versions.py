"""One read of the data versions per request (core/caching/versions.py): every caller of a
request shares the versions its first reader fetched (one cache round trip for all scopes), a
bump inside the request is seen by the request's next read, and outside a request (Celery
tasks, management commands, threads a request starts) or after it every read asks the cache,
so a version another process bumped is never missed there."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from core.caching import versions as cache_versions
from core.caching.versions import current_versions, data_version, data_version_bump, version_key
from tests.factories import BrandFactory


@pytest.fixture
def round_trips(monkeypatch) -> list[str]:
    """The cache operations made (get, get_many, add), in order."""
    made: list[str] = []
    for name in ("get", "get_many", "add"):
        real = getattr(cache, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            made.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(cache, name, counted)
    return made


def start_request() -> None:
    """What Django's handler sends as a request starts (without closing the test's database
    connection, as the test client does)."""
    request_started.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
    finally:
        request_started.connect(close_old_connections)


def finish_request() -> None:
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture
def in_request() -> Iterator[None]:
    """Between request_started and request_finished, as Django's handler sends them."""
    cache.clear()
    start_request()
    try:
        yield
    finally:
        finish_request()
        cache.clear()


def another_process_bumps(scope: str) -> str:
    """What a write in another process does: a new version in the shared cache."""
    cache.set(version_key(scope), f"theirs-{scope}", timeout=None)
    return f"theirs-{scope}"


def test_a_request_reads_every_version_in_one_round_trip(in_request, round_trips):
    catalogue = data_version("catalogue")
    access = data_version("access")
    versions, _ = current_versions(("catalogue", "brands", "vision"))
    assert round_trips.count("get_many") == 1
    # The first read also created the missing keys (get + add per scope); nothing after it.
    made = len(round_trips)
    assert data_version("catalogue") == catalogue and data_version("access") == access
    assert current_versions(("catalogue", "brands", "vision"))[0] == versions
    assert len(round_trips) == made
    assert versions is not None and versions[0] == catalogue
    assert cache.get(version_key("brands")) == versions[1]


def test_a_bump_inside_the_request_is_read_by_its_next_reader(in_request):
    before = data_version("catalogue")
    data_version_bump("catalogue")
    after = data_version("catalogue")
    assert after != before
    assert after == cache.get(version_key("catalogue"))


def test_a_write_inside_the_request_changes_its_scope_for_the_rest_of_it(db, in_request):
    before = data_version("brands")
    catalogue = data_version("catalogue")
    BrandFactory()
    assert data_version("brands") not in (None, before)
    assert data_version("catalogue") == catalogue  # other scopes keep the request's read


def test_outside_a_request_every_read_asks_the_cache(db, round_trips):
    cache.clear()
    data_version("catalogue")
    assert data_version("catalogue") == cache.get(version_key("catalogue"))
    assert another_process_bumps("catalogue") == data_version("catalogue")
    assert round_trips.count("get") >= 4


def test_after_the_request_a_version_bumped_elsewhere_is_read(db):
    cache.clear()
    start_request()
    data_version("brands")
    finish_request()
    theirs = another_process_bumps("brands")
    assert data_version("brands") == theirs
    assert current_versions(("brands",))[0] == (theirs,)
    cache.clear()


def test_a_new_request_reads_the_versions_anew(db):
    cache.clear()
    start_request()
    data_version("vision")
    theirs = another_process_bumps("vision")
    # A request that did not finish (its handler failed before closing) is forgotten too.
    start_request()
    assert data_version("vision") == theirs
    finish_request()
    cache.clear()


def test_a_thread_the_request_starts_reads_the_cache(in_request):
    ours = data_version("catalogue")
    theirs = another_process_bumps("catalogue")
    seen: list[str | None] = []
    worker = threading.Thread(target=lambda: seen.append(data_version("catalogue")))
    worker.start()
    worker.join()
    assert seen == [theirs]
    assert data_version("catalogue") == ours  # the request keeps the versions it read first


def test_an_unreachable_cache_is_asked_again_within_the_request(in_request, monkeypatch):
    monkeypatch.setattr(cache, "get_many", lambda keys: {})
    monkeypatch.setattr(cache, "get", lambda key, default=None: default)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    assert data_version("catalogue") is None
    assert current_versions(("catalogue",))[0] is None
    monkeypatch.undo()
    assert data_version("catalogue") is not None  # reachable again: not a memoised None


def test_an_unknown_scope_is_refused_inside_a_request(in_request):
    with pytest.raises(ValueError, match="unknown data scope"):
        data_version("nonsense")


def test_the_request_memo_is_connected_to_the_request_signals():
    assert cache_versions._on_request_started in [r[1]() for r in request_started.receivers if r[1]() is not None]
