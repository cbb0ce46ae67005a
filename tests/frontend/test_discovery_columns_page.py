"""The web UI's discovery page lists, counts and pages the same creators whether the in-memory
discovery columns or the database answer its filters."""

from __future__ import annotations

import pytest

from influencers.selectors.discovery_columns import discovery_head
from tests.influencers.test_discovery_columns import catalogue, columns_on  # noqa: F401  (fixtures used below)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue", "columns_on")]

QUERIES = [
    "?platform=tiktok&sort=-followers",
    "?audience_country=CN&audience_country_min_pct=50&sort=-engagement_rate",
    "?risk_level=low&risk_level=medium&sort=fake_risk&page=2",
    "?category=beauty&min_followers=10000",
]


def shown(ui, query: str) -> tuple[list[tuple[int, int | None]], int]:
    response = ui.get("/" + query)
    assert response.status_code == 200
    rows = [(row["creator"].pk, getattr(row["creator"], "rep_account_id", None)) for row in response.context["rows"]]
    return rows, response.context["page"].paginator.count


def test_the_page_is_the_same_from_the_columns_and_the_database(ui, settings):
    from_columns = [shown(ui, query) for query in QUERIES]
    assert discovery_head({"sort": "-followers"}, limit=5) is not None  # the columns were built and served
    settings.DISCOVERY_COLUMNS = False
    from_database = [shown(ui, query) for query in QUERIES]
    assert from_columns == from_database
    assert all(rows for rows, _ in from_columns[:2])
