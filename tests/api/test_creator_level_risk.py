"""Issue 15, items 1 and 2 through the API: discovery rows and filters, the creator page, brand
matches, shortlists and exports all carry the creator-level verdict (its worst vetted
account's, named) with its confidence and what is missing; no filter reads an account without
enough evidence as clean."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    AudienceProfileFactory,
    BrandFactory,
    CreatorFactory,
    PostFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)
from vetting.services.exports import export_rows

pytestmark = pytest.mark.django_db


def account(creator, platform: str, *, followers: int, level: str, risk, confidence=0.8, missing=()):
    a = AccountFactory(creator=creator, platform=platform)
    AccountMetricsFactory(
        account=a,
        followers=followers,
        fake_risk=risk,
        risk_level=level,
        risk_confidence=confidence,
        risk_missing=list(missing),
        engagement_rate=0.03,
    )
    return a


@pytest.fixture
def creators(db):
    """墨墨酱 (a clean Douyin, a 96.5%-fake Xiaohongshu), a clean creator, one whose only
    account lacks evidence, one with a clean account next to an unevidenced one."""
    momo = CreatorFactory(display_name="墨墨酱", country="CN")
    douyin = account(momo, "douyin", followers=53_524, level="low", risk=0.0, confidence=0.77)
    xhs = account(momo, "xiaohongshu", followers=89_614, level="high", risk=1.0, confidence=0.83, missing=["images"])
    clean = CreatorFactory(display_name="Clean", country="CN")
    account(clean, "instagram", followers=20_000, level="low", risk=0.05)
    thin = CreatorFactory(display_name="Thin", country="CN")
    account(
        thin,
        "instagram",
        followers=30_000,
        level="insufficient",
        risk=0.0,
        confidence=0.12,
        missing=["follower_sample", "history", "comments"],
    )
    mixed = CreatorFactory(display_name="Mixed", country="CN")
    account(mixed, "instagram", followers=10_000, level="low", risk=0.1)
    account(mixed, "tiktok", followers=90_000, level="insufficient", risk=0.8, confidence=0.1)
    return {"momo": momo, "douyin": douyin, "xhs": xhs, "clean": clean, "thin": thin, "mixed": mixed}


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["display_name"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("risk_level=low", {"Clean", "Mixed"}),
        ("risk_level=high", {"墨墨酱"}),
        ("risk_level=insufficient", {"Thin"}),
        ("risk_level=low&risk_level=insufficient", {"Clean", "Mixed", "Thin"}),
        ("max_fake_risk=0.3", {"Clean", "Mixed"}),
        ("max_fake_risk=1", {"Clean", "Mixed", "墨墨酱"}),  # a verdict is needed, whatever the bound
        # The representative account may be the clean Douyin; the creator is still not low.
        ("platform=douyin&risk_level=low", set()),
        ("platform=douyin", {"墨墨酱"}),
    ],
)
def test_discovery_risk_filters_are_creator_level(editor, creators, query, expected):
    assert names(editor.client.get(f"/api/creators/?{query}")) == expected


def test_discovery_rows_name_the_account_that_sets_the_risk_with_confidence_and_missing(editor, creators):
    rows = {r["display_name"]: r for r in editor.client.get("/api/creators/?platform=douyin").json()["results"]}
    momo = rows["墨墨酱"]
    assert momo["matched_account"]["platform"] == "douyin" and momo["matched_account"]["fake_risk"] == 0.0
    assert momo["risk"] == {
        "level": "high",
        "fake_risk": 1.0,
        "confidence": 0.83,
        "account": {"id": creators["xhs"].pk, "platform": "xiaohongshu", "handle": creators["xhs"].handle},
        "missing": ["images"],
        "accounts_without_verdict": [],
    }
    by_platform = {a["platform"]: a["metrics"] for a in momo["accounts"]}
    assert by_platform["xiaohongshu"]["risk_confidence"] == 0.83
    assert by_platform["xiaohongshu"]["risk_missing"] == ["images"]
    rows = {r["display_name"]: r for r in editor.client.get("/api/creators/").json()["results"]}
    assert rows["Thin"]["risk"]["level"] == "insufficient"
    assert rows["Thin"]["risk"]["missing"] == ["follower_sample", "history", "comments"]
    assert rows["Mixed"]["risk"]["level"] == "low"
    assert [a["platform"] for a in rows["Mixed"]["risk"]["accounts_without_verdict"]] == ["tiktok"]


def test_sorting_by_risk_sorts_by_the_creators_risk(editor, creators):
    response = editor.client.get("/api/creators/?sort=-fake_risk")
    order = [r["display_name"] for r in response.json()["results"]]
    assert order[0] == "墨墨酱" and order[-1] == "Thin"  # no verdict: last
    response = editor.client.get("/api/creators/?sort=fake_risk")
    order = [r["display_name"] for r in response.json()["results"]]
    assert order[:3] == ["Clean", "Mixed", "墨墨酱"] and order[-1] == "Thin"


def test_the_creator_page_carries_the_creator_level_verdict(editor, creators):
    body = editor.client.get(f"/api/creators/{creators['momo'].pk}/").json()
    assert body["risk"]["level"] == "high" and body["risk"]["account"]["platform"] == "xiaohongshu"


def test_a_match_row_carries_the_creators_verdict_and_competitor_posts_as_links(editor, creators):
    brand = BrandFactory(
        organization=editor.organization,
        competitors=["Lumiskin"],
        preferred_platforms=[],
        min_followers=None,
        values=["skincare"],
        description="",
    )
    AudienceProfileFactory(account=creators["douyin"], countries={"CN": 1.0})
    with_url = PostFactory(
        account=creators["douyin"],
        is_sponsored=True,
        sponsor="Lumiskin",
        url="https://www.douyin.com/video/1",
        caption="new serum",
    )
    without = PostFactory(account=creators["xhs"], is_sponsored=True, sponsor="Lumiskin", url="", caption="gift")
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/?platform=douyin")
    assert response.status_code == 200, response.content
    (row,) = [r for r in response.json()["results"] if r["creator"]["id"] == creators["momo"].pk]
    assert row["risk"]["level"] == "high" and row["risk"]["account"]["platform"] == "xiaohongshu"
    authenticity = {p["name"]: p for p in row["parts"]}["authenticity"]
    assert "Xiaohongshu (RED) @" in authenticity["explanation"] and authenticity["score"] < 0.5
    links = {p["post_id"]: p["url"] for p in row["competitor_posts"]}
    assert links[with_url.pk] == "https://www.douyin.com/video/1"
    # The Xiaohongshu post is outside the douyin filter; on a search with both platforms it is
    # linked to the creator page at the post (no URL was imported).
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/")
    (row,) = [r for r in response.json()["results"] if r["creator"]["id"] == creators["momo"].pk]
    links = {p["post_id"]: p["url"] for p in row["competitor_posts"]}
    assert links[without.pk].endswith(
        f"/creators/{creators['momo'].pk}/?account={creators['xhs'].pk}&post={without.pk}#post-{without.pk}"
    )
    assert not any(f"post {p['post_id']}" in e for e in row["explanations"] for p in row["competitor_posts"])
    # max_risk is creator-level: the high Xiaohongshu keeps 墨墨酱 out even on a Douyin search.
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/?platform=douyin&max_risk=0.3")
    assert creators["momo"].pk not in {r["creator"]["id"] for r in response.json()["results"]}


def test_match_max_risk_never_reads_an_unevidenced_creator_as_clean(editor, creators):
    brand = BrandFactory(organization=editor.organization, preferred_platforms=[], min_followers=None)
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/?max_risk=0.3")
    ids = {r["creator"]["id"] for r in response.json()["results"]}
    assert ids == {creators["clean"].pk, creators["mixed"].pk}
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/?max_risk=0.3&include_unvetted=true")
    ids = {r["creator"]["id"] for r in response.json()["results"]}
    assert ids == {creators["clean"].pk, creators["mixed"].pk, creators["thin"].pk}


def test_shortlist_rows_and_exports_carry_the_creators_verdict(editor, creators):
    shortlist = ShortlistFactory(organization=editor.organization, brand=None)
    for key in ("momo", "thin"):
        ShortlistEntryFactory(shortlist=shortlist, creator=creators[key])
    entries = editor.client.get(f"/api/shortlists/{shortlist.pk}/entries/").json()
    entries = entries["results"] if isinstance(entries, dict) else entries
    risks = {e["creator"]["display_name"]: e["creator"]["risk"] for e in entries}
    assert risks["墨墨酱"]["level"] == "high" and risks["墨墨酱"]["account"]["platform"] == "xiaohongshu"
    assert risks["Thin"]["level"] == "insufficient" and risks["Thin"]["confidence"] == 0.12

    rows, _ = export_rows(organization_id=editor.organization.pk, shortlist_id=shortlist.pk)
    values = {r.values["display_name"]: r.values for r in rows}
    momo = values["墨墨酱"]
    # The primary (largest) account is the Xiaohongshu here; the verdict columns are the creator's.
    assert (momo["fake_risk"], momo["risk_level"], momo["risk_confidence"]) == (1.0, "high", 0.83)
    assert momo["risk_account"].params == {"platform": "xiaohongshu", "handle": creators["xhs"].handle}
    assert momo["risk_missing"] == ["images"]
    thin = values["Thin"]
    assert thin["risk_level"] == "insufficient" and thin["risk_missing"] == ["follower_sample", "history", "comments"]

    from vetting.services.exports.rows import ExportContext
    from vetting.services.exports.tabular import write_csv

    path = __import__("pathlib").Path(__import__("tempfile").mkdtemp()) / "x.csv"
    write_csv(path, rows, context=ExportContext(title="t"), progress=lambda n: None, header_row="code")
    table = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {r["display_name"]: r["risk_account"] for r in table}["墨墨酱"].startswith("Xiaohongshu (RED) @")
    assert {r["display_name"]: r["risk_level"] for r in table}["Thin"] == "Not enough evidence"


def test_a_creator_led_by_a_clean_account_exports_the_risky_one(editor, creators):
    """The export's primary account is the largest; the verdict columns still name the worst."""
    creator = CreatorFactory(display_name="Big clean, small fraud")
    account(creator, "instagram", followers=500_000, level="low", risk=0.02)
    small = account(creator, "weibo", followers=2_000, level="high", risk=0.9)
    shortlist = ShortlistFactory(organization=editor.organization, brand=None)
    ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    (row,) = export_rows(organization_id=editor.organization.pk, shortlist_id=shortlist.pk)[0]
    assert row.values["platform"] == "instagram"
    assert row.values["risk_level"] == "high"
    assert row.values["risk_account"].params == {"platform": "weibo", "handle": small.handle}
