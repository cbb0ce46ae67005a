"""The brands' brand-safety hits are searched after a catalogue change and at midnight
(`warm_brand_safety`) and stored beside the feature snapshot, so a marketer's first ranking of a
brand with exclusion rules reads them instead of searching the posts, and ranks as before."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers.follow_ups import AccountsChanged
from influencers.models import Account
from tests.factories import BrandFactory
from tests.vetting.snapshots import new_process
from vetting.features import snapshot as snapshots
from vetting.services import brand_safety, matching
from vetting.tasks import warm_brand_safety_task

pytestmark = pytest.mark.django_db


def a_brand(**kwargs):
    rules = {"excluded_keywords": ["gambling"], "excluded_topics": [], "competitors": ["Rival Co"]}
    return BrandFactory(
        **{"values": ["natural", "skincare"], "preferred_platforms": [], "target_audience": {}, **rules, **kwargs}
    )


def post_queries(brand) -> int:
    """Queries reading the posts table made by one ranking of `brand` in a fresh process."""
    new_process()
    snapshots.current_snapshot()  # mapped before counting
    with CaptureQueriesContext(connection) as captured:
        matching.rank_creators_for_brand(brand=brand)
    return sum('"influencers_post"' in q["sql"] for q in captured.captured_queries)


def by_database(settings, brand):
    settings.RANKING_FEATURE_SNAPSHOT = False
    try:
        return matching.rank_creators_for_brand(brand=brand)
    finally:
        settings.RANKING_FEATURE_SNAPSHOT = True


def test_after_a_catalogue_change_no_first_ranking_searches_the_posts(safety_catalogue, snapshot_on, settings):
    gambling, casino = a_brand(), a_brand(excluded_keywords=["casino"], competitors=[])
    plain = a_brand(excluded_keywords=[], competitors=[])
    assert post_queries(gambling) > 0  # without the follow-up: the first ranking searches
    new_process()
    cache.clear()  # a new catalogue version: nothing stored for it

    message = brand_safety.safety_after_change(
        AccountsChanged(account_ids=tuple(Account.objects.values_list("pk", flat=True)))
    )

    assert message == "brand-safety hits of 2 brand(s) ready"
    for brand in (gambling, casino):
        assert post_queries(brand) == 0, brand.excluded_keywords
        ranked = matching.rank_creators_for_brand(brand=brand)
        expected = by_database(settings, brand)
        assert ranked.rows == expected.rows
        assert any(hit for row in ranked.rows for p in row["parts"] for hit in p["details"].get("brand_safety", [])), (
            "the planted captions should be hits"
        )
    assert post_queries(plain) == 0  # no rules: nothing to search either way


def test_the_most_recently_edited_brands_first_and_no_more_than_the_limit(safety_catalogue, snapshot_on, settings):
    older, newer = a_brand(), a_brand(excluded_keywords=["casino"])
    settings.SAFETY_WARM_MAX_BRANDS = 1
    assert warm_brand_safety_task() == {"brands": 1}
    assert post_queries(newer) == 0
    assert post_queries(older) > 0
    older.save()  # now the most recently edited
    new_process()
    assert brand_safety.warm_brand_safety() == 1
    assert post_queries(older) == 0


def test_a_backfill_without_refresh_and_a_host_without_snapshots_search_nothing(
    safety_catalogue, snapshot_on, settings
):
    a_brand()
    skipped = AccountsChanged(account_ids=(1,), recompute=False)
    assert brand_safety.safety_after_change(skipped) is None
    assert not list(snapshot_on.glob("*/stored-*"))
    settings.RANKING_FEATURE_SNAPSHOT = False
    assert brand_safety.warm_brand_safety() == 0


def test_the_command_says_what_it_stored(safety_catalogue, snapshot_on, settings):
    brand = a_brand()
    out = StringIO()
    call_command("warm_brand_safety", stdout=out)
    assert out.getvalue().startswith("brand-safety hits of 1 brand(s) stored in ")
    assert post_queries(brand) == 0
    settings.RANKING_FEATURE_SNAPSHOT = False
    out = StringIO()
    call_command("warm_brand_safety", "--max-brands", "5", stdout=out)
    assert out.getvalue().startswith("nothing stored: no brand with exclusion rules, or no feature snapshot")
