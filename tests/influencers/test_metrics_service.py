"""refresh_metrics and the METRICS job against the database: stored values, bulk queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import JobKind, JobStatus
from core.services.jobs import job_create, run_job
from influencers.metrics.service import refresh_metrics
from influencers.models import AccountMetrics, Platform
from tests.factories import AccountFactory, AccountMetricsFactory, AccountSnapshotFactory, PostFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.datetime(2026, 3, 21, 12, 0, tzinfo=dt.UTC)


def _account_with_history(platform: str = Platform.INSTAGRAM, *, days: int = 40, base: int = 1000):
    account = AccountFactory(platform=platform)
    start = AS_OF.date() - dt.timedelta(days=days - 1)
    for d in range(days):
        AccountSnapshotFactory(
            account=account, date=start + dt.timedelta(days=d), followers=base + 10 * d, following=200
        )
    return account


def test_refresh_stores_values_and_formulas():
    account = _account_with_history(Platform.TIKTOK)  # followers: 1000 … 1390 on the last day
    # Posted 5 days ago: nearest snapshot has 1000 + 10·34 = 1340 followers.
    PostFactory(account=account, posted_at=AS_OF - dt.timedelta(days=5), likes=120, comments=14, views=2680)
    PostFactory(account=account, posted_at=AS_OF - dt.timedelta(days=200), likes=1, comments=0, views=1)

    assert refresh_metrics([account.pk], as_of=AS_OF) == 1

    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.followers == 1390 and metrics.following == 200
    assert metrics.er_by_followers == pytest.approx(134 / 1340)
    assert metrics.er_by_views == pytest.approx(134 / 2680)
    assert metrics.engagement_rate == pytest.approx(0.05) and "views" in metrics.er_formula
    assert metrics.growth_7d == pytest.approx(70 / 1320)
    assert metrics.growth_30d == pytest.approx(300 / 1090)
    assert metrics.growth_90d is None
    assert metrics.posts_per_week == pytest.approx(1 / (90 / 7))
    assert metrics.last_post_at == AS_OF - dt.timedelta(days=5)
    assert metrics.details["er_by_views"]["formula"].startswith("median")
    assert metrics.details["growth_90d"]["reason"]


def test_refresh_keeps_vetting_fields_and_updates_in_place():
    account = _account_with_history()
    AccountMetricsFactory(account=account, followers=1, fake_risk=0.7, risk_level="high", vetting={"x": 1})
    refresh_metrics([account.pk], as_of=AS_OF)
    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.followers == 1390
    assert (metrics.fake_risk, metrics.risk_level, metrics.vetting) == (0.7, "high", {"x": 1})
    assert AccountMetrics.objects.count() == 1


def test_stale_account_growth_is_measured_from_its_own_latest_snapshot():
    account = AccountFactory()
    start = AS_OF.date() - dt.timedelta(days=400)
    for d in range(0, 100):
        AccountSnapshotFactory(account=account, date=start + dt.timedelta(days=d), followers=2000 + d)
    refresh_metrics([account.pk], as_of=AS_OF)
    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.followers == 2099
    assert metrics.growth_30d == pytest.approx(30 / 2069)


def test_query_count_does_not_grow_with_accounts(django_assert_max_num_queries):
    few = [_account_with_history(days=5).pk for _ in range(2)]
    many = [_account_with_history(days=5).pk for _ in range(8)]
    for pk in few + many:
        PostFactory(account_id=pk, posted_at=AS_OF - dt.timedelta(days=1))
    with django_assert_max_num_queries(8) as few_ctx:
        refresh_metrics(few, as_of=AS_OF)
    with django_assert_max_num_queries(8) as many_ctx:
        refresh_metrics(many, as_of=AS_OF)
    assert len(many_ctx.captured_queries) == len(few_ctx.captured_queries)


def test_unknown_ids_are_ignored_and_chunks_cover_everything():
    ids = [_account_with_history(days=3).pk for _ in range(5)]
    assert refresh_metrics([*ids, 999_999], as_of=AS_OF, chunk_size=2) == 5
    assert AccountMetrics.objects.count() == 5


def test_metrics_job_refreshes_the_requested_accounts():
    first, second = _account_with_history(days=3), _account_with_history(days=3)
    job = job_create(kind=JobKind.METRICS, params={"account_ids": [first.pk]})
    job = run_job(job_id=job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.result == {"accounts": 1}
    assert AccountMetrics.objects.filter(account=first).exists()
    assert not AccountMetrics.objects.filter(account=second).exists()

    job = run_job(job_id=job_create(kind=JobKind.METRICS).pk)
    assert job.result == {"accounts": 2} and job.done == 2


def test_metrics_job_rejects_bad_account_ids():
    job = job_create(kind=JobKind.METRICS, params={"account_ids": "all"})
    with pytest.raises(Exception, match="account_ids"):
        run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "account_ids" in job.error


def test_default_as_of_is_now():
    account = AccountFactory()
    AccountSnapshotFactory(account=account, date=timezone.localdate(), followers=777)
    PostFactory(account=account, posted_at=timezone.now() - dt.timedelta(hours=2), likes=70, comments=7)
    refresh_metrics([account.pk])
    assert AccountMetrics.objects.get(account=account).er_by_followers == pytest.approx(77 / 777)
