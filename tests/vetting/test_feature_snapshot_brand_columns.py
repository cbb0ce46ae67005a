"""A brand's columns over every account (audience fit, its confidence, text similarity), the
accounts' brand-safety penalties and the creator codes are kept beside the feature snapshot
(`FeatureSnapshot.stored_arrays`): another process of the host (a fresh memo, the snapshot mapped
anew) maps them instead of computing them, ranks exactly as the database path does, and never
reuses columns computed for other brand words, another target, another day or another catalogue
version."""

from __future__ import annotations

import datetime as dt
import os
import time

import numpy as np
import pytest
from django.utils import timezone

from influencers.models import Account
from tests.factories import AudienceProfileFactory
from tests.threads import at_once
from tests.vetting.snapshots import new_process
from tests.vetting.test_feature_snapshot import QUERIES, brand, catalogue, ranked_from_database, ranked_from_snapshot
from vetting.features import snapshot as snapshots
from vetting.services import brand_safety, matching
from vetting.services.matching import rank_creators_for_brand

pytestmark = pytest.mark.django_db
__all__ = ["catalogue"]  # the fixtures, used by name


@pytest.fixture
def computed(monkeypatch):
    """How many times each stored value was computed: "columns" (a brand's audience matrices over
    the snapshot), "codes" (the creator codes) and "penalties" (every account's safety penalty)."""
    counts = {"columns": 0, "codes": 0, "penalties": 0}

    def counting(owner, name, what):
        real = getattr(owner, name)

        def counted(*args, **kwargs):
            counts[what] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)

    counting(snapshots.FeatureSnapshot, "audience_matrices", "columns")
    counting(matching, "_creator_codes", "codes")
    counting(brand_safety.Safety, "penalties_of", "penalties")
    return counts


def stored_arrays(root) -> list:
    return sorted(root.glob("*/stored-*.arrays"))


def test_a_second_process_maps_the_stored_columns_instead_of_computing_them(
    catalogue, snapshot_on, settings, monkeypatch, computed
):
    b = brand()
    first = ranked_from_snapshot(monkeypatch, brand=b)
    assert computed == {"columns": 1, "codes": 1, "penalties": 1}
    assert len(stored_arrays(snapshot_on)) == 3  # the brand's columns, its safety, the creator codes

    new_process()
    second = ranked_from_snapshot(monkeypatch, brand=b)
    assert computed == {"columns": 1, "codes": 1, "penalties": 1}, "the second process computed them again"
    assert second.rows == first.rows and second.total == first.total
    expected = ranked_from_database(settings, brand=b)
    assert expected.total > 0 and second.rows == expected.rows


@pytest.mark.parametrize("query", QUERIES)
def test_rankings_from_the_stored_columns_are_the_databases(catalogue, snapshot_on, settings, monkeypatch, query):
    b = brand()
    rank_creators_for_brand(brand=b)  # computes and stores them
    new_process()
    got = ranked_from_snapshot(monkeypatch, brand=b, **query)
    expected = ranked_from_database(settings, brand=b, **query)
    assert got.total == expected.total and len(expected.rows) > 0
    assert got.rows == expected.rows


def test_the_mapped_columns_are_the_computed_bytes(catalogue, snapshot_on):
    b = brand()
    snapshot = snapshots.current_snapshot(wait=True)
    targets = matching.target_vectors(b.target_audience)
    query = matching.brand_vector(b.values, b.description)
    today = timezone.localdate()
    computed = matching._brand_columns(snapshot, b, targets, query, today)
    new_process()
    snapshot = snapshots.current_snapshot()
    mapped = matching._brand_columns(snapshot, b, targets, query, today)
    assert sorted(mapped) == ["fit", "fit_conf", "sims", "text_score"]
    for name, array in computed.items():
        assert mapped[name].dtype == array.dtype and mapped[name].tobytes() == array.tobytes()
        assert not mapped[name].flags.writeable
    assert np.isnan(mapped["fit"]).any() and (mapped["sims"] > 0).any()  # the catalogue has both


def brand_word_changes(b, monkeypatch) -> None:
    b.values = ["gaming", "travel"]
    b.save()


def target_change(b, monkeypatch) -> None:
    b.target_audience = {"countries": {"weight": 1.0, "values": {"US": 1.0}}}
    b.save()


def next_day(b, monkeypatch) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: tomorrow)


def catalogue_write(b, monkeypatch) -> None:
    account = Account.objects.order_by("pk").first()
    AudienceProfileFactory(account=account, as_of=timezone.localdate(), countries={"CN": 1.0})


@pytest.mark.parametrize("change", [brand_word_changes, target_change, next_day, catalogue_write])
def test_what_the_columns_depend_on_changed_they_are_computed_anew(
    catalogue, snapshot_on, settings, monkeypatch, computed, change
):
    b = brand()
    rank_creators_for_brand(brand=b)
    change(b, monkeypatch)
    new_process()
    got = ranked_from_snapshot(monkeypatch, brand=b)
    assert computed["columns"] == 2
    assert got.rows == ranked_from_database(settings, brand=b).rows


