"""Refreshing accounts from platform APIs: what gets written, failure isolation, and that a
failed fetch writes nothing. HTTP is faked at the transport with `responses`."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import responses
from django.core.files.storage import default_storage

from core.errors import InputError
from core.models import Job, JobKind, JobStatus
from core.services.jobs import job_kind_registration, run_job
from influencers.connectors import AccountNotFound, ConnectorError, QuotaExceeded
from influencers.connectors.youtube import YouTubeConnector
from influencers.models import (
    Account,
    AccountHistory,
    AccountMetrics,
    CommentSample,
    Creator,
    MediaAsset,
    Platform,
    Post,
    PostType,
)
from influencers.selectors.history import account_histories
from influencers.services import refresh as refresh_service
from influencers.services.refresh import (
    RefreshFailed,
    account_add_from_platform,
    account_refresh,
    refresh_tracked_accounts,
)
from tests.factories import AccountFactory, CreatorFactory, HistoryPointFactory, JobFactory, PostFactory
from tests.influencers.connector_fakes import (
    IG_BUSINESS_ID,
    IG_TOKEN,
    YT,
    YT_BACKEND_ERROR,
    YT_KEY,
    YT_KEY_INVALID,
    YT_QUOTA_EXCEEDED,
    FakeInstagram,
    FakeYouTube,
    IgMedia,
    IgUser,
    YtChannel,
    default_media,
    default_videos,
    image_bytes,
    query,
)

DAY = dt.date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def no_sleep(seconds: float) -> None:
    return None


def youtube() -> YouTubeConnector:
    return YouTubeConnector(api_key=YT_KEY, sleep=no_sleep)


@pytest.fixture
def keys(settings):
    settings.YOUTUBE_API_KEY = YT_KEY
    settings.INSTAGRAM_ACCESS_TOKEN = IG_TOKEN
    settings.INSTAGRAM_BUSINESS_ACCOUNT_ID = IG_BUSINESS_ID
    settings.INSTAGRAM_GRAPH_API_VERSION = "v25.0"
    return settings


@pytest.fixture
def fast_retries(keys, monkeypatch):
    """Connectors made by the refresh service retry without waiting."""
    from influencers import connectors

    def make(platform: str, **options):
        cls = connectors._connector_classes().get(platform)
        return cls(sleep=no_sleep, **options) if cls else None

    monkeypatch.setattr(refresh_service, "get_connector", make)


@pytest.fixture
def no_vision(monkeypatch):
    """Embedding requests are recorded, not run (the vision tests cover embedding): the list of
    the requests' arguments."""
    requests_made: list[dict] = []

    def embed_request_job(**kwargs):
        requests_made.append(kwargs)
        return None  # as if an EMBED job were already waiting

    monkeypatch.setattr("vision.services.jobs.embed_request_job", embed_request_job)
    return requests_made


def yt_account(channel: YtChannel, **kwargs) -> Account:
    return AccountFactory(platform=Platform.YOUTUBE, handle=channel.handle, platform_user_id=channel.id, **kwargs)


def history_points(account: Account) -> list[tuple]:
    """The account's stored history, oldest first (empty: none)."""
    return account_histories([account.pk]).get(account.pk, [])


def all_history_points() -> int:
    return sum(map(len, account_histories(Account.objects.values_list("pk", flat=True)).values()))


def catalogue_rows() -> dict[str, int]:
    rows = {
        model.__name__: model.objects.count()
        for model in (Creator, Account, Post, MediaAsset, CommentSample, AccountMetrics)
    }
    return {**rows, "history points": all_history_points()}


def thumbnail_calls() -> int:
    return sum(1 for call in responses.calls if "i.ytimg.com" in call.request.url)


# --- one account ----------------------------------------------------------------------------------


