"""`_report_values` (vetting.services.reports) hands the engagement scorer the history only when
it reads it (`_rates_posts`), as the (dates, followers) columns it was read as: the same report
as always handing it every snapshot as a SnapshotPoint, on named cases and random accounts."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core.stored_json import stored_json
from influencers.metrics.growth import SnapshotPoint
from vetting.scoring.engagement import StoredEngagement, engagement_report
from vetting.services import reports

NOW = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)


def _evidence(rng: random.Random, *, platform: str, posts: int, days: int, stored: StoredEngagement | None):
    start = dt.date(2026, 12, 6) - dt.timedelta(days=days)
    followers = rng.randint(500, 500_000)
    history = []
    for day in range(days):
        followers = max(0, followers + rng.randint(-2_000, 8_000))
        history.append((start + dt.timedelta(days=day), followers, rng.choice([None, rng.randint(0, 900)])))
    post_rows = [
        {
            "id": index + 1,
            "account_id": 1,
            "platform_post_id": f"p{index}",
            "posted_at": NOW - dt.timedelta(days=rng.randint(0, max(days, 1)), hours=rng.randint(0, 23)),
            "url": f"https://example.com/p{index}",
            "caption": rng.choice(["zero waste skincare", "日常分享", "", "fast fashion haul"]),
            "likes": rng.randint(0, 20_000),
            "comments": rng.randint(0, 900),
            "shares": rng.choice([None, rng.randint(0, 500)]),
            "saves": rng.choice([None, rng.randint(0, 500)]),
            "views": rng.choice([None, 0, rng.randint(1, 900_000)]),
            "is_sponsored": rng.random() < 0.2,
        }
        for index in range(posts)
    ]
    return reports.AccountEvidence(
        1,
        platform,
        "handle",
        "bio",
        float(history[-1][1]) if history else None,
        snapshots=history,
        posts=post_rows,
        engagement=stored,
    )


def _with_snapshot_points(*, history, **given):
    """`engagement_report` given the history as SnapshotPoints made by the constructor."""
    dates, followers = history
    return engagement_report(snapshots=list(map(SnapshotPoint, dates, followers)), **given)


def _report(evidence, *, always_history: bool, monkeypatch) -> str:
    with monkeypatch.context() as patch:
        if always_history:  # the reference: every report gets the whole history as SnapshotPoints
            patch.setattr(reports, "_rates_posts", lambda evidence: True)
            patch.setattr(reports, "engagement_report", _with_snapshot_points)
        return stored_json(reports._report_values(evidence, now=NOW, growth_fit=None))


STORED = [None, StoredEngagement(None, "", 0), StoredEngagement(0.031, "by followers", 12)]


@pytest.mark.parametrize("platform", ["instagram", "tiktok", "xiaohongshu"])
@pytest.mark.parametrize("stored", STORED, ids=["not stored", "stored none", "stored rate"])
@pytest.mark.parametrize(("posts", "days"), [(0, 0), (0, 30), (12, 0), (1, 1), (30, 120)])
def test_named_cases(platform, stored, posts, days, monkeypatch):
    evidence = _evidence(random.Random(posts * 1000 + days), platform=platform, posts=posts, days=days, stored=stored)
    assert _report(evidence, always_history=False, monkeypatch=monkeypatch) == _report(
        evidence, always_history=True, monkeypatch=monkeypatch
    )


@pytest.mark.parametrize("seed", range(15))
def test_random_accounts(seed, monkeypatch):
    rng = random.Random(seed)
    evidence = _evidence(
        rng,
        platform=rng.choice(["instagram", "tiktok", "youtube", "xiaohongshu", "weibo"]),
        posts=rng.randint(0, 30),
        days=rng.choice([0, 1, 5, 90, 200]),
        stored=rng.choice(STORED),
    )
    assert _report(evidence, always_history=False, monkeypatch=monkeypatch) == _report(
        evidence, always_history=True, monkeypatch=monkeypatch
    )


def test_stored_rate_rates_each_post_by_its_history(monkeypatch):
    # Followers grow 100-fold while every post gets the same likes: rated by the followers at
    # posting time, some posts break from their neighbours (engagement changes); rated by the
    # current followers alone, every rate is the same and nothing does. So the history must be
    # handed over.
    start = dt.date(2026, 10, 7)
    history = [(start + dt.timedelta(days=day), 1_000 + day * 1_650, None) for day in range(61)]
    posts = [
        {
            "id": index + 1,
            "account_id": 1,
            "platform_post_id": f"p{index}",
            "posted_at": dt.datetime.combine(start + dt.timedelta(days=2 * index), dt.time(12), tzinfo=dt.UTC),
            "url": "",
            "caption": "",
            "likes": 100,
            "comments": 10,
            "shares": None,
            "saves": None,
            "views": None,
            "is_sponsored": False,
        }
        for index in range(30)
    ]
    evidence = reports.AccountEvidence(
        1,
        "instagram",
        "handle",
        "",
        100_000.0,
        snapshots=history,
        posts=posts,
        engagement=StoredEngagement(0.03, "by followers", 12),
    )
    report = reports._report_values(evidence, now=NOW)
    assert report["engagement"]["changes"]
    assert _report(evidence, always_history=False, monkeypatch=monkeypatch) == _report(
        evidence, always_history=True, monkeypatch=monkeypatch
    )


@pytest.mark.django_db
def test_vetting_a_chunk_stores_each_accounts_own_report():
    # `_vet` hands each account its history columns (made once for the chunk's growth fit): the
    # stored report of every account is the one computed for it alone.
    from influencers.models import AccountMetrics
    from tests.factories import AccountFactory
    from tests.vetting.test_reports import add_history, add_posts

    accounts = [AccountFactory() for _ in range(4)]
    add_history(accounts[0], days=120, jump_day=80, jump=40_000)
    add_history(accounts[1], days=30, base=5_000, per_day=-20)
    add_history(accounts[3], days=1, base=900)  # accounts[2] has no history
    for account in accounts[:3]:
        add_posts(account, n=12)
    # Computed before the chunk is vetted: vetting stores the metrics row that reports then read.
    alone = {account.pk: reports.vetting_report(account.pk) for account in accounts}
    assert reports.vet_accounts([account.pk for account in accounts]) == 4
    for account in accounts:
        stored = AccountMetrics.objects.get(account=account).vetting
        stored.pop("computed_at"), alone[account.pk].pop("computed_at")
        assert stored == alone[account.pk], account.pk


def test_post_stats_read_from_the_rows_in_field_order():
    # `_POST_STATS` reads a post row's values in the order of PostStats' fields: each field gets
    # its own column (distinct values, so a swap would show).
    from vetting.scoring.engagement import PostStats

    row = {
        "id": 7,
        "account_id": 1,
        "platform_post_id": "p7",
        "posted_at": NOW,
        "url": "u",
        "caption": "c",
        "likes": 11,
        "comments": 12,
        "shares": 13,
        "saves": 14,
        "views": 15,
        "is_sponsored": True,
    }
    expected = PostStats(
        post_id=7, posted_at=NOW, likes=11, comments=12, shares=13, saves=14, views=15, is_sponsored=True
    )
    assert PostStats(*reports._POST_STATS(row)) == expected


def test_post_refs_are_the_posts_the_report_cites():
    # `post_refs` walks the posts only when the report cites some: for each random account, the
    # posts its engagement changes name (these accounts have no comments), none when it names none.
    rng = random.Random(20261207)
    cited_some = cited_none = 0
    for _ in range(150):
        evidence = _evidence(
            rng, platform="instagram", posts=rng.randint(0, 30), days=rng.randint(0, 40), stored=rng.choice(STORED)
        )
        report = reports._report_values(evidence, now=NOW, growth_fit=None)
        cited = {change["post_id"] for change in report["engagement"]["changes"]}
        assert report["post_refs"] == {
            str(post["id"]): {
                "platform_post_id": post["platform_post_id"],
                "posted_at": post["posted_at"],
                "url": post["url"],
            }
            for post in evidence.posts
            if post["id"] in cited
        }
        cited_some += bool(cited)
        cited_none += not cited
    assert cited_some and cited_none