def test_a_torn_or_foreign_file_is_computed_again_and_rewritten(catalogue, snapshot_on, monkeypatch, computed):
    b = brand()
    first = rank_creators_for_brand(brand=b)
    for file in stored_arrays(snapshot_on):
        file.write_bytes(file.read_bytes()[: len(file.read_bytes()) // 2])  # torn
    new_process()
    assert rank_creators_for_brand(brand=b).rows == first.rows
    assert computed == {"columns": 2, "codes": 2, "penalties": 2}
    new_process()
    assert rank_creators_for_brand(brand=b).rows == first.rows
    assert computed == {"columns": 2, "codes": 2, "penalties": 2}  # the rewritten files were mapped


def test_a_file_holding_another_key_is_not_served(tmp_path):
    folder = tmp_path / "v1-version"
    folder.mkdir()
    worker = snapshots.FeatureSnapshot({"account_id": np.zeros(0, dtype=np.int64)}, {}, path=folder)
    worker.stored_arrays(["columns", 1], lambda: {"a": np.arange(3.0)})
    (file,) = folder.glob("stored-*.arrays")
    other = snapshots.FeatureSnapshot({"account_id": np.zeros(0, dtype=np.int64)}, {}, path=folder)
    other.stored_arrays(["columns", 2], lambda: {"a": np.arange(5.0)})
    (second,) = set(folder.glob("stored-*.arrays")) - {file}
    file.write_bytes(second.read_bytes())  # key 2's file under key 1's name
    got = snapshots.FeatureSnapshot({"account_id": np.zeros(0, dtype=np.int64)}, {}, path=folder).stored_arrays(
        ["columns", 1], lambda: {"a": np.arange(3.0)}
    )
    assert got["a"].tolist() == [0.0, 1.0, 2.0]


def test_arrays_of_any_shape_dtype_and_size_come_back_as_written(tmp_path):
    folder = tmp_path / "v1-version"
    folder.mkdir()
    arrays = {
        "floats": np.array([1.5, np.nan, -0.0, 1e-300]),
        "ints": np.arange(7, dtype=np.int64),
        "flags": np.array([True, False, True]),
        "empty": np.zeros(0, dtype=np.float64),
        "matrix": np.arange(12, dtype=np.int16).reshape(3, 4),
    }
    snapshots.FeatureSnapshot({}, {}, path=folder).stored_arrays(["k"], lambda: arrays)
    got = snapshots.FeatureSnapshot({}, {}, path=folder).stored_arrays(["k"], lambda: pytest.fail("recomputed"))
    assert list(got) == list(arrays)
    for name, array in arrays.items():
        assert got[name].dtype == array.dtype and got[name].shape == array.shape
        assert got[name].tobytes() == array.tobytes()


def test_processes_asking_at_once_compute_once_and_the_others_map_its_file(tmp_path):
    """Two workers mapping the same version (two FeatureSnapshot objects of one folder: their
    file locks conflict as two processes' do) ask for a new brand's columns at once."""
    folder = tmp_path / "v1-version"
    folder.mkdir()
    workers = [snapshots.FeatureSnapshot({}, {}, path=folder) for _ in "ab"]
    calls: list[int] = []

    def columns() -> dict:
        calls.append(1)
        time.sleep(0.3)  # long enough for the other worker to find them being computed
        return {"fit": np.array([0.25, 0.5])}

    answers = at_once(lambda worker: worker.stored_arrays(["brand columns", 1], columns)["fit"].tolist(), workers)
    assert calls == [1]
    assert answers == [[0.25, 0.5]] * 2
    assert not [p for p in folder.iterdir() if ".tmp-" in p.name]  # no temporary file left


def test_files_of_days_that_are_over_are_removed_when_another_is_written(tmp_path):
    folder = tmp_path / "v1-version"
    folder.mkdir()
    worker = snapshots.FeatureSnapshot({}, {}, path=folder)
    worker.stored_arrays(["brand safety", "2026-01-01"], lambda: {"a": np.zeros(1)})
    worker.stored_arrays(["brand safety", "2026-01-03"], lambda: {"a": np.ones(1)})
    old, recent = sorted(folder.glob("stored-*"), key=lambda p: b"2026-01-03" in p.read_bytes()[:200])
    three_days_ago = time.time() - 3 * 24 * 3600
    os.utime(old, (three_days_ago, three_days_ago))
    worker.stored_arrays(["brand safety", "2026-01-04"], lambda: {"a": np.ones(2)})
    assert not old.exists() and recent.exists()
    assert len(list(folder.glob("stored-*"))) == 2


def test_past_the_size_bound_the_least_recently_used_values_are_removed(tmp_path, monkeypatch):
    folder = tmp_path / "v1-version"
    folder.mkdir()
    worker = snapshots.FeatureSnapshot({}, {}, path=folder)
    values = {"a": np.zeros(1000)}  # ~8.1 kB a file with its key line
    worker.stored_arrays(["brand columns", "read again"], lambda: values)
    worker.stored_arrays(["brand columns", "not read"], lambda: values)
    files = {
        name: next(f for f in folder.glob("stored-*") if name.encode() in f.read_bytes()[:200])
        for name in ("read again", "not read")
    }
    an_hour_ago = time.time() - 3600
    os.utime(files["read again"], (an_hour_ago - 60, an_hour_ago - 60))  # written first
    os.utime(files["not read"], (an_hour_ago, an_hour_ago))
    another_process = snapshots.FeatureSnapshot({}, {}, path=folder)
    another_process.stored_arrays(["brand columns", "read again"], lambda: pytest.fail("recomputed"))
    monkeypatch.setattr(snapshots, "STORED_MAX_BYTES", 18_000)  # two files
    worker.stored_arrays(["brand columns", "new"], lambda: values)
    assert files["read again"].exists() and not files["not read"].exists()
    assert len(list(folder.glob("stored-*"))) == 2
