"""YouTube Data API v3 connector (API key only: public data).

One refresh of a channel costs about 3 + N quota units with the defaults (channels.list,
playlistItems.list, videos.list at 1 unit each, plus one commentThreads.list per video whose
comments are sampled). search.list (100 units) is never used: handles resolve with
channels.list?forHandle. Reference: https://developers.google.com/youtube/v3/docs and the
quota table https://developers.google.com/youtube/v3/determine_quota_cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from django.conf import settings

from core.errors import InputError
from influencers.connectors.base import Connector
from influencers.connectors.client import ApiClient
from influencers.connectors.errors import (
    AccountNotFound,
    ConnectorAuthError,
    ConnectorError,
    ConnectorNotConfigured,
    ConnectorUnavailable,
    PlatformError,
    QuotaExceeded,
)
from influencers.connectors.fetched import (
    AccountRef,
    FetchedAccount,
    FetchedComment,
    FetchedPost,
    FetchedProfile,
    as_count,
    as_datetime,
    as_list,
    as_object,
    as_text,
    dig,
)
from influencers.models import Platform, PostType

API_BASE = "https://www.googleapis.com/youtube/v3"
# Quota cost per call (units); every list call used here costs 1, search.list would cost 100.
QUOTA_COSTS = {
    "channels.list": 1,
    "playlistItems.list": 1,
    "videos.list": 1,
    "commentThreads.list": 1,
    "search.list": 100,
}
DEFAULT_DAILY_QUOTA = 10_000

CHANNEL_ID_RE = re.compile(r"^UC[0-9A-Za-z_-]{22}$")
HANDLE_RE = re.compile(r"^[0-9A-Za-z._\-·]{3,30}$")
THUMBNAIL_PREFERENCE = ("maxres", "standard", "high", "medium", "default")

_RETRY_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError", "internalError"})
_AUTH_REASONS = {
    "keyInvalid": "the key is not valid",
    "keyExpired": "the key has expired",
    "API_KEY_INVALID": "the key is not valid",
    "accessNotConfigured": "the YouTube Data API v3 is not enabled in the key's Google Cloud project",
    "SERVICE_DISABLED": "the YouTube Data API v3 is not enabled in the key's Google Cloud project",
    "API_KEY_SERVICE_BLOCKED": "the key is restricted and may not call the YouTube Data API",
    "ipRefererBlocked": "the key's IP or referrer restrictions refuse this server",
    "API_KEY_IP_ADDRESS_BLOCKED": "the key's IP restrictions refuse this server",
    "forbidden": "the key is not allowed to make this request",
}
_NOT_FOUND_REASONS = frozenset({"channelNotFound", "playlistNotFound", "videoNotFound"})


class CommentsUnavailable(ConnectorError):
    """Comments of one video are disabled or the video vanished: skip its comment sample."""


def _error_reasons(payload: Any) -> tuple[list[str], str]:
    """The `reason`s of a Google API error body (errors[] and details[]) and its message."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return [], ""
    reasons = [e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)]
    reasons += [d.get("reason", "") for d in error.get("details") or [] if isinstance(d, dict)]
    message = re.sub(r"<[^>]+>", "", str(error.get("message", "")))  # Google puts HTML links in messages
    return [r for r in reasons if r], message


def classify_youtube_error(status: int, payload: Any, endpoint: str) -> tuple[PlatformError, bool]:
    """The exception for a YouTube error response and whether retrying later may help."""
    reasons, message = _error_reasons(payload)
    where = f"youtube {endpoint}"
    shown = f" ({', '.join(reasons)})" if reasons else ""
    if "quotaExceeded" in reasons or "dailyLimitExceeded" in reasons:
        # The daily quota resets at midnight Pacific Time; retrying before that only burns calls.
        return (
            QuotaExceeded(
                f"{where}: the daily quota of the YOUTUBE_API_KEY project is used up{shown}; it resets at "
                "midnight Pacific Time (see docs/connectors.md to request more)"
            ),
            False,
        )
    if status == 429 or status >= 500 or any(r in _RETRY_REASONS for r in reasons):
        return ConnectorUnavailable(f"{where}: HTTP {status}{shown} {message}".rstrip()), True
    if "commentsDisabled" in reasons or (endpoint == "commentThreads.list" and "videoNotFound" in reasons):
        return CommentsUnavailable(f"{where}: comments unavailable{shown}"), False
    for reason in reasons:
        if reason in _AUTH_REASONS:
            return (
                ConnectorAuthError(
                    f"{where}: YOUTUBE_API_KEY was refused: {_AUTH_REASONS[reason]}{shown}. "
                    "Check it in the Google Cloud console (APIs & Services → Credentials)"
                ),
                False,
            )
    if status == 400 and "API key not valid" in message:
        return ConnectorAuthError(f"{where}: YOUTUBE_API_KEY was refused: the key is not valid{shown}"), False
    if status == 404 or any(r in _NOT_FOUND_REASONS for r in reasons):
        return AccountNotFound(f"{where}: not found{shown} {message}".rstrip()), False
    return ConnectorError(f"{where}: HTTP {status}{shown} {message}".rstrip()), False


