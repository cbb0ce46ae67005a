"""Discovery's cheaper paths: one run of the filtered query serves the count and every page, and
the filter set copies its declared filters per request without sharing per-request state."""

from __future__ import annotations

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from influencers.filters import CreatorFilterSet
from influencers.models import Creator
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory


def make_catalogue(n: int) -> list[Creator]:
    creators = []
    for i in range(n):
        creator = CreatorFactory(display_name=f"C{i:02d}")
        big = AccountFactory(creator=creator, platform="instagram")
        AccountMetricsFactory(account=big, followers=10_000 + i, engagement_rate=0.01)
        small = AccountFactory(creator=creator, platform="tiktok")
        AccountMetricsFactory(account=small, followers=100 + i, engagement_rate=0.2)
        creators.append(creator)
    return creators


def test_pages_follow_each_other_and_show_the_matched_account(editor):
    make_catalogue(7)
    pages = [editor.client.get(f"/api/creators/?sort=-followers&page_size=3&page={n}").json() for n in (1, 2, 3)]
    rows = [row for page in pages for row in page["results"]]
    assert [p["count"] for p in pages] == [7, 7, 7]
    assert [r["display_name"] for r in rows] == [f"C{i:02d}" for i in range(6, -1, -1)]
    assert pages[2]["next"] is None and pages[0]["previous"] is None
    # The matched account is the largest one meeting the filters, with its own figures.
    assert {r["matched_account"]["platform"] for r in rows} == {"instagram"}
    tiktok = editor.client.get("/api/creators/?platform=tiktok&sort=-followers&page_size=3").json()["results"]
    assert [r["matched_account"]["followers"] for r in tiktok] == [106, 105, 104]
    assert all(r["matched_account"]["engagement_rate"] == 0.2 for r in tiktok)


def test_the_filtered_query_runs_once_per_request(editor):
    make_catalogue(4)
    with CaptureQueriesContext(connection) as captured:
        response = editor.client.get("/api/creators/?platform=tiktok&sort=-engagement_rate")
    assert response.status_code == 200 and len(response.json()["results"]) == 4
    anti_joins = [q["sql"] for q in captured.captured_queries if "NOT EXISTS" in q["sql"].upper()]
    assert len(anti_joins) == 1


def test_a_page_past_the_results_is_404(editor):
    make_catalogue(2)
    assert editor.client.get("/api/creators/?page=2").status_code == 404


def test_filter_sets_share_no_per_request_state(db):
    tiktok = CreatorFilterSet(data=QueryDict("platform=tiktok&min_followers=5"), queryset=Creator.objects.all())
    youtube = CreatorFilterSet(data=QueryDict("platform=youtube"), queryset=Creator.objects.all())
    tiktok.qs, youtube.qs  # noqa: B018 - evaluates the filters
    assert len(tiktok.account_terms) == 2 and len(youtube.account_terms) == 1
    assert tiktok.filters["platform"] is not youtube.filters["platform"]
    assert tiktok.filters["platform"].parent is tiktok and youtube.filters["platform"].parent is youtube
    assert tiktok.filters["platform"].filter.f is tiktok.filters["platform"]
    assert "parent" not in CreatorFilterSet.base_filters["platform"].__dict__
