"""A brand's catalogue-wide brand-safety hits are kept beside the feature snapshot
(`FeatureSnapshot.stored_arrays`): another process of the host (a fresh memo, the snapshot
mapped anew) reads them instead of searching the posts, ranks exactly as the database path does,
and never reuses hits computed for other rules, another day or another catalogue version (but
for the creators an incremental snapshot did not rewrite, whose hits are carried over:
test_brand_safety_carried.py)."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
from django.utils import timezone

from tests.factories import BrandFactory, PostFactory
from tests.vetting.former_safety import former_payload, former_penalties, former_safety_of
from tests.vetting.snapshots import new_process
from vetting.features import snapshot as snapshots
from vetting.services import brand_safety
from vetting.services.matching import rank_creators_for_brand

pytestmark = pytest.mark.django_db


@pytest.fixture
def scans(monkeypatch):
    """The catalogue-wide post searches made (one entry per `_safety_posts(None, ...)` call)."""
    calls: list[int] = []
    real = brand_safety._safety_posts

    def counted(creators, brand):
        if creators is None:
            calls.append(brand.pk)
        return real(creators, brand)

    monkeypatch.setattr(brand_safety, "_safety_posts", counted)
    return calls


def a_brand(**kwargs):
    defaults = {
        "values": ["natural", "skincare"],
        "description": "",
        "excluded_keywords": ["gambling"],
        "competitors": ["Rival Co"],
        "preferred_platforms": [],
        "min_followers": None,
        "target_audience": {},
    }
    return BrandFactory(**{**defaults, **kwargs})


def from_database(settings, **kwargs):
    settings.RANKING_FEATURE_SNAPSHOT = False
    try:
        return rank_creators_for_brand(**kwargs)
    finally:
        settings.RANKING_FEATURE_SNAPSHOT = True


def safety_evidence(row) -> list[dict]:
    (part,) = [p for p in row["parts"] if p["name"] == "value_alignment"]
    return part["details"].get("brand_safety", [])


def penalised(result) -> set[int]:
    """Creators of rows shown with brand-safety hits."""
    return {row["creator_id"] for row in result.rows if safety_evidence(row)}


def stored_files(root) -> list:
    """The brand-safety files among the values stored beside the snapshot (their key first)."""
    return sorted(f for f in root.glob("*/stored-*") if b'"brand safety"' in f.read_bytes().partition(b"\n")[0])


def test_a_second_process_reads_the_stored_hits_instead_of_searching_the_posts(
    safety_catalogue, snapshot_on, settings, scans
):
    brand = a_brand()
    first = rank_creators_for_brand(brand=brand)
    assert scans == [brand.pk] and len(stored_files(snapshot_on)) == 1

    new_process()
    second = rank_creators_for_brand(brand=brand)
    assert scans == [brand.pk], "the second process searched the posts again"
    assert second.rows == first.rows and second.total == first.total

    expected = from_database(settings, brand=brand)
    assert second.rows == expected.rows  # scores, parts, hits and post links as the database path gives
    assert penalised(expected), "the catalogue should have brand-safety hits"


def test_a_second_process_makes_no_post_query(safety_catalogue, snapshot_on, django_assert_max_num_queries):
    brand = a_brand()
    rank_creators_for_brand(brand=brand)
    new_process()
    snapshots.current_snapshot()  # mapped (its version read) before counting
    with django_assert_max_num_queries(20) as counted:
        rank_creators_for_brand(brand=brand)
    assert not [q for q in counted.captured_queries if "influencers_post" in q["sql"]]


def test_other_rules_do_not_reuse_the_stored_hits(safety_catalogue, snapshot_on, settings, scans):
    brand = a_brand()
    rank_creators_for_brand(brand=brand)
    brand.excluded_keywords = ["gambling", "casino"]
    brand.save()
    new_process()
    got = rank_creators_for_brand(brand=brand)
    assert scans == [brand.pk, brand.pk]
    expected = from_database(settings, brand=brand)
    assert got.rows == expected.rows
    casino = {row["creator_id"] for row in expected.rows if any(h["term"] == "casino" for h in safety_evidence(row))}
    assert casino and casino <= penalised(got)
    assert len(stored_files(snapshot_on)) == 2


def test_another_day_does_not_reuse_the_stored_hits(safety_catalogue, snapshot_on, monkeypatch, scans):
    brand = a_brand()
    today = timezone.localdate()
    rank_creators_for_brand(brand=brand)
    new_process()
    monkeypatch.setattr(timezone, "localdate", lambda *a: today + dt.timedelta(days=1))
    rank_creators_for_brand(brand=brand)
    assert scans == [brand.pk, brand.pk]


def test_a_new_catalogue_version_does_not_reuse_the_stored_hits(safety_catalogue, snapshot_on, settings, scans):
    brand = a_brand()
    before = rank_creators_for_brand(brand=brand)
    clean = next(row for row in before.rows if row["creator_id"] not in penalised(before))
    PostFactory(account_id=clean["account_id"], caption="gambling again", posted_at=timezone.now())
    new_process()
    after = rank_creators_for_brand(brand=brand)
    assert scans == [brand.pk, brand.pk]
    assert clean["creator_id"] in penalised(after)
    assert after.rows == from_database(settings, brand=brand).rows


def test_a_file_holding_another_key_is_not_served(safety_catalogue, snapshot_on, scans):
    brand = a_brand()
    first = rank_creators_for_brand(brand=brand)
    (file,) = stored_files(snapshot_on)
    head, _, value = file.read_bytes().partition(b"\n")
    today = timezone.localdate().isoformat().encode()
    assert orjson.loads(head)["key"][1][4] == today.decode()
    file.write_bytes(head.replace(today, b"2000-01-01") + b"\n" + value)  # another day's hits under this key's name
    new_process()
    second = rank_creators_for_brand(brand=brand)
    assert scans == [brand.pk, brand.pk]
    assert second.rows == first.rows


def test_an_unreadable_file_is_computed_again_and_rewritten(safety_catalogue, snapshot_on, scans):
    brand = a_brand()
    first = rank_creators_for_brand(brand=brand)
    (file,) = stored_files(snapshot_on)
    file.write_bytes(file.read_bytes()[:40])  # a torn or foreign file
    new_process()
    assert rank_creators_for_brand(brand=brand).rows == first.rows
    new_process()
    assert rank_creators_for_brand(brand=brand).rows == first.rows
    assert scans == [brand.pk, brand.pk]  # the second time the rewritten file was read


def test_the_stored_safety_gives_back_the_same_hits_places_and_penalties(safety_catalogue):
    brand = a_brand(excluded_topics=["gambling"])
    safety = brand_safety.brand_safety(None, brand)
    assert safety.hits_by_creator and safety.post_places
    back = brand_safety._safety_from_payload(former_payload(safety))
    assert dict(back.hits_by_creator) == safety.hits_by_creator
    assert back.hits_by_creator.get(-1) is None
    for hits in safety.hits_by_creator.values():
        for hit in hits:
            assert back.post_places[hit.post_id] == safety.post_places[hit.post_id]
    assert back.penalties[0].tolist() == sorted(safety.hits_by_creator)
    assert back.penalties[1].tolist() == former_penalties(safety.hits_by_creator)[1].tolist()
    assert len(brand_safety._safety_from_payload(former_payload(former_safety_of({}, {}))).hits_by_creator) == 0
