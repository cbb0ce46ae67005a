"""One filter convention: list parameters repeatable and comma-separated, codes case-insensitive,
and a 400 (with what is allowed) for unknown parameters, bad values, bad booleans and min > max."""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_error
from tests.factories import AccountFactory, AccountMetricsFactory, AlertFactory, BrandFactory, CreatorFactory


@pytest.fixture
def countries(db):
    made = {}
    for code, n in (("CN", 3), ("TW", 2), ("JP", 1)):
        for i in range(n):
            creator = CreatorFactory(country=code, display_name=f"{code}-{i}")
            account = AccountFactory(creator=creator, platform="instagram" if code != "JP" else "tiktok")
            AccountMetricsFactory(account=account, followers=10_000 * (i + 1))
        made[code] = n
    return made


def _count(client, query: str) -> int:
    response = client.get(f"/api/creators/?{query}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


@pytest.mark.parametrize(
    "query",
    ["country=CN&country=TW", "country=CN,TW", "country=cn,tw", "country=CN&country=tw,CN", "country=%20cn%20,TW"],
)
def test_repeated_and_comma_separated_countries_mean_the_same(editor, countries, query):
    assert _count(editor.client, query) == 5


@pytest.mark.parametrize("query", ["platform=TikTok", "platform=tiktok,youtube", "platform=youtube&platform=TIKTOK"])
def test_platform_codes_are_case_insensitive_and_repeatable(editor, countries, query):
    assert _count(editor.client, query) == 1


@pytest.mark.parametrize(
    ("query", "field", "code", "listed"),
    [
        ("min_follower=10", "min_follower", "unknown_parameter", "min_followers"),
        ("verified=banana", "verified", "invalid_boolean", "true"),
        ("platform=myspace", "platform", "invalid_choice", "instagram"),
        ("risk_level=low,scary", "risk_level", "invalid_choice", "insufficient"),
        ("sort=cheapest", "sort", "invalid_choice", "-followers"),
        ("min_followers=500&max_followers=100", "max_followers", "invalid_range", "min_followers"),
        ("min_engagement_rate=0.5&max_engagement_rate=0.1", "max_engagement_rate", "invalid_range", "0.1"),
    ],
)
def test_bad_parameters_are_400_saying_what_is_allowed(editor, countries, query, field, code, listed):
    body = assert_error(editor.client.get(f"/api/creators/?{query}"), field)
    assert body["errors"][0]["code"] == code
    assert listed in body["detail"]


def test_good_booleans_in_any_spelling(editor, countries):
    assert _count(editor.client, "verified=FALSE") == _count(editor.client, "verified=0") == 6


def test_matches_take_the_same_convention(editor, countries, settings):
    brand = BrandFactory(organization=editor.organization)
    url = f"/api/brands/{brand.pk}/matches/"
    assert_error(editor.client.get(f"{url}?w_audiance=1"), "w_audiance")
    assert_error(editor.client.get(f"{url}?include_unvetted=perhaps"), "include_unvetted")
    assert_error(editor.client.get(f"{url}?min_followers=9&max_followers=1"), "max_followers")


def test_alert_filters_repeat_or_comma_separate(editor):
    for severity in ("low", "medium", "high"):
        AlertFactory(organization=editor.organization, severity=severity)
    repeated = editor.client.get("/api/monitoring/alerts/?severity=LOW&severity=high").json()
    joined = editor.client.get("/api/monitoring/alerts/?severity=low,High").json()
    assert repeated["count"] == joined["count"] == 2
    body = assert_error(editor.client.get("/api/monitoring/alerts/?severity=urgent"), "severity")
    assert "medium" in body["detail"]


def test_unknown_parameters_are_refused_on_every_list(editor):
    for url in ("/api/brands/", "/api/shortlists/", "/api/notes/", "/api/jobs/", "/api/monitoring/watches/"):
        body = assert_error(editor.client.get(f"{url}?colour=red"), "colour")
        assert "page_size" in body["detail"], url
