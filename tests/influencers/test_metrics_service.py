"""refresh_metrics and the METRICS job against the database: stored values, bulk queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import JobKind, JobStatus
from core.services.jobs import job_create, run_job
from influencers.metrics.service import refresh_metrics
from influencers.models import AccountMetrics, Platform
from tests.factories import AccountFactory, AccountMetricsFactory, HistoryPointFactory, PostFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.datetime(2026, 3, 21, 12, 0, tzinfo=dt.UTC)


def _account_with_history(platform: str = Platform.INSTAGRAM, *, days: int = 40, base: int = 1000):
    account = AccountFactory(platform=platform)
    start = AS_OF.date() - dt.timedelta(days=days - 1)
    for d in range(days):
        HistoryPointFactory(account=account, date=start + dt.timedelta(days=d), followers=base + 10 * d, following=200)
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
        HistoryPointFactory(account=account, date=start + dt.timedelta(days=d), followers=2000 + d)
    refresh_metrics([account.pk], as_of=AS_OF)
    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.followers == 2099
    assert metrics.growth_30d == pytest.approx(30 / 2069)


def test_query_count_does_not_grow_with_accounts(django_assert_max_num_queries):
    few = [_account_with_history(days=5).pk for _ in range(2)]
    many = [_account_with_history(days=5).pk for _ in range(8)]
    for pk in few + many:
        PostFactory(account_id=pk, posted_at=AS_OF - dt.timedelta(days=1))
    # 10: PostgreSQL stages a chunk's rows in a temporary table first (core.sql.staged_rows).
    with django_assert_max_num_queries(10) as few_ctx:
        refresh_metrics(few, as_of=AS_OF)
    with django_assert_max_num_queries(10) as many_ctx:
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
    HistoryPointFactory(account=account, date=timezone.localdate(), followers=777)
    PostFactory(account=account, posted_at=timezone.now() - dt.timedelta(hours=2), likes=70, comments=7)
    refresh_metrics([account.pk])
    assert AccountMetrics.objects.get(account=account).er_by_followers == pytest.approx(77 / 777)


# --- windows anchored on the data's own dates -------------------------------------------------


def test_an_old_history_gets_its_figures_without_an_as_of():
    """Posts and snapshots of 2018 only: the default windows end at the account's own newest
    data, so it has an engagement rate, growth and cadence, dated by data_as_of."""
    account = AccountFactory(platform=Platform.INSTAGRAM)
    start = dt.date(2018, 1, 1)
    for d in range(0, 181):  # daily 2018-01-01 … 2018-06-30: 4000 … 5800 followers
        HistoryPointFactory(account=account, date=start + dt.timedelta(days=d), followers=4000 + 10 * d)
    noon = dt.time(12, tzinfo=dt.UTC)
    # 2018-06-30 (day 180: 5800 followers), 06-10 (day 160: 5600), 05-01 (day 120: 5200).
    PostFactory(account=account, posted_at=dt.datetime.combine(dt.date(2018, 6, 30), noon), likes=560, comments=20)
    PostFactory(account=account, posted_at=dt.datetime.combine(dt.date(2018, 6, 10), noon), likes=1100, comments=20)
    PostFactory(account=account, posted_at=dt.datetime.combine(dt.date(2018, 5, 1), noon), likes=1500, comments=60)

    refresh_metrics([account.pk])

    metrics = AccountMetrics.objects.get(account=account)
    # 580/5800 = 0.10, 1120/5600 = 0.20, 1560/5200 = 0.30 → median 0.20
    assert metrics.engagement_rate == pytest.approx(0.20) and metrics.er_posts_used == 3
    assert metrics.growth_30d == pytest.approx(300 / 5500)  # day 180 vs day 150
    assert metrics.posts_per_week == pytest.approx(3 / (90 / 7))
    assert metrics.data_as_of == dt.date(2018, 6, 30)
    assert metrics.data_is_stale


def test_an_explicit_as_of_ignores_posts_and_snapshots_after_it():
    account = AccountFactory(platform=Platform.INSTAGRAM)
    HistoryPointFactory(account=account, date=dt.date(2019, 1, 1), followers=1000)
    HistoryPointFactory(account=account, date=dt.date(2019, 3, 1), followers=9000)  # after the cut-off
    PostFactory(account=account, posted_at=dt.datetime(2019, 1, 20, tzinfo=dt.UTC), likes=45, comments=5)
    PostFactory(account=account, posted_at=dt.datetime(2019, 2, 20, tzinfo=dt.UTC), likes=900, comments=0)

    refresh_metrics([account.pk], as_of=dt.datetime(2019, 2, 1, tzinfo=dt.UTC))

    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.engagement_rate == pytest.approx(50 / 1000)
    assert metrics.followers == 1000
    assert metrics.last_post_at == dt.datetime(2019, 1, 20, tzinfo=dt.UTC)
    assert metrics.data_as_of == dt.date(2019, 1, 20)


def test_posts_older_than_the_newest_points_use_the_followers_of_their_day():
    """Snapshots went on long after the posts stopped: the followers at posting time come from
    the old snapshots (the service reads that account's whole history), not the newest ones."""
    account = AccountFactory(platform=Platform.INSTAGRAM)
    start = dt.date(2017, 1, 1)
    for d in range(0, 400):
        HistoryPointFactory(account=account, date=start + dt.timedelta(days=d), followers=1000 if d < 30 else 50_000)
    PostFactory(account=account, posted_at=dt.datetime(2017, 1, 10, 8, tzinfo=dt.UTC), likes=90, comments=10)

    refresh_metrics([account.pk])

    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.engagement_rate == pytest.approx(100 / 1000)
    assert metrics.followers == 50_000
    assert metrics.data_as_of == start + dt.timedelta(days=399)


def test_the_post_window_is_chosen_in_the_database_up_to_the_second():
    """The 90 days end at the newest post: a post exactly 90 days before it is out, one a second
    later is in (the database's window and the formula's agree)."""
    account = AccountFactory(platform=Platform.INSTAGRAM)
    HistoryPointFactory(account=account, date=dt.date(2019, 1, 1), followers=1000)
    newest = dt.datetime(2019, 5, 30, 10, tzinfo=dt.UTC)
    PostFactory(account=account, posted_at=newest, likes=10, comments=0)
    PostFactory(account=account, posted_at=newest - dt.timedelta(days=90), likes=500, comments=0)
    PostFactory(account=account, posted_at=newest - dt.timedelta(days=90) + dt.timedelta(seconds=1), likes=30)

    refresh_metrics([account.pk])

    metrics = AccountMetrics.objects.get(account=account)
    assert metrics.er_posts_used == 2
    assert metrics.engagement_rate == pytest.approx((10 / 1000 + 50 / 1000) / 2)  # likes 30 + comments 20
    assert metrics.details["posts_per_week"]["posts"] == 2


def test_on_postgresql_a_chunk_of_metrics_is_upserted_by_one_statement():
    # The creator-level risk triggers (migration 0011) are statement-level on PostgreSQL: sent row
    # by row (executemany) they ran once per account. New and existing rows of a chunk go in one
    # INSERT … ON CONFLICT instead; each keeps its own figures, an existing one its vetting.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite keeps executemany, its triggers run per row")
    accounts = [_account_with_history(days=20, base=1000 * (i + 1)) for i in range(3)]
    AccountMetricsFactory(account=accounts[0], followers=1, fake_risk=0.7, risk_level="high", vetting={"x": 1})
    with CaptureQueriesContext(connection) as queries:
        assert refresh_metrics([a.pk for a in accounts], as_of=AS_OF) == 3
    table = '"influencers_accountmetrics"'
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f"INSERT INTO {table}")]
    assert len(writes) == 1 and " times: " not in writes[0]
    stored = {m.account_id: m for m in AccountMetrics.objects.all()}
    assert [stored[a.pk].followers for a in accounts] == [1000 * (i + 1) + 190 for i in range(3)]
    assert (stored[accounts[0].pk].risk_level, stored[accounts[0].pk].vetting) == ("high", {"x": 1})
    accounts[0].creator.refresh_from_db()
    assert accounts[0].creator.worst_risk_level == "high"


def test_the_time_adapter_writes_what_the_connection_writes():
    # SQLite's shortcut for times in UTC writes Django's own text (with and without a fraction
    # of a second); any other time, and every time on other databases, goes through Django.
    from zoneinfo import ZoneInfo

    from django.db import connection

    from influencers.metrics.service import _time_adapter

    adapt = _time_adapter()
    utc = dt.datetime(2026, 3, 1, 12, 30, 5, tzinfo=dt.UTC)
    for value in (
        None,
        utc,
        utc.replace(microsecond=7),
        utc.replace(year=1969, microsecond=999_999),
        utc.astimezone(ZoneInfo("Asia/Shanghai")),
        utc.astimezone(dt.timezone(dt.timedelta(hours=-5))),
    ):
        assert adapt(value) == connection.ops.adapt_datetimefield_value(value)