@responses.activate
def test_refresh_writes_profile_snapshot_posts_images_and_comments(no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=3), video_count=3)
    FakeYouTube(responses.mock, channel)
    account = yt_account(channel, bio="old bio", display_name="")

    result = account_refresh(account=account, connector=youtube(), today=DAY)

    account.refresh_from_db()
    assert account.bio == channel.description
    assert account.display_name == "Glow with Mei"
    assert account.last_refreshed_at is not None
    assert account.profile_picture_url.endswith("=s800")
    assert history_points(account) == [(DAY, 54_300, None, 3)]

    posts = {p.platform_post_id: p for p in Post.objects.filter(account=account)}
    assert set(posts) == {v.id for v in channel.videos}
    first = posts[channel.videos[0].id]
    assert (first.views, first.likes, first.comments, first.post_type) == (10_000, 500, 30, PostType.VIDEO)
    assert first.hashtags == ["skincare", "grwm"]

    assets = MediaAsset.objects.filter(account=account).select_related("post")
    assert assets.count() == 3
    for video in channel.videos:
        asset = assets.get(post__platform_post_id=video.id)
        data = image_bytes(video.thumbnail_seed)
        assert asset.sha256 == hashlib.sha256(data).hexdigest()
        assert (asset.width, asset.height) == (48, 36)
        assert asset.source_url == f"https://i.ytimg.com/vi/{video.id}/hqdefault.jpg"
        assert len(asset.phash) == 16
        assert default_storage.open(asset.image.name).read() == data

    assert CommentSample.objects.filter(post__account=account).count() == 6  # 2 on each of 3 videos
    comment = CommentSample.objects.get(external_id=f"Ugz{channel.videos[0].id}1")
    assert (comment.commenter, comment.text, comment.likes) == ("viewer1", "太好看了 😍", 1)

    assert AccountMetrics.objects.get(account=account).followers == 54_300
    assert (result.posts_created, result.posts_updated, result.images_new, result.comments) == (3, 0, 3, 6)
    assert result.snapshot_written
    assert result.quota_units == 1 + 2 + 1 + 3  # channels, 2 playlist pages, videos, 3 comment threads


@responses.activate
def test_refresh_again_updates_in_place_and_does_not_refetch_images(no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=2))
    FakeYouTube(responses.mock, channel)
    account = yt_account(channel)
    account_refresh(account=account, connector=youtube(), today=DAY)
    assert thumbnail_calls() == 2

    channel.subscribers = 55_000
    channel.videos[0].views = 99_999
    channel.videos.insert(0, default_videos("n", 1, seed=50)[0])
    result = account_refresh(account=account, connector=youtube(), today=DAY)

    assert history_points(account) == [(DAY, 55_000, None, 3)]  # same day: overwritten
    assert Post.objects.filter(account=account).count() == 3
    assert Post.objects.get(platform_post_id=channel.videos[1].id).views == 99_999
    assert (result.posts_created, result.posts_updated) == (1, 2)
    assert thumbnail_calls() == 3  # only the new video's thumbnail was downloaded
    assert MediaAsset.objects.filter(account=account).count() == 3
    assert CommentSample.objects.filter(post__account=account).count() == 6  # upserted, not duplicated

    account_refresh(account=account, connector=youtube(), today=DAY + dt.timedelta(days=1))
    assert [point[0] for point in history_points(account)] == [DAY, DAY + dt.timedelta(days=1)]


@responses.activate
def test_a_broken_thumbnail_is_skipped_and_retried_next_time(no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=2))
    broken = channel.videos[1].id
    responses.get(f"https://i.ytimg.com/vi/{broken}/hqdefault.jpg", body=b"<html>not an image</html>")
    FakeYouTube(responses.mock, channel)
    account = yt_account(channel)

    result = account_refresh(account=account, connector=youtube(), today=DAY)

    assert result.images_new == 1 and result.images_skipped == 1
    assert any(broken in note and "not a readable image" in note for note in result.notes)
    assert Post.objects.filter(account=account).count() == 2  # the post itself is kept
    assert not MediaAsset.objects.filter(post__platform_post_id=broken).exists()

    account_refresh(account=account, connector=youtube(), today=DAY)  # the fake now serves the real image
    assert MediaAsset.objects.filter(post__platform_post_id=broken).exists()


