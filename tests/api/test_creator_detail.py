"""GET /api/creators/{id}/: accounts with metrics and formulas, the vetting report, audience,
growth history as a time series, top posts and images."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    AudienceProfileFactory,
    CreatorFactory,
    HistoryPointFactory,
    MediaAssetFactory,
    PostFactory,
)


@pytest.fixture
def creator(db):
    creator = CreatorFactory(display_name="小红 Xiaohong")
    account = AccountFactory(creator=creator, platform="xiaohongshu")
    vetting = {
        "signals": [
            {
                "name": "audience_quality",
                "value": 0.12,
                "benchmark": 0.2,
                "weight": 0.4,
                "evidence": "12% of sampled followers look fake",
            }
        ]
    }
    AccountMetricsFactory(
        account=account,
        followers=12_000,
        engagement_rate=0.051,
        er_formula="(likes+saves+comments)/followers",
        details={"er": {"posts": 12}},
        vetting=vetting,
        fake_risk=0.12,
        risk_level="low",
    )
    for day, followers in [(3, 11_800), (1, 11_000), (2, 11_500)]:
        HistoryPointFactory(account=account, date=dt.date(2026, 1, day), followers=followers)
    AudienceProfileFactory(account=account, as_of=dt.date(2025, 1, 1), countries={"US": 1.0})
    AudienceProfileFactory(account=account, as_of=dt.date(2026, 1, 1), countries={"CN": 0.8, "TW": 0.2})
    low = PostFactory(account=account, likes=10, comments=1)
    high = PostFactory(account=account, likes=900, comments=50, saves=100)
    MediaAssetFactory(account=account, post=high, source_url="https://img.example/1.jpg")
    return {"creator": creator, "account": account, "low": low, "high": high}


def test_detail_has_metrics_formula_vetting_growth_audience_posts_images(editor, creator):
    response = editor.client.get(f"/api/creators/{creator['creator'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "小红 Xiaohong"
    account = body["accounts"][0]
    assert account["metrics"]["er_formula"] == "(likes+saves+comments)/followers"
    assert account["metrics"]["details"] == {"er": {"posts": 12}}
    assert account["vetting"]["signals"][0]["evidence"] == "12% of sampled followers look fake"
    assert [p["date"] for p in account["growth"]] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert [p["followers"] for p in account["growth"]] == [11_000, 11_500, 11_800]
    assert account["audience"]["countries"] == {"CN": 0.8, "TW": 0.2}  # the newest profile
    assert account["top_posts"][0]["id"] == creator["high"].pk
    assert account["top_posts"][0]["engagement"] == 900 + 50 + 100
    assert account["top_posts"][0]["images"][0]["url"] == "https://img.example/1.jpg"
    assert body["images"][0]["url"] == "https://img.example/1.jpg"


def test_unknown_creator_is_404_json(editor, db):
    response = editor.client.get("/api/creators/999999/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_viewer_can_read_the_catalogue(viewer, creator):
    assert viewer.client.get(f"/api/creators/{creator['creator'].pk}/").status_code == 200
    assert viewer.client.get("/api/creators/").status_code == 200


def test_detail_lists_past_brand_partners_with_links_to_the_posts(editor, creator):
    from tests.factories import BrandFactory

    BrandFactory(organization=editor.organization, name="Calmia", competitors=["Lumiskin 璐美肤"])
    account = creator["account"]
    first = PostFactory(
        account=account,
        is_sponsored=True,
        sponsorship_source="flag",
        sponsor="Lumiskin",
        url="https://www.xiaohongshu.com/explore/1",
        posted_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    second = PostFactory(
        account=account,
        is_sponsored=True,
        sponsorship_source="marker",
        sponsorship_marker="#广告",
        caption="#广告 感谢璐美肤",
        posted_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
    )
    PostFactory(account=account, is_sponsored=False, caption="Lumiskin is lovely")  # not paid: not a partner

    body = editor.client.get(f"/api/creators/{creator['creator'].pk}/").json()

    (partner,) = body["brand_partners"]
    assert partner["name"] == "Lumiskin 璐美肤"  # the organisation's name for the competitor
    assert partner["posts"] == 2
    assert partner["last_posted_at"].startswith("2026-02-01")
    assert sorted(partner["matched_by"]) == ["caption", "sponsor"]
    assert [p["id"] for p in partner["recent_posts"]] == [second.pk, first.pk]
    assert partner["recent_posts"][1]["url"] == "https://www.xiaohongshu.com/explore/1"
    assert partner["recent_posts"][0]["platform"] == "xiaohongshu"
