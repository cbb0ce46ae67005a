"""The search-text and metrics follow-ups compute each chunk with the cyclic collector paused
(their many new objects make no cycles), and leave it as they found it."""

from __future__ import annotations

import gc

import pytest

from influencers.metrics import service as metrics_service
from influencers.services import search_index
from tests.factories import AccountFactory


def _recording(function, seen):
    def recorded(*args, **kwargs):
        seen.append(gc.isenabled())
        return function(*args, **kwargs)

    return recorded


@pytest.mark.django_db
def test_chunks_run_with_the_collector_paused_and_it_is_back_on_after(monkeypatch):
    accounts = AccountFactory.create_batch(3)
    ids = [account.pk for account in accounts]
    seen: list[bool] = []
    monkeypatch.setattr(metrics_service, "chunk_metrics", _recording(metrics_service.chunk_metrics, seen))
    monkeypatch.setattr(search_index, "search_text", _recording(search_index.search_text, seen))
    assert gc.isenabled()
    progress: list[bool] = []
    metrics_service.refresh_metrics(ids, chunk_size=2, progress=lambda done: progress.append(gc.isenabled()))
    search_index.index_accounts(ids, progress=lambda done: progress.append(gc.isenabled()))
    assert seen == [False] * 5  # two metrics chunks, three texts
    assert progress == [True] * 3  # the callbacks run with it on
    assert gc.isenabled()
