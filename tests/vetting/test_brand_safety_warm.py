"""The brands' brand-safety hits are searched after a catalogue change, at midnight
(`warm_brand_safety`) and after a brand's rules are set (`warm_brand_safety_of`), and stored
beside the feature snapshot, so a marketer's first ranking of a brand with exclusion rules reads
them instead of searching the posts, and ranks as before."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from influencers.follow_ups import AccountsChanged
from influencers.models import Account
from tests.factories import BrandFactory
from tests.vetting.snapshots import new_process
from vetting import tasks
from vetting.features import snapshot as snapshots
from vetting.services import brand_safety, matching
from vetting.services.brands import brand_create, brand_delete, brand_update
from vetting.tasks import warm_brand_safety_of_task, warm_brand_safety_task

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
    snapshots.current_snapshot(wait=True)  # built as by a follow-up, whose own step is not run here
    assert post_queries(gambling) > 0  # without the follow-up's step: the first ranking searches
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


def ranks_without_searching(settings, brand) -> None:
    """The brand's first ranking in a fresh process reads stored hits and ranks as the database
    path does, with the planted hits among its rows."""
    assert post_queries(brand) == 0, brand.excluded_keywords
    ranked = matching.rank_creators_for_brand(brand=brand)
    assert ranked.rows == by_database(settings, brand).rows
    assert any(hit for row in ranked.rows for p in row["parts"] for hit in p["details"].get("brand_safety", []))


def safety_files(root) -> list:
    return list(root.glob("*/stored-*"))


def test_a_brand_whose_rules_were_just_set_is_ranked_without_searching(
    safety_catalogue, snapshot_on, settings, org_user, django_capture_on_commit_callbacks
):
    organization, _ = org_user
    edited = a_brand(organization=organization, excluded_keywords=[], competitors=[])
    snapshots.current_snapshot(wait=True)  # the host's snapshot, nothing stored beside it
    with django_capture_on_commit_callbacks(execute=True):
        brand_update(brand=edited, data={"excluded_keywords": ["casino"]})
    ranks_without_searching(settings, edited)

    with django_capture_on_commit_callbacks(execute=True):
        created = brand_create(
            organization=organization,
            data={"name": "New rules", "values": ["natural"], "competitors": ["Rival Co"]},
        )
    ranks_without_searching(settings, created)


def test_rules_patched_through_the_api_are_searched_before_the_next_ranking(
    safety_catalogue, snapshot_on, settings, org_user, django_capture_on_commit_callbacks
):
    organization, user = org_user
    brand = a_brand(organization=organization, excluded_keywords=[], competitors=[])
    snapshots.current_snapshot(wait=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            f"/api/brands/{brand.pk}/",
            {"excluded_keywords": ["gambling"]},
            format="json",
            HTTP_X_ORGANIZATION=str(organization.pk),
        )
    assert response.status_code == 200, response.content
    brand.refresh_from_db()
    ranks_without_searching(settings, brand)


def test_an_edit_leaving_the_rules_as_they_were_queues_nothing(
    safety_catalogue, snapshot_on, django_capture_on_commit_callbacks
):
    brand = a_brand()
    snapshots.current_snapshot(wait=True)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        brand_update(brand=brand, data={"name": "Renamed", "description": "Refills", "values": ["calm"]})
        brand_update(brand=brand, data={"excluded_keywords": [" gambling "], "competitors": ["Rival Co"]})
    assert queued == []
    assert not safety_files(snapshot_on)
    assert post_queries(brand) > 0  # left to its first ranking, as before


def test_the_search_of_a_brand_deleted_meanwhile_does_nothing(
    safety_catalogue, snapshot_on, django_capture_on_commit_callbacks
):
    brand = a_brand(excluded_keywords=[], competitors=[])
    brand_id = brand.pk
    snapshots.current_snapshot(wait=True)
    with django_capture_on_commit_callbacks() as queued:
        brand_update(brand=brand, data={"excluded_keywords": ["gambling"]})
    assert len(queued) == 1
    brand_delete(brand=brand)
    queued[0]()  # the commit's callback, after the delete: the search finds no brand
    assert warm_brand_safety_of_task(brand_id) == {"brand_id": brand_id, "stored": False}
    assert not safety_files(snapshot_on)


def test_without_a_snapshot_on_the_host_a_rules_edit_builds_none(safety_catalogue, snapshot_on):
    brand = a_brand()
    assert warm_brand_safety_of_task(brand.pk) == {"brand_id": brand.pk, "stored": False}
    assert not list(snapshot_on.glob("v*"))
    snapshots.current_snapshot(wait=True)
    assert warm_brand_safety_of_task(brand.pk) == {"brand_id": brand.pk, "stored": True}
    assert post_queries(brand) == 0


def test_with_a_worker_the_rules_edit_queues_the_brands_task_and_a_broker_down_fails_nothing(
    snapshot_on, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    brand = a_brand(excluded_keywords=[], competitors=[])
    sent = []
    monkeypatch.setattr(tasks.warm_brand_safety_of_task, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        brand_update(brand=brand, data={"excluded_keywords": ["casino"]})
    assert sent == [brand.pk]

    def broker_down(brand_id):
        raise ConnectionError("no broker")

    monkeypatch.setattr(tasks.warm_brand_safety_of_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        brand_update(brand=brand, data={"competitors": ["Rival Co"]})
    brand.refresh_from_db()
    assert brand.competitors == ["Rival Co"]  # the edit stands; its next ranking searches, as before