@responses.activate
def test_same_picture_on_two_posts_is_one_asset(no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=2))
    channel.videos[1].thumbnail_seed = channel.videos[0].thumbnail_seed
    FakeYouTube(responses.mock, channel)

    result = account_refresh(account=yt_account(channel), connector=youtube(), today=DAY)
    assert result.images_new == 1
    assert MediaAsset.objects.count() == 1


@responses.activate
def test_instagram_refresh_writes_profile_posts_and_images(keys, no_vision) -> None:
    user = IgUser(media=default_media(3))
    user.media[2] = IgMedia(id="17858843269210077", media_type="VIDEO", product="REELS", seed=77)
    FakeInstagram(responses.mock, user)
    account = AccountFactory(platform=Platform.INSTAGRAM, handle="bluebottle", external_url="")

    result = account_refresh(account=account, today=DAY)

    account.refresh_from_db()
    assert account.platform_user_id == user.id
    assert account.external_url == "https://bluebottlecoffee.com/"
    assert account.bio == user.biography
    assert [point[1:] for point in history_points(account)] == [(267_793, 12, 1205)]
    assert Post.objects.filter(account=account).count() == 3
    assert Post.objects.get(platform_post_id="17858843269210077").post_type == PostType.REEL
    assert MediaAsset.objects.filter(account=account).count() == 2  # the reel has no image URL
    assert CommentSample.objects.count() == 0
    assert result.quota_units == 2  # two Business Discovery pages


