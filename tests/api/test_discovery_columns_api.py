"""GET /api/creators/ answered from the in-memory discovery columns: the same JSON as from the
database, and never the answer of before a write."""

from __future__ import annotations

import pytest

from core.caching.versions import data_version_bump
from influencers.models import AccountMetrics
from influencers.selectors.discovery_columns import discovery_head
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
    settings.DISCOVERY_COLUMNS = False
    from_database = [editor.client.get(url).json() for url in urls]
    assert from_columns == from_database
    assert any(page["results"] for page in from_columns)
