"""Publishing the index: concurrent writers never lose each other's vectors, and readers follow
the newest published version. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from django.db import connections

from tests.factories import AccountFactory, ImageEmbeddingFactory, MediaAssetFactory
from vision.ann import VectorIndex
from vision.services import index as index_service
from vision.services.index import get_index, index_build, index_dir, index_sync, index_writer_lock

EMBEDDER = "test-publish-embedder"
DIM = 8


def _embed(asset, seed: int) -> None:
    vector = np.random.default_rng(seed).normal(size=DIM).astype("<f4")
    vector /= np.linalg.norm(vector)
    ImageEmbeddingFactory(asset=asset, embedder_id=EMBEDDER, dim=DIM, vector=vector.tobytes())


def _catalogue(n: int) -> list:
    account = AccountFactory()
    assets = [MediaAssetFactory(account=account) for _ in range(n)]
    for seed, asset in enumerate(assets):
        _embed(asset, seed)
    return assets


def _run_in_thread(name: str, target, errors: list) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's connection, or the test database cannot be dropped

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_index_updates_both_end_up_in_the_published_index(monkeypatch):
    """The lost update: sync A reads the published version and the database, sync B publishes
    a version with a vector committed after A's read, then A publishes its own (older) view. With
    the writer lock B waits for A and reads the database after it, so both vectors stay."""
    base = _catalogue(10)
    assert index_build(embedder_id=EMBEDDER).count == 10
    account = base[0].account
    asset_a, asset_b = MediaAssetFactory(account=account), MediaAssetFactory(account=account)
    a_has_read, b_published = threading.Event(), threading.Event()
    original_add = VectorIndex.add

    def add_then_let_b_go_first(self, **kwargs):
        if threading.current_thread().name == "sync-a":
            a_has_read.set()
            # Without the lock B publishes now; with it B is blocked until A is done (bounded wait).
            b_published.wait(timeout=3)
        return original_add(self, **kwargs)

    monkeypatch.setattr(VectorIndex, "add", add_then_let_b_go_first)

    def sync_a() -> None:
        _embed(asset_a, 100)
        index_sync(embedder_id=EMBEDDER)

    def sync_b() -> None:
        assert a_has_read.wait(timeout=30)
        _embed(asset_b, 101)
        index_sync(embedder_id=EMBEDDER)
        b_published.set()

    errors: list = []
    threads = [_run_in_thread("sync-a", sync_a, errors), _run_in_thread("sync-b", sync_b, errors)]
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    published = VectorIndex.load(index_dir(EMBEDDER))
    assert sorted(published.asset_ids.tolist()) == sorted([a.pk for a in base] + [asset_a.pk, asset_b.pk])
    assert published.version == 3  # the build, then one version per sync: nothing was published twice


@pytest.mark.django_db(transaction=True)
def test_writers_of_one_embedder_take_turns_and_the_lock_is_reentrant():
    order: list[str] = []
    entered = threading.Event()
    release = threading.Event()

    def first() -> None:
        with index_writer_lock(EMBEDDER):
            with index_writer_lock(EMBEDDER):  # a sync that falls back to a build takes it again
                order.append("first in")
                entered.set()
                release.wait(timeout=5)
                order.append("first out")

    def second() -> None:
        assert entered.wait(timeout=30)
        with index_writer_lock(EMBEDDER):
            order.append("second in")

    errors: list = []
    threads = [_run_in_thread("first", first, errors), _run_in_thread("second", second, errors)]
    assert entered.wait(timeout=30)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert order == ["first in", "first out", "second in"]


@pytest.mark.django_db
def test_a_reader_follows_every_published_version():
    assets = _catalogue(4)
    index_build(embedder_id=EMBEDDER)
    assert get_index(EMBEDDER).version == 1
    _embed(MediaAssetFactory(account=assets[0].account), 50)
    index_sync(embedder_id=EMBEDDER)  # another process publishing, as far as the cache can tell
    reloaded = get_index(EMBEDDER)
    assert reloaded.version == 2 and reloaded.count == 5


@pytest.mark.django_db
def test_a_version_published_while_a_reader_loads_is_picked_up_on_its_next_search(monkeypatch):
    """Regression: the reader used to stat the manifest after loading, so a publish landing
    during the load paired the new manifest with the old index, served until the next publish."""
    assets = _catalogue(4)
    index_build(embedder_id=EMBEDDER)
    index_service.reset_index_cache()
    original_load = VectorIndex.load.__func__
    published_during_load = []

    def load_while_another_process_publishes(cls, directory, **kwargs):
        loaded = original_load(cls, directory, **kwargs)
        if not published_during_load:
            published_during_load.append(True)
            _embed(MediaAssetFactory(account=assets[0].account), 60)
            index_sync(embedder_id=EMBEDDER)
        return loaded

    monkeypatch.setattr(VectorIndex, "load", classmethod(load_while_another_process_publishes))
    assert get_index(EMBEDDER).version == 1  # what was loaded
    newest = get_index(EMBEDDER)
    assert newest.version == 2 and newest.count == 5