@responses.activate
def test_a_handle_now_owned_by_another_account_is_refused(no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    account = AccountFactory(platform=Platform.YOUTUBE, handle=channel.handle, platform_user_id="")
    account_refresh(account=account, connector=youtube(), today=DAY)
    account.refresh_from_db()
    assert account.platform_user_id == channel.id  # learnt on the first refresh

    # Later the handle resolves to another channel id: nothing must be written over ours.
    account.platform_user_id = "UCzzzzzzzzzzzzzzzzzzzzzz"
    account.save()
    AccountHistory.objects.all().delete()
    with pytest.raises(ConnectorError):
        account_refresh(account=account, connector=youtube(), today=DAY)
    assert all_history_points() == 0


@responses.activate
def test_a_refresh_replaces_the_days_counts_unknown_included(no_vision) -> None:
    # The point of the day is the platform's counters as they are now: a following count stored
    # earlier that day (YouTube has none) does not survive the refresh, and other days stay.
    channel = YtChannel(videos=default_videos(n=1), video_count=1)
    FakeYouTube(responses.mock, channel)
    account = yt_account(channel)
    HistoryPointFactory(account=account, date=DAY - dt.timedelta(days=1), followers=50_000, following=8, posts=1)
    HistoryPointFactory(account=account, date=DAY, followers=51_000, following=9, posts=None)

    account_refresh(account=account, connector=youtube(), today=DAY)

    assert history_points(account) == [(DAY - dt.timedelta(days=1), 50_000, 8, 1), (DAY, 54_300, None, 1)]


# --- nothing partial --------------------------------------------------------------------------------


def _fail_channels_quota() -> None:
    responses.get(f"{YT}/channels", status=403, json=YT_QUOTA_EXCEEDED)


def _fail_channels_key() -> None:
    responses.get(f"{YT}/channels", status=400, json=YT_KEY_INVALID)


def _fail_videos_malformed() -> None:
    responses.get(f"{YT}/videos", body='{"items": [{"id": "x", ', status=200)


def _fail_comments_malformed() -> None:
    responses.get(f"{YT}/commentThreads", body="<html>oops</html>", status=200)


def _fail_playlist_5xx() -> None:
    for _ in range(4):
        responses.get(f"{YT}/playlistItems", status=503, json=YT_BACKEND_ERROR)


@pytest.mark.parametrize(
    "break_api, deleted, message",
    [
        (_fail_channels_quota, False, "daily quota"),
        (_fail_channels_key, False, "YOUTUBE_API_KEY was refused"),
        (None, True, "not found (deleted, terminated"),
        (_fail_videos_malformed, False, "videos.list: the response (HTTP 200) is not valid JSON"),
        (_fail_comments_malformed, False, "commentThreads.list: the response (HTTP 200) is not valid JSON"),
        (_fail_playlist_5xx, False, "gave up after 4 attempts"),
    ],
    ids=["quota", "bad-key", "deleted-channel", "malformed-videos", "malformed-comments", "5xx"],
)
@responses.activate
def test_a_failed_refresh_writes_nothing_and_fails_its_job(
    fast_retries, no_vision, break_api, deleted, message
) -> None:
    channel = YtChannel(videos=default_videos(n=3))
    if break_api is not None:
        break_api()  # registered first: responses serves the first matching registration
    fake = FakeYouTube(responses.mock, channel)
    account = yt_account(channel, bio="before")
    HistoryPointFactory(account=account, date=DAY - dt.timedelta(days=1), followers=50_000)
    PostFactory(account=account, platform_post_id=channel.videos[0].id, views=1, likes=1)
    if deleted:
        fake.channels.clear()
    before = catalogue_rows()

    job = JobFactory(kind=JobKind.REFRESH, params={"account_ids": [account.pk], "today": DAY.isoformat()})
    with pytest.raises(RefreshFailed):
        run_job(job_id=job.pk)

    assert catalogue_rows() == before
    account.refresh_from_db()
    assert account.bio == "before" and account.last_refreshed_at is None
    assert Post.objects.get(platform_post_id=channel.videos[0].id).views == 1
    assert MediaAsset.objects.count() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert message in job.error
    assert job.counts["failed"] == 1 and job.counts["refreshed"] == 0
    assert f"FAILED youtube:@{channel.handle}" in job.log


@responses.activate
def test_image_files_saved_before_a_failing_write_are_removed(no_vision, monkeypatch, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    channel = YtChannel(videos=default_videos(n=2))
    FakeYouTube(responses.mock, channel)
    account = yt_account(channel)

    def disk_full(self, *args, **kwargs):
        raise RuntimeError("disk full")

    # The image file is stored, then saving its row fails: rows roll back, the file must go too.
    monkeypatch.setattr(MediaAsset, "save", disk_full)
    with pytest.raises(RuntimeError, match="disk full"):
        account_refresh(account=account, connector=youtube(), today=DAY)

    assert Post.objects.count() == 0 and all_history_points() == 0
    assert _walk(default_storage, "assets") == []


def _walk(storage, path: str) -> list[str]:
    if not storage.exists(path):
        return []
    dirs, files = storage.listdir(path)
    found = [f"{path}/{f}" for f in files]
    for d in dirs:
        found += _walk(storage, f"{path}/{d}")
    return found


# --- many accounts ---------------------------------------------------------------------------------


@responses.activate
def test_one_failure_does_not_stop_the_others(keys, no_vision) -> None:
    good = YtChannel(videos=default_videos(n=2))
    FakeYouTube(responses.mock, good)
    FakeInstagram(responses.mock, IgUser(media=default_media(2)))
    ok_yt = yt_account(good)
    gone = AccountFactory(platform=Platform.YOUTUBE, handle="vanished", platform_user_id="UCvvvvvvvvvvvvvvvvvvvvvv")
    ok_ig = AccountFactory(platform=Platform.INSTAGRAM, handle="bluebottle")
    tiktok = AccountFactory(platform=Platform.TIKTOK, handle="dancer")
    AccountFactory(platform=Platform.YOUTUBE, handle="paused", tracked=False)

    job = JobFactory(kind=JobKind.REFRESH, params={"today": DAY.isoformat()})
    job = run_job(job_id=job.pk)

    assert job.status == JobStatus.SUCCEEDED
    counts = job.counts
    assert (counts["refreshed"], counts["failed"], counts["skipped"]) == (2, 1, 1)
    assert counts["quota_units"] == len(
        [c for c in responses.calls if "googleapis" in c.request.url or "graph.facebook" in c.request.url]
    )
    assert counts["snapshots"] == 2
    assert f"FAILED youtube:@vanished (id {gone.pk})" in job.log
    assert "failed accounts:" in job.log
    assert "skipping tiktok accounts" in job.log
    assert "youtube quota:" in job.log
    assert [history_points(a)[-1][0] for a in (ok_yt, ok_ig)] == [DAY, DAY]
    assert history_points(gone) == history_points(tiktok) == []
    assert job.total == 4 and job.done == 4  # the untracked account is not part of the run


@responses.activate
def test_quota_exhaustion_stops_the_platform_for_the_run(fast_retries, no_vision) -> None:
    responses.get(f"{YT}/channels", status=403, json=YT_QUOTA_EXCEEDED)
    first = AccountFactory(platform=Platform.YOUTUBE, handle="first_channel")
    second = AccountFactory(platform=Platform.YOUTUBE, handle="second_channel")

    with pytest.raises(RefreshFailed, match="all 2 attempted account"):
        refresh_tracked_accounts(account_ids=[first.pk, second.pk], today=DAY)

    assert len(responses.calls) == 1  # the second account cost nothing
    assert all(query(c.request)["forHandle"] == "@first_channel" for c in responses.calls)


@responses.activate
def test_unconfigured_platform_is_skipped_not_failed(settings, no_vision) -> None:
    settings.YOUTUBE_API_KEY = ""
    account = AccountFactory(platform=Platform.YOUTUBE, handle="somebody")
    job = JobFactory(kind=JobKind.REFRESH, params={"account_ids": [account.pk]})

    job = run_job(job_id=job.pk)

    assert job.status == JobStatus.SUCCEEDED
    assert (job.counts["refreshed"], job.counts["skipped"], job.counts["failed"]) == (0, 1, 0)
    assert "YOUTUBE_API_KEY is not set" in job.log
    assert len(responses.calls) == 0


def test_refresh_job_kind_has_a_handler() -> None:
    assert job_kind_registration(JobKind.REFRESH).handler == "influencers.services.refresh.run_refresh_job"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"platform": "myspace"}, "platform"),
        ({"account_ids": "1,2"}, "account_ids"),
        ({"today": "01/03/2026"}, "today"),
        ({"add": "@x"}, "add"),
        ({"add": {"platform": "myspace", "ref": "@x"}}, "add.platform"),
        ({"add": {"platform": "youtube", "ref": " "}}, "add.ref"),
    ],
)
def test_bad_job_params_fail_the_job_clearly(params: dict, field: str) -> None:
    job = JobFactory(kind=JobKind.REFRESH, params=params)
    with pytest.raises(InputError):
        run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert f"field '{field}'" in job.error


