"""Vetting service: bulk load → pure scorers → stored, explained report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import InputError
from core.models import JobKind, JobStatus
from core.selectors.jobs import job_log_text
from core.services.jobs import run_job
from influencers.models import AccountMetrics, CommentSample, FollowerSample
from influencers.services.history import record_points
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    AudienceProfileFactory,
    CommentSampleFactory,
    FollowerSampleFactory,
    JobFactory,
    PostFactory,
)
from tests.words import en
from vetting.services.reports import vet_accounts, vetting_report

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def add_history(
    account, *, days: int = 120, base: int = 60_000, per_day: int = 150, jump_day: int | None = None, jump: int = 0
) -> None:
    points = []
    followers = base
    for i in range(days):
        followers += per_day + (i * 37) % 41 - 20  # steady with a little deterministic noise
        value = followers + (jump if jump_day is not None and i >= jump_day else 0)
        points.append((TODAY - dt.timedelta(days=days - 1 - i), value, 400, 100 + i // 3))
    record_points(account.pk, points)


def add_posts(account, *, n: int = 15, likes: int = 1_200, comments: int = 30) -> list:
    now = timezone.now()
    return [
        PostFactory(
            account=account,
            posted_at=now - dt.timedelta(days=2 * i + 1),
            likes=likes + (i * 13) % 50,
            comments=comments,
            caption=f"Skincare morning routine {i} 护肤",
        )
        for i in range(n)
    ]


def add_followers(account, *, fake: int, real: int) -> None:
    rows = [
        FollowerSampleFactory.build(
            account=account,
            username=f"user{58213 + i * 7919}",
            full_name="",
            biography="",
            followers_count=i % 9,
            following_count=2_500 + i * 13,
            media_count=0,
            has_profile_pic=False,
        )
        for i in range(fake)
    ] + [FollowerSampleFactory.build(account=account, username=f"anna.meier{i}x") for i in range(real)]
    FollowerSample.objects.bulk_create(rows)


def test_empty_mass_following_sample_makes_the_account_high_risk():
    account = AccountFactory()
    add_history(account)
    add_posts(account)
    add_followers(account, fake=150, real=50)
    assert vet_accounts([account.pk]) == 1
    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.risk_level == "high" and metrics.fake_risk >= 0.9
    quality = metrics.vetting["audience_quality"]
    # 150 of the 200 sampled followers are empty mass-followers.
    assert quality["fake_share"] == pytest.approx(0.75, abs=0.08) and quality["n"] == 200
    assert quality["interval"][0] <= 0.75 <= quality["interval"][1]
    assert quality["calibration"] == "default"
    signal = {s["name"]: s for s in metrics.vetting["risk"]["signals"]}["audience_quality"]
    assert signal["contribution"] > 0 and "interval" in en(signal["explanation"]) and signal["benchmark"]


def test_bought_follower_jump_is_reported_with_its_date():
    account = AccountFactory()
    add_history(account, jump_day=80, jump=20_000)
    add_posts(account)
    vet_accounts([account.pk])
    report = AccountMetrics.objects.get(account=account).vetting
    jumps = [a for a in report["growth"]["anomalies"] if a["kind"] == "jump"]
    assert [a["date"] for a in jumps] == [(TODAY - dt.timedelta(days=39)).isoformat()]
    assert jumps[0]["round_package"] == 20_000
    growth = {s["name"]: s for s in report["risk"]["signals"]}["growth_anomalies"]
    assert growth["risk"] >= 0.8 and growth["evidence"][0]["date"] == jumps[0]["date"]
    assert report["risk"]["level"] in ("medium", "high")


def test_clean_account_is_low_risk_with_good_confidence():
    account = AccountFactory()
    add_history(account)
    posts = add_posts(account)
    add_followers(account, fake=4, real=96)
    AudienceProfileFactory(account=account)
    CommentSample.objects.bulk_create(
        [
            CommentSampleFactory.build(
                post=posts[i % 8],
                external_id=f"c{i}",
                commenter=f"fan{i}",
                text=f"Which cleanser did you use in step {i}? My skin is dry",
            )
            for i in range(24)
        ]
    )
    vet_accounts([account.pk])
    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.risk_level == "low" and metrics.fake_risk < 0.3
    assert metrics.risk_confidence > 0.7
    assert metrics.vetting["data"]["comments"] == 24


def test_account_without_data_is_unknown_not_clean():
    account = AccountFactory()
    vet_accounts([account.pk])
    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.fake_risk is None and metrics.risk_level == "insufficient" and metrics.risk_confidence == 0.0
    assert all(not s["available"] for s in metrics.vetting["risk"]["signals"])


def test_missing_follower_sample_lowers_confidence():
    with_sample, without = AccountFactory(), AccountFactory()
    for account in (with_sample, without):
        add_history(account)
        add_posts(account)
    add_followers(with_sample, fake=5, real=95)
    vet_accounts([with_sample.pk, without.pk])
    conf = dict(AccountMetrics.objects.values_list("account_id", "risk_confidence"))
    assert conf[without.pk] < conf[with_sample.pk]


def test_vetting_keeps_metric_columns_and_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    accounts = [AccountFactory() for _ in range(6)]
    for account in accounts:
        add_history(account, days=20)
        add_posts(account, n=4)
    AccountMetricsFactory(account=accounts[0], followers=123, engagement_rate=0.042, er_formula="x")
    # 12, and the two UPDATEs that mark the accounts and creators changed for sync (touch_accounts)
    with django_assert_max_num_queries(14):
        assert vet_accounts([a.pk for a in accounts] + [999_999]) == 6
    kept = AccountMetrics.objects.get(account=accounts[0])
    assert kept.engagement_rate == 0.042 and kept.followers == 123 and kept.vetting["version"] == 3
    assert AccountMetrics.objects.count() == 6


def test_vetting_report_is_the_full_explained_report():
    account = AccountFactory()
    add_history(account)
    add_posts(account)
    report = vetting_report(account.pk)
    assert set(report) >= {"risk", "audience_quality", "growth", "engagement", "comments", "data", "post_refs"}
    for signal in report["risk"]["signals"]:
        assert {"value", "benchmark", "weight", "contribution", "risk", "confidence", "explanation"} <= set(signal)
    assert report["engagement"]["benchmark"]["sources"]
    assert not AccountMetrics.objects.filter(account=account).exists()  # computed, not stored


def test_vetting_report_of_unknown_account_is_an_input_error():
    with pytest.raises(InputError, match="does not exist"):
        vetting_report(424242)
    with pytest.raises(InputError, match="not an account id"):
        vetting_report("abc")


def test_score_job_runs_through_the_job_runner():
    account = AccountFactory()
    add_history(account)
    job = JobFactory(kind=JobKind.SCORE, params={"account_ids": [account.pk]})
    job = run_job(job_id=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["accounts"] == 1 and "vetted 1 account" in job_log_text(job, "en")
    assert AccountMetrics.objects.get(account=account).vetting


def test_score_job_rejects_bad_params():
    job = JobFactory(kind=JobKind.SCORE, params={"account_ids": "all"})
    with pytest.raises(InputError, match="account_ids"):
        run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_vetting_accounts_that_all_have_metrics_updates_only_the_vetting_columns(django_assert_max_num_queries):
    # After an import the metrics follow-up has written every row: the vetting then sends one
    # narrow UPDATE (not the upsert), which must store the same report and keep the metrics.
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        add_history(account, days=40, jump_day=30, jump=20_000)
        add_posts(account, n=4)
        AccountMetricsFactory(account=account, followers=123, engagement_rate=0.042, er_formula="x")
    with django_assert_max_num_queries(15):  # PostgreSQL stages the rows first (core.sql.staged_rows)
        assert vet_accounts([a.pk for a in accounts]) == 3
    for account in accounts:
        stored = AccountMetrics.objects.get(account=account)
        assert (stored.followers, stored.engagement_rate, stored.er_formula) == (123, 0.042, "x")
        report = vetting_report(account.pk)
        assert {k: v for k, v in stored.vetting.items() if k != "computed_at"} == {
            k: v for k, v in report.items() if k != "computed_at"
        }
        assert (stored.fake_risk, stored.risk_level, stored.risk_missing) == (
            report["risk"]["risk"],
            report["risk"]["level"],
            report["risk"]["missing"],
        )
        assert any(a["kind"] == "jump" for a in stored.vetting["growth"]["anomalies"])


def test_a_chunk_whose_accounts_have_no_data_stores_their_empty_verdicts():
    # Every account of the chunk without history or posts: fake_risk is None for all of them.
    # On PostgreSQL the chunk is one UPDATE … FROM (VALUES …), whose columns holding only NULLs
    # are text unless each value is cast to its column's type.
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        AccountMetricsFactory(account=account, followers=0, fake_risk=0.5, risk_level="high", risk_confidence=0.9)
    assert vet_accounts([a.pk for a in accounts]) == 3
    for account in accounts:
        stored = AccountMetrics.objects.get(account=account)
        report = vetting_report(account.pk)
        assert report["risk"]["risk"] is None
        assert (stored.fake_risk, stored.risk_level, stored.risk_confidence, stored.risk_missing) == (
            None,
            report["risk"]["level"],
            report["risk"]["confidence"],
            report["risk"]["missing"],
        )
        assert stored.vetting["risk"]["level"] == report["risk"]["level"]


def test_on_postgresql_a_chunk_of_reports_is_written_by_one_statement():
    # The creator-level risk triggers (influencers 0011) are statement-level on PostgreSQL: sent
    # row by row (executemany) they ran once per account. The chunk goes in one UPDATE instead,
    # and each account still gets its own report.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite keeps executemany, its triggers run per row")
    accounts = [AccountFactory() for _ in range(4)]
    for index, account in enumerate(accounts):
        add_history(account, days=40, jump_day=30 if index % 2 else None, jump=20_000)
        add_posts(account, n=4)
        AccountMetricsFactory(account=account)
    with CaptureQueriesContext(connection) as queries:
        assert vet_accounts([a.pk for a in accounts]) == 4
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "influencers_accountmetrics"')]
    assert len(writes) == 1 and " times: " not in writes[0]
    for account in accounts:
        stored = AccountMetrics.objects.get(account=account)
        report = vetting_report(account.pk)
        assert (stored.fake_risk, stored.risk_level) == (report["risk"]["risk"], report["risk"]["level"])
        assert stored.vetting["account"]["id"] == account.pk
    levels = {a.creator.pk: a.creator.__class__.objects.get(pk=a.creator.pk).worst_risk_level for a in accounts}
    assert levels == {a.creator.pk: AccountMetrics.objects.get(account=a).risk_level for a in accounts}
