"""`manage.py refresh_accounts`, `manage.py add_account` and the Celery beat daily refresh,
against fake platform APIs (no network)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import responses
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import Job, JobKind, JobStatus
from influencers.models import Account, AccountHistory, AccountMetrics, Platform
from influencers.selectors.history import account_histories
from influencers.services import refresh as refresh_service
from tests.factories import AccountFactory, JobFactory
from tests.influencers.connector_fakes import (
    IG_BUSINESS_ID,
    IG_TOKEN,
    YT,
    YT_KEY,
    YT_KEY_INVALID,
    FakeInstagram,
    FakeYouTube,
    IgUser,
    YtChannel,
    default_media,
    default_videos,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def keys(settings, monkeypatch):
    settings.YOUTUBE_API_KEY = YT_KEY
    settings.INSTAGRAM_ACCESS_TOKEN = IG_TOKEN
    settings.INSTAGRAM_BUSINESS_ACCOUNT_ID = IG_BUSINESS_ID
    settings.INSTAGRAM_GRAPH_API_VERSION = "v25.0"
    # Embedding is not under test here: requests for it are dropped.
    monkeypatch.setattr("vision.services.jobs.embed_request_job", lambda **kwargs: None)
    return settings


def run_on(day: dt.date, monkeypatch, *args: str) -> tuple[str, str]:
    """Run refresh_accounts as if today were `day`."""
    monkeypatch.setattr(refresh_service, "current_date", lambda: day)
    out, err = io.StringIO(), io.StringIO()
    call_command("refresh_accounts", "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@responses.activate
def test_two_runs_on_two_days_give_two_snapshots_and_growth(monkeypatch) -> None:
    """The issue's "done when": refresh twice on different (mocked) days → two snapshots per
    account, and the growth metrics follow the follower counts the platforms reported."""
    channel = YtChannel(subscribers=50_000, videos=default_videos(n=2))
    user = IgUser(followers=200_000, media=default_media(2))
    FakeYouTube(responses.mock, channel)
    FakeInstagram(responses.mock, user)
    yt = AccountFactory(platform=Platform.YOUTUBE, handle=channel.handle, platform_user_id=channel.id)
    ig = AccountFactory(platform=Platform.INSTAGRAM, handle=user.username)

    out, _ = run_on(DAY, monkeypatch)
    assert "2 refreshed, 0 failed, 0 skipped" in out
    assert AccountMetrics.objects.get(account=yt).growth_7d is None  # one snapshot: no growth yet

    channel.subscribers = 55_000  # +10 % in a week
    user.followers = 190_000  # −5 %
    run_on(DAY + dt.timedelta(days=7), monkeypatch)

    for account, first, second in ((yt, 50_000, 55_000), (ig, 200_000, 190_000)):
        snapshots = account_histories([account.pk], fields=("date", "followers"))[account.pk]
        assert snapshots == [(DAY, first), (DAY + dt.timedelta(days=7), second)]
        metrics = AccountMetrics.objects.get(account=account)
        assert metrics.followers == second
        assert metrics.growth_7d == pytest.approx((second - first) / first)
        assert metrics.growth_30d is None  # history is only a week long

    channel.subscribers = 60_000
    run_on(DAY + dt.timedelta(days=30), monkeypatch)
    metrics = AccountMetrics.objects.get(account=yt)
    assert len(account_histories([yt.pk])[yt.pk]) == 3
    assert metrics.growth_30d == pytest.approx((60_000 - 50_000) / 50_000)

    jobs = Job.objects.filter(kind=JobKind.REFRESH).order_by("pk")
    assert [j.status for j in jobs] == [JobStatus.SUCCEEDED] * 3
    assert all(j.counts["refreshed"] == 2 and j.counts["quota_units"] > 0 for j in jobs)


@responses.activate
def test_platform_and_account_filters(monkeypatch) -> None:
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    FakeInstagram(responses.mock, IgUser(media=default_media(1)))
    yt = AccountFactory(platform=Platform.YOUTUBE, handle=channel.handle, platform_user_id=channel.id)
    ig = AccountFactory(platform=Platform.INSTAGRAM, handle="bluebottle")

    run_on(DAY, monkeypatch, "--platform", "youtube")
    assert AccountHistory.objects.filter(account=yt).exists()
    assert not AccountHistory.objects.filter(account=ig).exists()

    ig.tracked = False
    ig.save()
    run_on(DAY, monkeypatch, "--account", str(ig.pk))  # an explicit id is refreshed even if untracked
    assert AccountHistory.objects.filter(account=ig).exists()
    assert Job.objects.filter(kind=JobKind.REFRESH).first().params["account_ids"] == [ig.pk]


@responses.activate
def test_a_run_where_every_account_fails_is_a_failed_job_and_a_command_error(monkeypatch) -> None:
    responses.get(f"{YT}/channels", status=400, json=YT_KEY_INVALID)
    AccountFactory(platform=Platform.YOUTUBE, handle="one_channel")

    with pytest.raises(CommandError, match="FAILED.*YOUTUBE_API_KEY was refused"):
        run_on(DAY, monkeypatch)
    job = Job.objects.get(kind=JobKind.REFRESH)
    assert job.status == JobStatus.FAILED
    assert job.counts["failed"] == 1
    assert AccountHistory.objects.count() == 0


@responses.activate
def test_partial_failure_succeeds_and_names_the_failed_account(monkeypatch) -> None:
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    AccountFactory(platform=Platform.YOUTUBE, handle=channel.handle, platform_user_id=channel.id)
    gone = AccountFactory(platform=Platform.YOUTUBE, handle="gone_channel")

    out, err = run_on(DAY, monkeypatch)

    assert "1 refreshed, 1 failed" in out
    assert f"FAILED youtube:@gone_channel (id {gone.pk})" in err
    assert Job.objects.get(kind=JobKind.REFRESH).status == JobStatus.SUCCEEDED


@responses.activate
def test_progress_bar_counts_accounts(monkeypatch) -> None:
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    AccountFactory(platform=Platform.YOUTUBE, handle=channel.handle, platform_user_id=channel.id)
    AccountFactory(platform=Platform.TIKTOK, handle="dancer")
    monkeypatch.setattr(refresh_service, "current_date", lambda: DAY)
    err = io.StringIO()

    call_command("refresh_accounts", stdout=io.StringIO(), stderr=err)

    assert "refreshing" in err.getvalue()
    assert "2/2" in err.getvalue()


def test_explicit_platform_without_key_is_refused(settings) -> None:
    settings.YOUTUBE_API_KEY = ""
    with pytest.raises(CommandError, match="YOUTUBE_API_KEY is not set"):
        call_command("refresh_accounts", "--platform", "youtube", "--no-progress")
    assert not Job.objects.exists()


def test_unknown_account_id_is_refused() -> None:
    with pytest.raises(CommandError, match="no account with id 987654"):
        call_command("refresh_accounts", "--account", "987654", "--no-progress")


@responses.activate
def test_add_account_command_adds_then_refreshes() -> None:
    channel = YtChannel(videos=default_videos(n=2))
    FakeYouTube(responses.mock, channel)

    out = io.StringIO()
    call_command("add_account", "youtube", "https://www.youtube.com/@GlowWithMei", stdout=out)
    account = Account.objects.get(platform=Platform.YOUTUBE)
    assert f"youtube:@glowwithmei (id {account.pk}" in out.getvalue()
    assert "added" in out.getvalue()

    out = io.StringIO()
    call_command("add_account", "youtube", channel.id, stdout=out)
    assert "already in the catalogue, refreshed" in out.getvalue()
    assert Account.objects.count() == 1


@responses.activate
def test_add_account_errors_are_command_errors() -> None:
    FakeYouTube(responses.mock)
    with pytest.raises(CommandError, match="not found"):
        call_command("add_account", "youtube", "@nobodyhere")
    with pytest.raises(CommandError, match="not a youtube.com channel URL"):
        call_command("add_account", "youtube", "https://vimeo.com/x")
    with pytest.raises(CommandError, match="no creator with id 424242"):
        call_command("add_account", "youtube", "@someone", "--creator", "424242")
    assert Account.objects.count() == 0


# --- Celery beat ----------------------------------------------------------------------------------


def test_beat_schedules_the_daily_refresh_task() -> None:
    from celery.schedules import crontab

    from config.celery import app
    from influencers.tasks import refresh_tracked_accounts_task

    entry = app.conf.beat_schedule["refresh-tracked-accounts-daily"]
    assert entry["task"] == refresh_tracked_accounts_task.name == "influencers.tasks.refresh_tracked_accounts"
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {3}  # once a day


@responses.activate
def test_scheduled_task_runs_a_refresh_job(monkeypatch) -> None:
    from influencers.tasks import refresh_tracked_accounts_task

    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    account = AccountFactory(platform=Platform.YOUTUBE, handle=channel.handle, platform_user_id=channel.id)
    monkeypatch.setattr(refresh_service, "current_date", lambda: DAY)

    outcome = refresh_tracked_accounts_task.apply().get()

    job = Job.objects.get(pk=outcome["job_id"])
    assert (job.kind, job.status, job.params) == (JobKind.REFRESH, JobStatus.SUCCEEDED, {"trigger": "schedule"})
    assert outcome["counts"]["refreshed"] == 1
    assert [point[0] for point in account_histories([account.pk])[account.pk]] == [DAY]


@responses.activate
def test_scheduled_task_records_a_failed_run_without_raising(monkeypatch) -> None:
    from influencers.tasks import refresh_tracked_accounts_task

    responses.get(f"{YT}/channels", status=400, json=YT_KEY_INVALID)
    AccountFactory(platform=Platform.YOUTUBE, handle="one_channel")

    outcome = refresh_tracked_accounts_task.apply().get()

    assert outcome["status"] == JobStatus.FAILED
    assert "YOUTUBE_API_KEY was refused" in Job.objects.get(pk=outcome["job_id"]).error


def test_scheduled_task_does_not_overlap_a_running_refresh() -> None:
    from influencers.tasks import refresh_tracked_accounts_task

    JobFactory(kind=JobKind.REFRESH, status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1))

    assert refresh_tracked_accounts_task.apply().get() == {"job_id": None, "status": "skipped"}
    assert Job.objects.filter(kind=JobKind.REFRESH).count() == 1