# --- adding an account -------------------------------------------------------------------------------


@responses.activate
def test_add_channel_by_url_then_by_handle_finds_the_same_account(keys, no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=2))
    FakeYouTube(responses.mock, channel)

    added = account_add_from_platform(platform=Platform.YOUTUBE, ref=f"https://www.youtube.com/channel/{channel.id}")

    account = added.account
    assert added.created
    assert (account.platform, account.handle, account.platform_user_id) == (Platform.YOUTUBE, "glowwithmei", channel.id)
    assert account.creator.display_name == "Glow with Mei"
    assert account.creator.country == "TW"
    assert len(history_points(account)) == 1
    assert Post.objects.filter(account=account).count() == 2

    again = account_add_from_platform(platform=Platform.YOUTUBE, ref="@GlowWithMei")
    assert not again.created
    assert again.account.pk == account.pk
    assert Creator.objects.count() == 1 and Account.objects.count() == 1


@responses.activate
def test_a_refresh_job_with_add_params_adds_that_account_and_names_it(keys, no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    job = JobFactory(kind=JobKind.REFRESH, params={"add": {"platform": "youtube", "ref": "@GlowWithMei"}})

    run_job(job_id=job.pk)

    job.refresh_from_db()
    account = Account.objects.get(platform=Platform.YOUTUBE, platform_user_id=channel.id)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"account_id": account.pk, "creator_id": account.creator_id, "created": True}
    assert (job.done, job.total) == (1, 1)