def parse_channel_ref(text: str) -> AccountRef:
    """A channel id, @handle, or channel URL (youtube.com/channel/ID, /@handle, /user/NAME,
    /c/NAME) as an AccountRef. Legacy /c/ names are tried as handles, which they usually are."""
    raw = (text or "").strip()
    if not raw:
        raise InputError("give a channel id (UC…), @handle or channel URL", field="ref")
    if CHANNEL_ID_RE.match(raw):
        return AccountRef(platform_user_id=raw)
    if "/" in raw or raw.lower().startswith(("http", "www.", "youtube.", "m.youtube.")):
        url = urlparse(raw if "://" in raw else f"https://{raw}")
        host = (url.hostname or "").lower()
        if host not in {"youtube.com", "www.youtube.com", "m.youtube.com"}:
            raise InputError(f"{raw!r} is not a youtube.com channel URL", field="ref")
        parts = [p for p in url.path.split("/") if p]
        if len(parts) >= 2 and parts[0] == "channel" and CHANNEL_ID_RE.match(parts[1]):
            return AccountRef(platform_user_id=parts[1])
        if parts and parts[0].startswith("@"):
            raw = parts[0]
        elif len(parts) >= 2 and parts[0] == "user":
            return AccountRef(legacy_username=parts[1])
        elif len(parts) >= 2 and parts[0] == "c":
            raw = "@" + parts[1]
        else:
            raise InputError(
                f"{text!r}: cannot find a channel in this URL (expected /channel/UC…, /@handle or /user/NAME)",
                field="ref",
            )
    handle = raw.removeprefix("@")
    if not HANDLE_RE.match(handle):
        raise InputError(f"{text!r} is neither a channel id (UC + 22 characters) nor a valid @handle", field="ref")
    return AccountRef(handle=handle.lower())


