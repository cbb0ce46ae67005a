"""GET /api/creators/ answered from the in-memory discovery columns: the same JSON as from the
database, and never the answer of before a write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.caching.versions import data_version_bump
from influencers.models import AccountMetrics, Creator
from influencers.selectors import creators as creators_selectors
from influencers.selectors.discovery_columns import discovery_head, kept_creator_rows
from tests.factories import BrandFactory
from tests.influencers.test_discovery_columns import catalogue, columns_on  # noqa: F401  (fixtures used below)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue", "columns_on")]


def test_a_write_is_never_answered_from_the_columns_of_before(editor):
    first = editor.client.get("/api/creators/?sort=-followers&page_size=5").json()["results"]
    assert discovery_head({"sort": "-followers"}, limit=5) is not None  # built for this version
    newcomer = AccountMetrics.objects.order_by("followers").first()
    newcomer.followers = 10**9
    newcomer.save()
    data_version_bump("catalogue")  # what the write watch does on commit
    again = editor.client.get("/api/creators/?sort=-followers&page_size=5").json()["results"]
    assert again[0]["id"] == newcomer.account.creator_id != first[0]["id"]


def test_the_api_answers_the_same_from_the_columns_and_the_database(settings, editor):
    urls = [
        "/api/creators/?platform=tiktok&min_followers=10000",
        "/api/creators/?audience_country=CN&audience_country_min=0.5&sort=-engagement_rate",
        "/api/creators/?risk_level=low,medium&sort=fake_risk&page=2&page_size=10",
        "/api/creators/?category=beauty&has_contact_email=true&sort=-growth_30d",
    ]
    from_columns = [editor.client.get(url).json() for url in urls]
    assert discovery_head({"sort": "-followers"}, limit=5) is not None
    # Again, with the rows of the pages kept: each page still has its own representative accounts.
    assert [editor.client.get(url).json() for url in reversed(urls)] == from_columns[::-1]
    settings.DISCOVERY_COLUMNS = False
    from_database = [editor.client.get(url).json() for url in urls]
    assert from_columns == from_database
    assert any(page["results"] for page in from_columns)


def test_the_rows_of_a_page_are_read_once_per_data_version_and_again_after_a_write(editor):
    url = "/api/creators/?sort=-followers&page_size=5"
    editor.client.get(url)
    assert discovery_head({"sort": "-followers"}, limit=5) is not None  # built for this version
    first = editor.client.get(url).json()["results"]  # reads and keeps the page's rows
    with CaptureQueriesContext(connection) as queries:
        assert editor.client.get(url).json()["results"] == first
    assert not [q for q in queries.captured_queries if "influencers_account" in q["sql"]]

    top = Creator.objects.get(pk=first[0]["id"])
    top.display_name = "Renamed since"
    top.save()
    metrics = AccountMetrics.objects.get(account_id=first[0]["matched_account"]["id"])
    metrics.engagement_rate = 0.123
    metrics.save()
    data_version_bump("catalogue")  # what the write watch does on commit
    again = editor.client.get(url).json()["results"]
    assert again[0]["display_name"] == "Renamed since"
    assert again[0]["matched_account"]["engagement_rate"] == 0.123


def test_a_brands_matches_list_the_creator_rows_discovery_keeps(editor, monkeypatch, settings):
    brand = BrandFactory(organization=editor.organization)
    url = f"/api/brands/{brand.pk}/matches/?limit=100&include_unvetted=true"
    first = editor.client.get(url)
    assert first.status_code == 200, first.content
    assert kept_creator_rows() is not None  # the columns of this version, holding the rows read
    read: list[int] = []
    real = creators_selectors._read_rows

    def counted(ids):
        read.extend(ids)
        return real(ids)

    monkeypatch.setattr(creators_selectors, "_read_rows", counted)
    other_weights = url + "&w_value=0.9"  # another ranking of the same creators (no cached response)
    from_kept = editor.client.get(other_weights).json()
    assert from_kept["results"], "the catalogue's creators should be ranked"
    assert read == []  # every row was kept by the first page
    settings.DISCOVERY_COLUMNS = False
    from_database = editor.client.get(other_weights + "&offset=0").json()
    assert read  # read this time
    assert from_kept["results"] == from_database["results"]
