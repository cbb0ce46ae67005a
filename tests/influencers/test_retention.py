"""Retention of platform-API data (YouTube: 30 days without a refresh → the API data is deleted)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from influencers.metrics.service import refresh_metrics
from influencers.models import (
    Account,
    AccountMetrics,
    AudienceProfile,
    CommentSample,
    Creator,
    FollowerSample,
    MediaAsset,
    Platform,
    Post,
)
from influencers.selectors.history import account_histories
from influencers.services.retention import purge_stale_api_data
from tests.factories import (
    AccountFactory,
    AudienceProfileFactory,
    CommentSampleFactory,
    FollowerSampleFactory,
    HistoryPointFactory,
    MediaAssetFactory,
    PostFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 11, 20, 12, 0))


def _channel(*, platform: str = Platform.YOUTUBE, refreshed_days_ago: int | None) -> Account:
    """An account with every kind of stored data; `refreshed_days_ago=None` means it never came
    from the API (imported from a file)."""
    refreshed = None if refreshed_days_ago is None else NOW - dt.timedelta(days=refreshed_days_ago)
    account = AccountFactory(
        platform=platform,
        display_name="Channel 频道",
        bio="Unboxing every week",
        profile_picture_url="https://yt3.example.com/p.jpg",
        platform_user_id="UC123",
        last_refreshed_at=refreshed,
    )
    for days in (3, 2, 1):
        HistoryPointFactory(account=account, date=NOW.date() - dt.timedelta(days=days), followers=1000 + days)
    post = PostFactory(account=account)
    CommentSampleFactory(post=post)
    asset = MediaAssetFactory(account=account, post=post)
    asset.image.save(f"retention-{account.pk}.png", ContentFile(b"not read by this test"), save=True)
    AudienceProfileFactory(account=account)
    FollowerSampleFactory(account=account)
    refresh_metrics([account.pk], as_of=NOW)
    return account


def _stored_rows(account: Account) -> dict[str, int]:
    return {
        "snapshots": len(account_histories([account.pk]).get(account.pk, [])),  # points, not rows
        "posts": Post.objects.filter(account=account).count(),
        "comments": CommentSample.objects.filter(post__account=account).count(),
        "images": MediaAsset.objects.filter(account=account).count(),
        "audience_profiles": AudienceProfile.objects.filter(account=account).count(),
        "follower_samples": FollowerSample.objects.filter(account=account).count(),
        "metrics": AccountMetrics.objects.filter(account=account).count(),
    }


def test_a_youtube_channel_not_refreshed_for_30_days_loses_its_api_data_but_keeps_its_identity(
    django_capture_on_commit_callbacks,
) -> None:
    stale = _channel(refreshed_days_ago=31)
    image_name = MediaAsset.objects.get(account=stale).image.name
    assert default_storage.exists(image_name)
    before = _stored_rows(stale)
    assert all(count >= 1 for count in before.values()), before

    with django_capture_on_commit_callbacks(execute=True):  # stored files are deleted once the rows are
        result = purge_stale_api_data(now=NOW)

    assert result.account_ids == [stale.pk]
    assert result.deleted == before
    assert _stored_rows(stale) == dict.fromkeys(before, 0)
    stale.refresh_from_db()
    assert stale.platform_user_id == "UC123" and stale.handle  # identifiers stay, so it can be re-tracked
    assert (stale.display_name, stale.bio, stale.profile_picture_url) == ("", "", "")
    assert stale.last_refreshed_at is None
    assert Creator.objects.filter(pk=stale.creator_id).exists()
    assert not default_storage.exists(image_name)  # the stored file went with its row


def test_current_channels_other_platforms_and_imported_accounts_are_kept() -> None:
    fresh = _channel(refreshed_days_ago=29)
    instagram = _channel(platform=Platform.INSTAGRAM, refreshed_days_ago=90)
    imported = _channel(refreshed_days_ago=None)
    kept = {account.pk: _stored_rows(account) for account in (fresh, instagram, imported)}

    result = purge_stale_api_data(now=NOW)

    assert result.account_ids == []
    assert {account.pk: _stored_rows(account) for account in (fresh, instagram, imported)} == kept


def test_dry_run_counts_and_deletes_nothing_and_a_second_purge_finds_nothing() -> None:
    stale, other = _channel(refreshed_days_ago=45), _channel(refreshed_days_ago=60)
    HistoryPointFactory(account=other, date=NOW.date(), followers=5)
    before = [_stored_rows(stale), _stored_rows(other)]
    assert [rows["snapshots"] for rows in before] == [3, 4]

    dry = purge_stale_api_data(now=NOW, dry_run=True)
    assert dry.deleted == {name: before[0][name] + before[1][name] for name in before[0]}
    assert dry.account_ids == sorted([stale.pk, other.pk])
    assert [_stored_rows(stale), _stored_rows(other)] == before

    assert purge_stale_api_data(now=NOW).deleted["snapshots"] == 7

    assert purge_stale_api_data(now=NOW).account_ids == []  # last_refreshed_at was reset


def test_command_reports_what_it_would_delete() -> None:
    stale = _channel(refreshed_days_ago=400)  # stale by the command's own clock (now) too
    out = StringIO()
    call_command("purge_stale_api_data", "--dry-run", stdout=out)
    assert "1 account(s) past retention; would delete" in out.getvalue()
    assert '"snapshots": 3' in out.getvalue()
    assert len(account_histories([stale.pk])[stale.pk]) == 3


def test_beat_schedules_the_purge_after_the_daily_refresh() -> None:
    from config.celery import app
    from influencers.tasks import purge_stale_api_data_task

    purge = app.conf.beat_schedule["purge-stale-api-data-daily"]
    refresh = app.conf.beat_schedule["refresh-tracked-accounts-daily"]
    assert purge["task"] == purge_stale_api_data_task.name
    (purge_hour,), (refresh_hour,) = purge["schedule"].hour, refresh["schedule"].hour
    assert purge_hour > refresh_hour  # a channel refreshed this morning is not purged
