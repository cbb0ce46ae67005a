"""Response caching of discovery and matching (core/caching/versions.py): a repeated
request is answered from the cache, any write that can change a result (ORM save, bulk update,
bulk_create, raw SQL, brand edit) makes the next request recompute, workflow writes (jobs,
notes) do not, and no organisation is ever answered from another's entry."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.caching.versions import data_version
from influencers.models import AccountMetrics, AudienceProfile, Creator
from tests.api.conftest import assert_error
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    AudienceProfileFactory,
    BrandFactory,
    CreatorFactory,
    CreatorNoteFactory,
    JobFactory,
)
from vetting.services.matching import RankingResult

LIST = "/api/creators/?sort=-followers"


@pytest.fixture
def caching(settings):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def creator_with(followers: int, name: str = "C") -> Creator:
    creator = CreatorFactory(display_name=name)
    account = AccountFactory(creator=creator, platform="instagram")
    AccountMetricsFactory(account=account, followers=followers, engagement_rate=0.02)
    return creator


def queries_of(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["display_name"] for row in response.json()["results"]]


def test_a_repeated_discovery_request_is_answered_from_the_cache(editor, caching, django_assert_max_num_queries):
    creator_with(5000, "Big")
    creator_with(100, "Small")
    first = editor.client.get(LIST)
    assert names(first) == ["Big", "Small"]
    # Token and membership lookups only: no discovery query runs.
    with django_assert_max_num_queries(2):
        second = editor.client.get(LIST)
    assert second.json() == first.json()
    assert second["Content-Type"] == first["Content-Type"] == "application/json"


def test_parameter_order_does_not_split_the_cache(editor, caching, django_assert_max_num_queries):
    creator_with(5000, "Big")
    assert names(editor.client.get("/api/creators/?platform=instagram&sort=-followers")) == ["Big"]
    with django_assert_max_num_queries(2):
        assert names(editor.client.get("/api/creators/?sort=-followers&platform=instagram")) == ["Big"]


def test_caching_is_off_without_a_shared_cache(editor, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 0
    creator_with(5000, "Big")
    editor.client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        assert editor.client.get(LIST).status_code == 200
    # The discovery queries run again (the head, then the page's rows; a cache hit runs neither).
    assert any("rep_account_id" in query["sql"] for query in captured.captured_queries)


@pytest.mark.parametrize("write", ["save", "bulk_update", "bulk_create", "raw_sql", "delete"])
def test_any_metrics_or_catalogue_write_is_seen_by_the_next_request(editor, caching, write):
    big = creator_with(5000, "Big")
    small = creator_with(100, "Small")
    assert names(editor.client.get(LIST)) == ["Big", "Small"]
    if write == "save":
        metrics = AccountMetrics.objects.get(account__creator=small)
        metrics.followers = 9000
        metrics.save()
        expected = ["Small", "Big"]
    elif write == "bulk_update":  # QuerySet.update sends no signals
        AccountMetrics.objects.filter(account__creator=small).update(followers=9000)
        expected = ["Small", "Big"]
    elif write == "bulk_create":
        newcomer = Creator.objects.bulk_create([Creator(display_name="Newcomer")])[0]
        account = AccountFactory(creator=newcomer)
        AccountMetrics.objects.bulk_create([AccountMetrics(account=account, followers=7000)])
        expected = ["Newcomer", "Big", "Small"]
    elif write == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AccountMetrics._meta.db_table} SET followers = %s WHERE account_id IN "
                f"(SELECT id FROM influencers_account WHERE creator_id = %s)",
                [9000, small.pk],
            )
        expected = ["Small", "Big"]
    else:
        big.delete()
        expected = ["Small"]
    assert names(editor.client.get(LIST)) == expected


def test_an_audience_change_changes_an_audience_filtered_page(editor, caching):
    creator = creator_with(5000, "Big")
    account = creator.accounts.get()
    profile = AudienceProfileFactory(account=account, countries={"CN": 0.2, "US": 0.8})
    path = "/api/creators/?audience_country=CN&audience_country_min=0.5"
    assert names(editor.client.get(path)) == []
    AudienceProfile.objects.filter(pk=profile.pk).update(countries={"CN": 0.7, "US": 0.3})
    assert names(editor.client.get(path)) == ["Big"]


def test_workflow_writes_keep_the_cache(editor, caching):
    creator = creator_with(5000, "Big")
    editor.client.get(LIST)
    version = data_version()
    JobFactory(organization=editor.organization)
    CreatorNoteFactory(organization=editor.organization, creator=creator)
    assert data_version() == version
    AccountMetrics.objects.update(followers=1)
    assert data_version() != version


def test_the_browsable_api_is_not_cached(editor, caching):
    creator_with(5000, "Big")
    editor.client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        response = editor.client.get(LIST, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"Big" in response.content
    assert any("rep_account_id" in query["sql"] for query in captured.captured_queries)  # computed again


# --- matching ---------------------------------------------------------------------------------


@pytest.fixture
def ranking(monkeypatch, db):
    """A matching double that ranks by the database's current follower counts."""
    calls = []

    def rank_creators_for_brand(*, brand, weights=None, filters=None, limit=50, offset=0, user_id=None):
        calls.append(brand.pk)
        rows = AccountMetrics.objects.order_by("-followers").values_list("account__creator_id", "followers")
        return RankingResult(
            [
                {"rank": n, "creator_id": c, "score": f / 10_000, "parts": [], "explanations": []}
                for n, (c, f) in enumerate(rows, start=1)
            ],
            len(rows),
            {"audience_fit": 1.0},
            brand_id=brand.pk,
        )

    monkeypatch.setattr("vetting.services.matching.rank_creators_for_brand", rank_creators_for_brand)
    return calls


