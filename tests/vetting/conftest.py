"""Fixtures of the vetting tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.vetting.snapshots import new_process
from vetting.features import snapshot as snapshots


@pytest.fixture
def snapshot_on(settings, tmp_path) -> Iterator[Path]:
    """The ranking feature snapshot on, kept in a folder of the test's own (yielded), with no
    data versions, snapshot or memo left from another test."""
    settings.RANKING_FEATURE_SNAPSHOT = True
    settings.RANKING_FEATURES_DIR = tmp_path / "features"
    cache.clear()
    new_process()
    yield tmp_path / "features"
    snapshots.forget_loaded()
