"""YouTube Data API v3 connector against a fake API at the HTTP transport (no network)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import responses

from core.errors import InputError
from influencers.connectors import (
    AccountNotFound,
    AccountRef,
    ConnectorAuthError,
    ConnectorNotConfigured,
    ConnectorUnavailable,
    MalformedResponse,
    QuotaExceeded,
)
from influencers.connectors.youtube import YouTubeConnector, parse_channel_ref
from influencers.models import PostType
from tests.influencers.connector_fakes import (
    YT,
    YT_BACKEND_ERROR,
    YT_KEY,
    YT_KEY_INVALID,
    YT_KEY_INVALID_LEGACY,
    YT_QUOTA_EXCEEDED,
    YT_RATE_LIMITED,
    FakeYouTube,
    YtChannel,
    default_videos,
    query,
)


def connector(**kwargs) -> YouTubeConnector:
    return YouTubeConnector(api_key=YT_KEY, sleep=lambda s: None, **kwargs)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("UCx1b2c3d4e5f6g7h8i9j0kA", AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA")),
        ("@GlowWithMei", AccountRef(handle="glowwithmei")),
        ("glowwithmei", AccountRef(handle="glowwithmei")),
        ("https://www.youtube.com/@GlowWithMei/videos", AccountRef(handle="glowwithmei")),
        ("youtube.com/channel/UCx1b2c3d4e5f6g7h8i9j0kA", AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA")),
        ("https://m.youtube.com/user/GoogleDevelopers", AccountRef(legacy_username="GoogleDevelopers")),
        ("https://www.youtube.com/c/GlowWithMei", AccountRef(handle="glowwithmei")),
    ],
)
def test_channel_refs_are_understood(text: str, expected: AccountRef) -> None:
    assert parse_channel_ref(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "give a channel id"),
        ("https://vimeo.com/someone", "not a youtube.com channel URL"),
        ("https://www.youtube.com/watch?v=abc", "cannot find a channel"),
        ("@a", "neither a channel id"),
        ("has spaces in it", "neither a channel id"),
    ],
)
def test_bad_channel_refs_are_input_errors(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_channel_ref(text)


def test_missing_key_is_a_clear_configuration_error(settings) -> None:
    settings.YOUTUBE_API_KEY = ""
    with pytest.raises(ConnectorNotConfigured, match="YOUTUBE_API_KEY is not set"):
        YouTubeConnector()


@responses.activate
def test_fetch_reads_channel_uploads_across_pages_statistics_and_comments() -> None:
    channel = YtChannel(videos=default_videos(n=5), video_count=5)
    fake = FakeYouTube(responses.mock, channel, page_size=2)

    fetched = connector(max_posts=5, comment_posts=2).fetch(AccountRef(platform_user_id=channel.id))

    profile = fetched.profile
    assert profile.platform_user_id == channel.id
    assert profile.handle == "glowwithmei"
    assert profile.display_name == "Glow with Mei"
    assert profile.followers == 54_300
    assert profile.following is None
    assert profile.posts_count == 5
    assert profile.country == "TW"
    assert profile.profile_picture_url.endswith("=s800")  # the largest thumbnail
    # 5 uploads over 3 playlist pages (2 + 2 + 1), newest first as the playlist lists them.
    assert [p.platform_post_id for p in fetched.posts] == [v.id for v in channel.videos]
    assert fake.calls_to("playlistItems") == 3
    first = fetched.posts[0]
    assert first.views == 10_000 and first.likes == 500 and first.comments == 30
    assert first.post_type == PostType.VIDEO
    assert first.posted_at == dt.datetime(2026, 2, 20, 10, tzinfo=dt.UTC)
    assert first.url == f"https://www.youtube.com/watch?v={first.platform_post_id}"
    assert first.image_url == f"https://i.ytimg.com/vi/{first.platform_post_id}/hqdefault.jpg"
    assert first.hashtags == ["skincare", "grwm"]
    assert first.mentions == ["friend.channel"]
    # Comments only for the newest `comment_posts` videos.
    assert [len(p.comment_samples) for p in fetched.posts] == [2, 2, 0, 0, 0]
    comment = first.comment_samples[0]
    assert comment.commenter == "viewer0" and comment.text == "Love this routine!" and comment.likes == 0
    # Quota: channels 1 + playlistItems 3 + videos 1 + commentThreads 2, one unit each.
    assert fetched.api_calls == len(responses.calls) == 7
    assert fetched.quota_units == 7


@responses.activate
def test_max_posts_stops_pagination_early() -> None:
    channel = YtChannel(videos=default_videos(n=9))
    fake = FakeYouTube(responses.mock, channel, page_size=2)

    fetched = connector(max_posts=3, comment_posts=0).fetch(AccountRef(platform_user_id=channel.id))

    assert len(fetched.posts) == 3
    assert fake.calls_to("playlistItems") == 2
    assert fake.calls_to("commentThreads") == 0


@responses.activate
def test_handle_lookup_uses_for_handle_not_search() -> None:
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)

    fetched = connector(comment_posts=0).fetch(AccountRef(handle="glowwithmei"))

    assert fetched.profile.platform_user_id == channel.id
    channel_call = responses.calls[0].request
    assert query(channel_call)["forHandle"] == "@glowwithmei"
    assert all("/search" not in call.request.url for call in responses.calls)


@responses.activate
def test_hidden_subscriber_count_is_none_not_zero() -> None:
    channel = YtChannel(hidden_subscribers=True, videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)

    fetched = connector(comment_posts=0).fetch(AccountRef(platform_user_id=channel.id))
    assert fetched.profile.followers is None


@responses.activate
def test_disabled_comments_are_noted_not_fatal() -> None:
    channel = YtChannel(videos=default_videos(n=2))
    channel.comments_disabled.add(channel.videos[0].id)
    FakeYouTube(responses.mock, channel)

    fetched = connector().fetch(AccountRef(platform_user_id=channel.id))

    assert fetched.posts[0].comment_samples == ()
    assert len(fetched.posts[1].comment_samples) == 2
    assert any("disabled" in note for note in fetched.notes)


@responses.activate
def test_hidden_likes_and_disabled_comment_counts_are_zero() -> None:
    channel = YtChannel(videos=default_videos(n=1))
    channel.videos[0].likes = None
    channel.videos[0].comments = None
    FakeYouTube(responses.mock, channel)

    post = connector().fetch(AccountRef(platform_user_id=channel.id)).posts[0]
    assert (post.likes, post.comments, post.views) == (0, 0, 10_000)


@responses.activate
def test_missing_channel_is_account_not_found() -> None:
    FakeYouTube(responses.mock)  # knows no channel: 200 with no "items"

    with pytest.raises(AccountNotFound, match=r"channel UCx1b2c3d4e5f6g7h8i9j0kA not found \(deleted, terminated"):
        connector().fetch(AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA"))
    assert len(responses.calls) == 1


@responses.activate
def test_quota_exceeded_fails_fast_without_retrying() -> None:
    responses.get(f"{YT}/channels", status=403, json=YT_QUOTA_EXCEEDED)

    with pytest.raises(QuotaExceeded, match="daily quota.*quotaExceeded.*midnight Pacific"):
        connector().fetch(AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA"))
    # The daily quota resets at midnight PT: retrying now would only burn calls.
    assert len(responses.calls) == 1


@responses.activate
def test_rate_limit_403_and_5xx_are_retried_then_succeed() -> None:
    channel = YtChannel(videos=default_videos(n=1))
    responses.get(f"{YT}/channels", status=403, json=YT_RATE_LIMITED)
    responses.get(f"{YT}/channels", status=503, json=YT_BACKEND_ERROR)
    FakeYouTube(responses.mock, channel)
    sleeps: list[float] = []

    fetched = YouTubeConnector(api_key=YT_KEY, sleep=sleeps.append, comment_posts=0).fetch(
        AccountRef(platform_user_id=channel.id)
    )

    assert fetched.profile.followers == 54_300
    assert sleeps == [1.0, 2.0]
    assert fetched.quota_units == 2 + 3  # two failed channels.list attempts are charged too


@responses.activate
def test_5xx_forever_gives_up_with_unavailable() -> None:
    for _ in range(3):
        responses.get(f"{YT}/channels", status=500, body="<html>Internal error</html>")

    with pytest.raises(ConnectorUnavailable, match="gave up after 3 attempts"):
        connector(max_retries=2).fetch(AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA"))


@pytest.mark.parametrize("body", [YT_KEY_INVALID, YT_KEY_INVALID_LEGACY])
@responses.activate
def test_invalid_key_is_an_auth_error_that_does_not_leak_the_key(body: dict) -> None:
    responses.get(f"{YT}/channels", status=400, json=body)

    with pytest.raises(ConnectorAuthError, match="YOUTUBE_API_KEY was refused: the key is not valid") as info:
        connector().fetch(AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA"))
    assert YT_KEY not in str(info.value)
    assert len(responses.calls) == 1


@responses.activate
def test_api_not_enabled_is_explained() -> None:
    body = {
        "error": {
            "code": 403,
            "message": "YouTube Data API v3 has not been used in project 123 before or it is disabled.",
            "errors": [{"message": "...", "domain": "usageLimits", "reason": "accessNotConfigured"}],
        }
    }
    responses.get(f"{YT}/channels", status=403, json=body)

    with pytest.raises(ConnectorAuthError, match="not enabled in the key's Google Cloud project"):
        connector().fetch(AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA"))


@responses.activate
def test_malformed_json_body_is_reported() -> None:
    responses.get(f"{YT}/channels", body='{"kind": "youtube#channelListResponse", "items": [', status=200)

    with pytest.raises(MalformedResponse, match="youtube channels.list: the response .* is not valid JSON"):
        connector().fetch(AccountRef(platform_user_id="UCx1b2c3d4e5f6g7h8i9j0kA"))


@responses.activate
def test_wrong_shaped_counter_names_the_field() -> None:
    channel = YtChannel(videos=default_videos(n=2))
    fake = FakeYouTube(responses.mock, channel)

    def broken_videos(request):
        status, headers, body = fake._videos(request)
        payload = json.loads(body)
        payload["items"][1]["statistics"]["viewCount"] = "lots"
        return status, headers, json.dumps(payload)

    responses.mock.remove(responses.GET, f"{YT}/videos")  # swap the fake's handler for the broken one
    responses.add_callback(responses.GET, f"{YT}/videos", callback=broken_videos)

    with pytest.raises(MalformedResponse, match=r"items\[1\]\.statistics\.viewCount' should be a count, got 'lots'"):
        connector().fetch(AccountRef(platform_user_id=channel.id))


@responses.activate
def test_channel_without_uploads_playlist_has_no_posts() -> None:
    channel = YtChannel(videos=[], video_count=0)
    fake = FakeYouTube(responses.mock, channel)
    fake.channels.clear()  # the playlist lookup 404s (playlistNotFound) ...
    responses.mock.remove(responses.GET, f"{YT}/channels")
    responses.get(f"{YT}/channels", json={"kind": "youtube#channelListResponse", "items": [channel.channel_item()]})

    fetched = connector().fetch(AccountRef(platform_user_id=channel.id))
    assert fetched.posts == ()
    assert any("no public uploads" in note for note in fetched.notes)
