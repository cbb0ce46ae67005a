"""Forked workers start with their parent's objects frozen (core.parallel.forked_pool, gc.freeze):
their garbage collections then leave the inherited memory pages shared instead of copying them."""

from __future__ import annotations

import gc

import pytest

from core.parallel import forked_pool

pytestmark = pytest.mark.django_db(transaction=True)


def _frozen_objects(_item: object) -> int:
    """In a worker: how many objects its collections leave alone."""
    return gc.get_freeze_count()


def test_workers_inherit_this_process_objects_frozen_and_they_are_unfrozen_afterwards():
    # What an earlier test froze (config.wsgi, the sentiment model's load) is not this test's.
    gc.unfreeze()

    with forked_pool(2) as map_unordered:
        in_workers = list(map_unordered(_frozen_objects, [1, 2, 3, 4]))

    assert len(in_workers) == 4 and min(in_workers) > 0
    assert gc.get_freeze_count() == 0  # this process's objects are collectable again


def test_objects_frozen_before_the_workers_stay_frozen():
    # Someone else's freeze (a server freezing its preloaded app) is not ours to undo.
    gc.freeze()
    try:
        with forked_pool(2) as map_unordered:
            list(map_unordered(_frozen_objects, [1, 2]))

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