def matched(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["creator"]["display_name"] for row in response.json()["results"]]


@pytest.mark.django_db(transaction=True)  # commits its rows: caches never keep what an open write transaction read
def test_matches_are_cached_and_recomputed_after_a_metrics_write(editor, caching, ranking):
    brand = BrandFactory(organization=editor.organization)
    creator_with(5000, "Big")
    small = creator_with(100, "Small")
    path = f"/api/brands/{brand.pk}/matches/"
    assert matched(editor.client.get(path)) == ["Big", "Small"]
    assert matched(editor.client.get(path)) == ["Big", "Small"]
    assert ranking == [brand.pk]
    AccountMetrics.objects.filter(account__creator=small).update(followers=9000)
    assert matched(editor.client.get(path)) == ["Small", "Big"]
    assert ranking == [brand.pk, brand.pk]


def test_a_brand_edit_recomputes_its_matches(editor, caching, ranking):
    brand = BrandFactory(organization=editor.organization)
    creator_with(5000, "Big")
    path = f"/api/brands/{brand.pk}/matches/"
    editor.client.get(path)
    response = editor.client.patch(f"/api/brands/{brand.pk}/", {"values": ["natural"]}, format="json")
    assert response.status_code == 200, response.content
    editor.client.get(path)
    assert ranking == [brand.pk, brand.pk]


def test_another_organisation_never_reads_a_cached_ranking(editor, intruder, caching, ranking):
    brand = BrandFactory(organization=editor.organization)
    creator_with(5000, "Big")
    path = f"/api/brands/{brand.pk}/matches/"
    assert matched(editor.client.get(path)) == ["Big"]
    assert intruder.client.get(path).status_code == 404
    own = BrandFactory(organization=intruder.organization)
    assert matched(intruder.client.get(f"/api/brands/{own.pk}/matches/")) == ["Big"]
    assert ranking == [brand.pk, own.pk]


def test_discovery_entries_are_kept_per_organisation(editor, intruder, caching, django_assert_max_num_queries):
    creator_with(5000, "Big")
    assert names(editor.client.get(LIST)) == ["Big"]
    # The catalogue is shared, but the entry is not: the other organisation computes its own.
    assert queries_of(intruder.client, LIST) > 2
    with django_assert_max_num_queries(2):
        assert names(intruder.client.get(LIST)) == ["Big"]


def test_a_cached_ranking_is_not_served_for_a_deleted_or_moved_brand(editor, intruder, caching, ranking):
    from vetting.models import Brand

    creator_with(5000, "Big")
    moved = BrandFactory(organization=editor.organization)
    deleted = BrandFactory(organization=editor.organization)
    for brand in (moved, deleted):
        assert matched(editor.client.get(f"/api/brands/{brand.pk}/matches/")) == ["Big"]
    Brand.objects.filter(pk=moved.pk).update(organization=intruder.organization)
    deleted_pk = deleted.pk
    deleted.delete()
    assert editor.client.get(f"/api/brands/{moved.pk}/matches/").status_code == 404
    assert editor.client.get(f"/api/brands/{deleted_pk}/matches/").status_code == 404
    assert matched(intruder.client.get(f"/api/brands/{moved.pk}/matches/")) == ["Big"]


def test_invalid_match_parameters_are_never_cached(editor, caching, ranking):
    brand = BrandFactory(organization=editor.organization)
    for _ in range(2):
        response = editor.client.get(f"/api/brands/{brand.pk}/matches/?limit=1000")
        assert_error(response, "limit")
    assert ranking == []


def test_a_brand_edit_keeps_discovery_cached_but_not_matches(editor, caching, ranking, django_assert_max_num_queries):
    brand = BrandFactory(organization=editor.organization)
    creator_with(5000, "Big")
    editor.client.get(LIST)
    editor.client.get(f"/api/brands/{brand.pk}/matches/")
    response = editor.client.patch(f"/api/brands/{brand.pk}/", {"values": ["natural"]}, format="json")
    assert response.status_code == 200
    with django_assert_max_num_queries(2):
        assert names(editor.client.get(LIST)) == ["Big"]
    editor.client.get(f"/api/brands/{brand.pk}/matches/")
    assert ranking == [brand.pk, brand.pk]