@responses.activate
def test_add_to_an_existing_creator(keys, no_vision) -> None:
    FakeInstagram(responses.mock, IgUser(media=default_media(1)))
    creator = CreatorFactory(display_name="Blue Bottle")

    added = account_add_from_platform(platform=Platform.INSTAGRAM, ref="instagram.com/bluebottle", creator=creator)

    assert added.account.creator == creator
    assert Creator.objects.count() == 1


@responses.activate
def test_add_a_missing_channel_writes_nothing(keys, no_vision) -> None:
    FakeYouTube(responses.mock)
    with pytest.raises(AccountNotFound):
        account_add_from_platform(platform=Platform.YOUTUBE, ref="@nobodyhere")
    assert catalogue_rows() == dict.fromkeys(catalogue_rows(), 0)


def test_add_on_a_platform_without_connector_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no connector for tiktok"):
        account_add_from_platform(platform=Platform.TIKTOK, ref="@dancer")


# --- after the write: embedding ------------------------------------------------------------------------


@responses.activate
def test_new_images_are_queued_for_embedding(keys, django_capture_on_commit_callbacks) -> None:
    channel = YtChannel(videos=default_videos(n=2))
    FakeYouTube(responses.mock, channel)
    account = yt_account(channel)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refresh_job = run_job(job_id=JobFactory(kind=JobKind.REFRESH, params={"account_ids": [account.pk]}).pk)

    job = Job.objects.get(kind=JobKind.EMBED)
    assert job.status == JobStatus.PENDING and job.params["account_ids"] == [account.pk]
    assert len(callbacks) == 1  # sent to the queue on commit
    assert f"2 new image(s) queued for embedding (job {job.pk})" in refresh_job.log

    # A refresh with no new image queues nothing more.
    account_refresh(account=account, connector=youtube(), today=DAY)
    assert Job.objects.filter(kind=JobKind.EMBED).count() == 1


@responses.activate
def test_new_images_left_to_a_waiting_embed_job_are_logged(keys, no_vision) -> None:
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    account = yt_account(channel)

    job = run_job(job_id=JobFactory(kind=JobKind.REFRESH, params={}).pk)

    assert job.status == JobStatus.SUCCEEDED
    assert no_vision == [{"account_ids": [account.pk], "reason": "refresh"}]
    assert "1 new image(s) left to the embed job already waiting" in job.log
    assert not Job.objects.filter(kind=JobKind.EMBED).exists()


@responses.activate
def test_vetting_and_monitoring_hooks_get_the_refreshed_accounts(keys, no_vision, follow_up_steps) -> None:
    follow_up_steps("vetting the accounts")
    follow_up_steps("re-evaluating watches", fail=RuntimeError("watch store offline"))
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    ok = yt_account(channel)
    AccountFactory(platform=Platform.YOUTUBE, handle="gone_channel")

    job = run_job(job_id=JobFactory(kind=JobKind.REFRESH, params={}).pk)

    calls = follow_up_steps.calls
    seen = {what: [change.account_ids for change in changes] for what, changes in calls.items()}
    assert seen == {"vetting the accounts": [(ok.pk,)], "re-evaluating watches": [(ok.pk,)]}  # only the refreshed
    assert job.status == JobStatus.SUCCEEDED  # a failing hook does not undo a good refresh
    assert "re-evaluating watches after the refresh failed: watch store offline" in job.log


def test_quota_exceeded_is_a_platform_stopper() -> None:
    assert issubclass(QuotaExceeded, refresh_service.PLATFORM_STOPPERS)