class YouTubeConnector(Connector):
    """Channel statistics, recent uploads with their statistics and thumbnails, and a sample of
    top-level comments on the most recent uploads."""

    platform = Platform.YOUTUBE

    def __init__(
        self,
        *,
        api_key: str | None = None,
        max_posts: int = 25,
        comment_posts: int = 5,
        comments_per_post: int = 20,
        sleep: Callable[[float], None] | None = None,
        max_retries: int = 3,
        quota_budget: int | None = None,
    ) -> None:
        key = settings.YOUTUBE_API_KEY if api_key is None else api_key
        if not key:
            raise ConnectorNotConfigured(
                "youtube: YOUTUBE_API_KEY is not set (create a key in the Google Cloud console with the "
                "YouTube Data API v3 enabled; see docs/connectors.md)"
            )
        self.api_key = key
        self.max_posts = max_posts
        self.comment_posts = comment_posts
        self.comments_per_post = comments_per_post
        budget = quota_budget if quota_budget is not None else getattr(settings, "YOUTUBE_QUOTA_BUDGET", None)
        client_kwargs: dict[str, Any] = {"max_retries": max_retries, "quota_budget": budget or None}
        if sleep is not None:
            client_kwargs["sleep"] = sleep
        super().__init__(
            client=ApiClient(
                platform="youtube",
                base_url=API_BASE,
                classify_error=classify_youtube_error,
                costs=QUOTA_COSTS,
                secrets=[key],
                **client_kwargs,
            )
        )

    def parse_ref(self, text: str) -> AccountRef:
        return parse_channel_ref(text)

    def ref_for(self, *, handle: str, platform_user_id: str = "") -> AccountRef:
        if platform_user_id and CHANNEL_ID_RE.match(platform_user_id):
            return AccountRef(handle=handle, platform_user_id=platform_user_id)
        if CHANNEL_ID_RE.match(handle):  # accounts added by id before their handle was known
            return AccountRef(platform_user_id=handle)
        return AccountRef(handle=handle)

    def _get(self, endpoint: str, **params: Any) -> dict[str, Any]:
        resource = endpoint.split(".")[0]
        return self.client.get_json(resource, params={**params, "key": self.api_key}, endpoint=endpoint)

    # --- the fetch ---------------------------------------------------------------------------
    def fetch(self, ref: AccountRef) -> FetchedAccount:
        calls_before, units_before = self.meter.calls, self.meter.units
        notes: list[str] = []
        profile, uploads = self._channel(ref)
        video_ids = self._upload_ids(uploads, notes) if uploads else []
        posts = self._videos(video_ids)
        posts = self._with_comments(posts, notes)
        return FetchedAccount(
            profile=profile,
            posts=tuple(posts),
            api_calls=self.meter.calls - calls_before,
            quota_units=self.meter.units - units_before,
            notes=tuple(notes),
        )

    def _channel(self, ref: AccountRef) -> tuple[FetchedProfile, str]:
        params: dict[str, Any] = {"part": "snippet,statistics,contentDetails", "maxResults": 1}
        if ref.platform_user_id:
            params["id"] = ref.platform_user_id
        elif ref.handle:
            params["forHandle"] = "@" + ref.handle
        elif ref.legacy_username:
            params["forUsername"] = ref.legacy_username
        else:
            raise InputError("no channel id or handle to look up", field="ref")
        where = "youtube channels.list"
        payload = self._get("channels.list", **params)
        items = as_list(payload.get("items"), where=where, field_path="items")
        if not items:
            # The API answers 200 with no items for unknown, deleted and terminated channels.
            raise AccountNotFound(f"youtube: channel {ref} not found (deleted, terminated, or a wrong id/handle)")
        item = as_object(items[0], where=where, field_path="items[0]")
        channel_id = as_text(dig(item, "id", where=where), where=where, field_path="items[0].id")
        snippet = as_object(item.get("snippet"), where=where, field_path="items[0].snippet")
        stats = as_object(item.get("statistics"), where=where, field_path="items[0].statistics")
        hidden = bool(stats.get("hiddenSubscriberCount"))
        subscribers = (
            None
            if hidden
            else as_count(stats.get("subscriberCount"), where=where, field_path="items[0].statistics.subscriberCount")
        )
        custom_url = as_text(snippet.get("customUrl"), where=where, field_path="items[0].snippet.customUrl")
        thumbnails = snippet.get("thumbnails") or {}
        profile = FetchedProfile(
            platform=Platform.YOUTUBE,
            platform_user_id=channel_id,
            handle=(custom_url.removeprefix("@") or ref.handle).lower() or channel_id,
            display_name=as_text(snippet.get("title"), where=where, field_path="items[0].snippet.title"),
            bio=as_text(snippet.get("description"), where=where, field_path="items[0].snippet.description"),
            profile_picture_url=_best_thumbnail(thumbnails),
            country=as_text(snippet.get("country"), where=where, field_path="items[0].snippet.country")[:2].upper(),
            followers=subscribers,
            following=None,
            posts_count=as_count(stats.get("videoCount"), where=where, field_path="items[0].statistics.videoCount"),
        )
        uploads = dig(item, "contentDetails.relatedPlaylists.uploads", where=where, required=False, default="")
        return profile, as_text(uploads, where=where, field_path="contentDetails.relatedPlaylists.uploads")

    def _upload_ids(self, playlist_id: str, notes: list[str]) -> list[str]:
        """Ids of the newest uploads, following nextPageToken until `max_posts` are collected."""
        where = "youtube playlistItems.list"
        ids: list[str] = []
        page_token = ""
        while len(ids) < self.max_posts:
            params: dict[str, Any] = {
                "part": "contentDetails",
                "playlistId": playlist_id,
                "maxResults": min(50, self.max_posts - len(ids)),
            }
            if page_token:
                params["pageToken"] = page_token
            try:
                payload = self._get("playlistItems.list", **params)
            except AccountNotFound:
                # A channel without public uploads has an uploads playlist id that answers 404.
                notes.append("the channel has no public uploads playlist")
                return ids
            for index, item in enumerate(as_list(payload.get("items"), where=where, field_path="items")):
                video_id = dig(item, "contentDetails.videoId", where=f"{where} items[{index}]")
                if video_id not in ids:
                    ids.append(as_text(video_id, where=where, field_path=f"items[{index}].contentDetails.videoId"))
            page_token = as_text(payload.get("nextPageToken"), where=where, field_path="nextPageToken")
            if not page_token:
                break
        return ids[: self.max_posts]

    def _videos(self, video_ids: list[str]) -> list[FetchedPost]:
        """Snippet and statistics of the videos, 50 ids per call; vanished videos are left out."""
        where = "youtube videos.list"
        posts: list[FetchedPost] = []
        for start in range(0, len(video_ids), 50):
            chunk = video_ids[start : start + 50]
            payload = self._get("videos.list", part="snippet,statistics", id=",".join(chunk), maxResults=len(chunk))
            for index, item in enumerate(as_list(payload.get("items"), where=where, field_path="items")):
                at = f"items[{index}]"
                item = as_object(item, where=where, field_path=at)
                video_id = as_text(item.get("id"), where=where, field_path=f"{at}.id")
                snippet = as_object(item.get("snippet"), where=where, field_path=f"{at}.snippet")
                stats = as_object(item.get("statistics"), where=where, field_path=f"{at}.statistics", required=False)
                title = as_text(snippet.get("title"), where=where, field_path=f"{at}.snippet.title")
                description = as_text(snippet.get("description"), where=where, field_path=f"{at}.snippet.description")
                posts.append(
                    FetchedPost(
                        platform_post_id=video_id,
                        posted_at=as_datetime(
                            snippet.get("publishedAt"), where=where, field_path=f"{at}.snippet.publishedAt"
                        ),
                        post_type=PostType.VIDEO,
                        url=f"https://www.youtube.com/watch?v={video_id}",
                        caption=f"{title}\n\n{description}".strip(),
                        # Hidden like counts and disabled comments are absent: stored as 0.
                        likes=as_count(stats.get("likeCount"), where=where, field_path=f"{at}.statistics.likeCount")
                        or 0,
                        comments=as_count(
                            stats.get("commentCount"), where=where, field_path=f"{at}.statistics.commentCount"
                        )
                        or 0,
                        views=as_count(stats.get("viewCount"), where=where, field_path=f"{at}.statistics.viewCount"),
                        image_url=_best_thumbnail(snippet.get("thumbnails") or {}),
                    )
                )
        order = {video_id: i for i, video_id in enumerate(video_ids)}
        return sorted(posts, key=lambda p: order.get(p.platform_post_id, len(order)))

    def _with_comments(self, posts: list[FetchedPost], notes: list[str]) -> list[FetchedPost]:
        """The posts, the newest `comment_posts` of them with a sample of top-level comments."""
        if not self.comment_posts or not self.comments_per_post:
            return posts
        result: list[FetchedPost] = []
        for index, post in enumerate(posts):
            if index < self.comment_posts and post.comments:
                try:
                    comments = self._comments(post.platform_post_id)
                except CommentsUnavailable:
                    notes.append(f"comments of video {post.platform_post_id} are disabled or unavailable")
                    comments = ()
                post = FetchedPost(**{**post.__dict__, "comment_samples": comments})
            result.append(post)
        return result

    def _comments(self, video_id: str) -> tuple[FetchedComment, ...]:
        where = "youtube commentThreads.list"
        payload = self._get(
            "commentThreads.list",
            part="snippet",
            videoId=video_id,
            maxResults=min(100, self.comments_per_post),
            order="relevance",
            textFormat="plainText",
        )
        comments: list[FetchedComment] = []
        for index, item in enumerate(as_list(payload.get("items"), where=where, field_path="items")):
            at = f"items[{index}].snippet.topLevelComment"
            top = as_object(
                dig(item, "snippet.topLevelComment", where=f"{where} items[{index}]"), where=where, field_path=at
            )
            snippet = as_object(top.get("snippet"), where=where, field_path=f"{at}.snippet")
            text = as_text(
                snippet.get("textOriginal") or snippet.get("textDisplay"),
                where=where,
                field_path=f"{at}.snippet.textOriginal",
            )
            comments.append(
                FetchedComment(
                    external_id=as_text(dig(top, "id", where=f"{where} {at}"), where=where, field_path=f"{at}.id"),
                    commenter=as_text(
                        snippet.get("authorDisplayName"), where=where, field_path=f"{at}.snippet.authorDisplayName"
                    ).removeprefix("@")[:150],
                    text=text,
                    posted_at=as_datetime(
                        snippet.get("publishedAt"), where=where, field_path=f"{at}.snippet.publishedAt"
                    ),
                    likes=as_count(snippet.get("likeCount"), where=where, field_path=f"{at}.snippet.likeCount"),
                )
            )
        return tuple(comments)


def _best_thumbnail(thumbnails: Any) -> str:
    """URL of the largest thumbnail offered (maxres > standard > high > medium > default)."""
    if not isinstance(thumbnails, dict):
        return ""
    for name in THUMBNAIL_PREFERENCE:
        entry = thumbnails.get(name)
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            return entry["url"]
    return ""
