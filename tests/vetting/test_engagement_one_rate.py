"""One engagement rate per account: the vetting signal compares the stored headline ER
(AccountMetrics.engagement_rate), so a page cannot show two engagement rates; without stored
metrics the scorer computes it with the same definition and window."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.metrics.engagement import ER_DEFINITIONS
from influencers.metrics.service import refresh_metrics
from influencers.models import AccountMetrics
from tests.factories import AccountFactory, HistoryPointFactory, PostFactory
from vetting.scoring.engagement import load_benchmarks
from vetting.services.reports import vet_accounts, vetting_report

pytestmark = pytest.mark.django_db

NEWEST = dt.datetime(2019, 5, 30, 12, tzinfo=dt.UTC)


def _account(platform: str):
    """40 posts, one every 4 days up to 2019-05-30 (so the 30 posts vetting reads reach far
    beyond the 12 of the ER window), with views, shares and saves, and weekly snapshots
    (followers 50,000 + 100 a week)."""
    account = AccountFactory(platform=platform)
    for week in range(30):
        HistoryPointFactory(
            account=account, date=NEWEST.date() - dt.timedelta(weeks=29 - week), followers=50_000 + 100 * week
        )
    for i in range(40):
        PostFactory(
            account=account,
            posted_at=NEWEST - dt.timedelta(days=4 * i),
            likes=1_000 + 97 * (i % 7) + (3_000 if i >= 12 else 0),  # older posts engage far more
            comments=40 + i % 5,
            shares=25 + 11 * (i % 3),
            saves=60 + 7 * (i % 4),
            views=30_000 + 1_000 * (i % 6),
        )
    return account


@pytest.mark.parametrize("platform", ["instagram", "xiaohongshu", "weibo", "tiktok", "youtube", "pinterest"])
def test_the_vetting_signal_shows_the_headline_engagement_rate(platform):
    account = _account(platform)
    refresh_metrics([account.pk])
    vet_accounts([account.pk])

    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.engagement_rate is not None and metrics.er_posts_used == 12
    engagement = metrics.vetting["engagement"]
    assert engagement["engagement_rate"] == metrics.engagement_rate
    assert engagement["formula"] == metrics.er_formula
    assert engagement["posts_used"] == 12 and engagement["pattern_posts"] == 30
    signal = next(s for s in metrics.vetting["risk"]["signals"] if s["name"] == "engagement_rate")
    value = signal["value"]["engagement_rate"] if isinstance(signal["value"], dict) else signal["value"]
    assert value == pytest.approx(metrics.engagement_rate, abs=1e-5)
    assert metrics.vetting["rank"]["engagement_rate"] == metrics.engagement_rate


def test_the_headline_is_the_platform_rate_over_the_newest_twelve_posts():
    """The figure itself, by hand: Instagram, (likes + comments) / followers at posting time
    over the 12 newest posts (i = 0 … 11): none of the far more engaging older posts counts."""
    account = _account("instagram")
    refresh_metrics([account.pk])
    rates = []
    for i in range(12):
        posted = (NEWEST - dt.timedelta(days=4 * i)).date()
        weeks_back = min(range(30), key=lambda w: (abs((NEWEST.date() - dt.timedelta(weeks=w) - posted).days), -w))
        followers = 50_000 + 100 * (29 - weeks_back)
        rates.append((1_000 + 97 * (i % 7) + 40 + i % 5) / followers)
    rates.sort()
    expected = (rates[5] + rates[6]) / 2
    assert AccountMetrics.objects.get(account=account).engagement_rate == pytest.approx(expected)


def test_without_stored_metrics_the_report_computes_the_same_rate():
    account = _account("tiktok")
    computed_now = vetting_report(account.pk)["engagement"]["engagement_rate"]
    refresh_metrics([account.pk])
    assert computed_now == pytest.approx(AccountMetrics.objects.get(account=account).engagement_rate)


def test_the_benchmarks_measure_each_platform_with_its_definition():
    table = load_benchmarks()
    assert set(table["platforms"]) == set(ER_DEFINITIONS)
    for platform, definition in ER_DEFINITIONS.items():
        row = table["platforms"][platform]
        assert (row["denominator"], tuple(row["counts"])) == (definition.denominator, definition.counts), platform


def test_a_sparse_posters_rate_rests_on_its_window_and_the_pattern_on_its_newest_posts():
    """A post every 30 days: the ER's 90 days hold 3 posts (its confidence says so), while the
    engagement pattern still reads the 20 newest posts (full confidence)."""
    account = AccountFactory(platform="instagram")
    HistoryPointFactory(account=account, date=NEWEST.date(), followers=10_000)
    for i in range(20):
        PostFactory(account=account, posted_at=NEWEST - dt.timedelta(days=30 * i), likes=300, comments=20)
    refresh_metrics([account.pk])
    vet_accounts([account.pk])

    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.er_posts_used == 3 and metrics.engagement_rate == pytest.approx(0.032)
    signals = {s["name"]: s for s in metrics.vetting["risk"]["signals"]}
    assert signals["engagement_rate"]["confidence"] == pytest.approx(3 / 12)
    assert signals["engagement_pattern"]["confidence"] == pytest.approx(1.0)
