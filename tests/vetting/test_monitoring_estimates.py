"""Price and reach estimates from the documented rate table."""

from __future__ import annotations

import copy
import json

import pytest

from core.errors import InputError
from vetting.monitoring import pricing as est


@pytest.fixture(scope="module")
def table() -> est.RateTable:
    return est.load_rate_table()


def test_bundled_table_cites_its_sources_and_date(table: est.RateTable) -> None:
    assert table.as_of
    assert all(s.get("url") for s in table.sources.values())
    for rates in table.platforms.values():
        for tier in rates.tiers:
            assert tier.cost_sources, tier.tier  # every cost range names where it comes from
            assert tier.cost_low <= tier.cost_high


def test_tiers_follow_the_follower_count(table: est.RateTable) -> None:
    assert est.tier_for(table, "instagram", 5_000)[0].tier == "nano"
    assert est.tier_for(table, "instagram", 10_000)[0].tier == "micro"
    assert est.tier_for(table, "instagram", 2_500_000)[0].tier == "mega"
    tier, basis, entry = est.tier_for(table, "weibo", 20_000)
    assert entry == "default" and "weibo has no entry" in basis


def test_feed_estimate_uses_followers_times_reach_rate(table: est.RateTable) -> None:
    result = est.estimate_account(table, platform="instagram", followers=40_000, median_engagements=1_000)
    tier = est.tier_for(table, "instagram", 40_000)[0]
    assert result["label"] == "estimate"
    assert result["reach_per_post"]["low"] == round(40_000 * tier.reach_low)
    assert result["reach_per_post"]["high"] == round(40_000 * tier.reach_high)
    assert result["cost_per_post_usd"]["low"] == tier.cost_low
    # CPM low = cheapest cost over the widest reach; CPE = cost per engagement.
    assert result["cpm_usd"]["low"] == pytest.approx(tier.cost_low / (40_000 * tier.reach_high) * 1000, rel=1e-3)
    assert result["cpm_usd"]["high"] == pytest.approx(tier.cost_high / (40_000 * tier.reach_low) * 1000, rel=1e-3)
    assert result["cpe_usd"]["low"] == pytest.approx(tier.cost_low / 1_000, rel=1e-3)
    assert result["cpm_usd"]["low"] <= result["cpm_usd"]["mid"] <= result["cpm_usd"]["high"]


def test_video_estimate_prefers_the_accounts_own_views(table: est.RateTable) -> None:
    result = est.estimate_account(table, platform="douyin", followers=800_000, median_views=120_000)
    assert result["reach_per_post"] == {
        "low": 120_000,
        "high": 120_000,
        "basis": "median views of recent posts",
        "basis_message": {"code": "estimate.reach_views", "params": {}},
    }
    assert result["cpe_usd"]["low"] is None  # no engagement figures: no CPE, said so
    assert "no engagement" in result["cpe_usd"]["basis"]


def _raw() -> dict:
    return json.loads(est.DEFAULT_TABLE.read_text(encoding="utf-8"))


def test_bad_tables_are_refused_with_the_json_path() -> None:
    raw = _raw()
    raw["platforms"]["instagram"]["tiers"][1]["cost_per_post_usd"] = [500, 100]
    with pytest.raises(InputError) as err:
        est.parse_rate_table(raw, source="custom.json")
    assert "custom.json" in str(err.value) and "platforms.instagram.tiers[1].cost_per_post_usd" in str(err.value)

    raw = _raw()
    raw["platforms"]["tiktok"]["tiers"][0]["cost_sources"] = ["made-up"]
    with pytest.raises(InputError, match="unknown source"):
        est.parse_rate_table(raw, source="custom.json")

    raw = _raw()
    del raw["platforms"]["default"]
    with pytest.raises(InputError, match="default"):
        est.parse_rate_table(raw, source="custom.json")


def test_a_custom_table_file_is_used_when_configured(tmp_path, settings) -> None:
    raw = copy.deepcopy(_raw())
    raw["as_of"] = "2030-01-01"
    for tier in raw["platforms"]["instagram"]["tiers"]:
        tier["cost_per_post_usd"] = [1, 2]
    path = tmp_path / "rates.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    table = est.load_rate_table(path)
    assert table.as_of == "2030-01-01"
    assert est.estimate_account(table, platform="instagram", followers=20_000)["cost_per_post_usd"]["high"] == 2
    with pytest.raises(InputError, match="not found"):
        est.load_rate_table(tmp_path / "missing.json")


@pytest.mark.django_db
def test_export_fields_are_numbers_a_client_can_sort() -> None:
    from django.utils import timezone

    from tests.factories import AccountFactory, HistoryPointFactory, PostFactory
    from vetting.monitoring import ESTIMATE_EXPORT_COLUMNS, estimate_export_fields

    account = AccountFactory(platform="instagram")
    HistoryPointFactory(account=account, date=timezone.localdate(), followers=20_000)
    PostFactory(account=account, likes=480, comments=20)
    fields = estimate_export_fields(account)
    assert set(ESTIMATE_EXPORT_COLUMNS) <= set(fields)
    table = est.load_rate_table()
    tier = est.tier_for(table, "instagram", 20_000)[0]
    assert (fields["est_cost_min_usd"], fields["est_cost_max_usd"]) == (tier.cost_low, tier.cost_high)
    assert (fields["est_reach_min"], fields["est_reach_max"]) == (
        round(20_000 * tier.reach_low),
        round(20_000 * tier.reach_high),
    )
    assert isinstance(fields["est_cpm_min_usd"], float) and fields["est_cpm_min_usd"] == round(
        fields["est_cpm_min_usd"], 2
    )
    assert fields["est_tier"] == tier.tier and fields["est_rate_table"].params == {
        "name": table.name,
        "date": table.as_of,
    }
    assert all(estimate_export_fields(None)[c] is None for c in ESTIMATE_EXPORT_COLUMNS)
