"""Fake platform APIs for connector and refresh tests, mocked at the HTTP transport with
`responses`. Bodies follow the shapes of the official documentation:

- YouTube Data API v3 list responses (channels, playlistItems, videos, commentThreads) and its
  error body {"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}.
- Instagram Graph API Business Discovery
  (GET /{ig-user-id}?fields=business_discovery.username(NAME){...,media{...}}) with cursor
  paging, and Graph API errors {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

import responses
from PIL import Image

YT = "https://www.googleapis.com/youtube/v3"
GRAPH = "https://graph.facebook.com/v25.0"
YT_KEY = "AIzaSyTEST-not-a-real-key-000000000000"
IG_TOKEN = "EAAGtestTOKENnotreal1234567890"
IG_BUSINESS_ID = "17841405309211844"


def image_bytes(seed: int, *, fmt: str = "JPEG", size: tuple[int, int] = (48, 36)) -> bytes:
    """A small real image, different for each seed (so each has its own sha256)."""
    image = Image.new("RGB", size, ((seed * 67) % 256, (seed * 131) % 256, (seed * 29) % 256))
    for x in range(0, size[0], 6):  # a pattern, so perceptual hashes differ too
        for y in range(size[1]):
            image.putpixel((x, y), ((seed * 13) % 256, 255 - (seed * 7) % 256, (x * 5) % 256))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def query(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}


# --- YouTube ---------------------------------------------------------------------------------


def yt_error(code: int, reason: str, message: str, domain: str = "global") -> dict:
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }


YT_QUOTA_EXCEEDED = yt_error(
    403,
    "quotaExceeded",
    "The request cannot be completed because you have exceeded your "
    '<a href="/youtube/v3/getting-started#quota">quota</a>.',
    "youtube.quota",
)
YT_KEY_INVALID = {
    "error": {
        "code": 400,
        "message": "API key not valid. Please pass a valid API key.",
        "errors": [
            {"message": "API key not valid. Please pass a valid API key.", "domain": "global", "reason": "badRequest"}
        ],
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "youtube.googleapis.com"},
            }
        ],
    }
}
YT_KEY_INVALID_LEGACY = yt_error(400, "keyInvalid", "Bad Request", "usageLimits")
YT_RATE_LIMITED = yt_error(
    403, "rateLimitExceeded", "The request cannot be completed because you have exceeded your quota.", "youtube.quota"
)
YT_BACKEND_ERROR = yt_error(503, "backendError", "Backend Error")
YT_COMMENTS_DISABLED = yt_error(
    403,
    "commentsDisabled",
    "The video identified by the <code>videoId</code> parameter has disabled comments.",
    "youtube.commentThread",
)


@dataclass
class YtVideo:
    id: str
    title: str = "Morning routine 晨间护肤"
    description: str = "Products in this video #skincare #GRWM with @friend.channel"
    published: str = "2026-02-20T10:00:00Z"
    views: int | None = 12_000
    likes: int | None = 640
    comments: int | None = 35
    thumbnail_seed: int = 1


@dataclass
class YtChannel:
    """A channel the fake API knows, with its uploads and comments."""

    id: str = "UCx1b2c3d4e5f6g7h8i9j0kA"
    handle: str = "glowwithmei"
    title: str = "Glow with Mei"
    description: str = "Skincare for sensitive skin · 敏感肌护肤"
    country: str = "TW"
    subscribers: int = 54_300
    hidden_subscribers: bool = False
    video_count: int = 3
    videos: list[YtVideo] = field(default_factory=list)
    comments_disabled: set[str] = field(default_factory=set)

    @property
    def uploads(self) -> str:
        return "UU" + self.id[2:]

    def channel_item(self) -> dict:
        stats = {
            "viewCount": "1234567",
            "videoCount": str(self.video_count),
            "hiddenSubscriberCount": self.hidden_subscribers,
        }
        if not self.hidden_subscribers:
            stats["subscriberCount"] = str(self.subscribers)
        return {
            "kind": "youtube#channel",
            "etag": "etag-channel",
            "id": self.id,
            "snippet": {
                "title": self.title,
                "description": self.description,
                "customUrl": "@" + self.handle,
                "publishedAt": "2018-05-01T08:00:00Z",
                "thumbnails": {
                    "default": {"url": f"https://yt3.ggpht.com/{self.id}=s88", "width": 88, "height": 88},
                    "medium": {"url": f"https://yt3.ggpht.com/{self.id}=s240", "width": 240, "height": 240},
                    "high": {"url": f"https://yt3.ggpht.com/{self.id}=s800", "width": 800, "height": 800},
                },
                "localized": {"title": self.title, "description": self.description},
                "country": self.country,
            },
            "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": self.uploads}},
            "statistics": stats,
        }

    def video_item(self, video: YtVideo) -> dict:
        stats = {"favoriteCount": "0"}
        for name, value in (("viewCount", video.views), ("likeCount", video.likes), ("commentCount", video.comments)):
            if value is not None:
                stats[name] = str(value)
        return {
            "kind": "youtube#video",
            "etag": f"etag-{video.id}",
            "id": video.id,
            "snippet": {
                "publishedAt": video.published,
                "channelId": self.id,
                "title": video.title,
                "description": video.description,
                "thumbnails": {
                    "default": {"url": f"https://i.ytimg.com/vi/{video.id}/default.jpg", "width": 120, "height": 90},
                    "medium": {"url": f"https://i.ytimg.com/vi/{video.id}/mqdefault.jpg", "width": 320, "height": 180},
                    "high": {"url": f"https://i.ytimg.com/vi/{video.id}/hqdefault.jpg", "width": 480, "height": 360},
                },
                "channelTitle": self.title,
                "categoryId": "26",
                "liveBroadcastContent": "none",
            },
            "statistics": stats,
        }


def default_videos(prefix: str = "v", n: int = 3, *, seed: int = 1) -> list[YtVideo]:
    return [
        YtVideo(
            id=f"{prefix}{i:010d}",
            published=f"2026-02-{20 - i:02d}T10:00:00Z",
            views=10_000 + i * 1000,
            likes=500 + i * 10,
            comments=30 + i,
            thumbnail_seed=seed + i,
        )
        for i in range(n)
    ]


class FakeYouTube:
    """Serves channels.list, playlistItems.list (paginated), videos.list and commentThreads.list
    for the registered channels, and their thumbnails on i.ytimg.com."""

    def __init__(self, rsps: responses.RequestsMock, *channels: YtChannel, page_size: int = 2) -> None:
        self.rsps = rsps
        self.channels = {c.id: c for c in channels}
        self.page_size = page_size
        rsps.add_callback(responses.GET, f"{YT}/channels", callback=self._channels)
        rsps.add_callback(responses.GET, f"{YT}/playlistItems", callback=self._playlist)
        rsps.add_callback(responses.GET, f"{YT}/videos", callback=self._videos)
        rsps.add_callback(responses.GET, f"{YT}/commentThreads", callback=self._comments)
        rsps.add_callback(responses.GET, re.compile(r"https://i\.ytimg\.com/vi/.+"), callback=self._thumbnail)

    def add(self, channel: YtChannel) -> None:
        self.channels[channel.id] = channel

    def calls_to(self, resource: str) -> int:
        return sum(1 for call in self.rsps.calls if urlparse(call.request.url).path.endswith(f"/{resource}"))

    def _json(self, body: dict, status: int = 200):
        import json

        return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(body)

    def _channels(self, request):
        q = query(request)
        assert q.get("key") == YT_KEY, "the API key is sent as ?key="
        found = []
        for channel in self.channels.values():
            if q.get("id") == channel.id or q.get("forHandle", "").lower() == "@" + channel.handle:
                found.append(channel.channel_item())
        body = {
            "kind": "youtube#channelListResponse",
            "etag": "etag-list",
            "pageInfo": {"totalResults": len(found), "resultsPerPage": 1},
        }
        if found:  # the API omits "items" when nothing matched
            body["items"] = found
        return self._json(body)

    def _playlist(self, request):
        q = query(request)
        channel = next((c for c in self.channels.values() if c.uploads == q["playlistId"]), None)
        if channel is None:
            return self._json(
                yt_error(
                    404,
                    "playlistNotFound",
                    "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
                    "youtube.playlistItem",
                ),
                404,
            )
        start = int(q.get("pageToken", "0").removeprefix("PT") or 0)
        size = min(int(q.get("maxResults", 5)), self.page_size)
        page = channel.videos[start : start + size]
        body = {
            "kind": "youtube#playlistItemListResponse",
            "etag": "etag-pl",
            "items": [
                {
                    "kind": "youtube#playlistItem",
                    "etag": f"etag-pi-{v.id}",
                    "id": f"UEx{v.id}",
                    "contentDetails": {"videoId": v.id, "videoPublishedAt": v.published},
                }
                for v in page
            ],
            "pageInfo": {"totalResults": len(channel.videos), "resultsPerPage": size},
        }
        if start + size < len(channel.videos):
            body["nextPageToken"] = f"PT{start + size}"
        return self._json(body)

    def _videos(self, request):
        ids = query(request)["id"].split(",")
        items = []
        for channel in self.channels.values():
            for video in channel.videos:
                if video.id in ids:
                    items.append(channel.video_item(video))
        return self._json(
            {
                "kind": "youtube#videoListResponse",
                "etag": "etag-v",
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            }
        )

    def _comments(self, request):
        video_id = query(request)["videoId"]
        for channel in self.channels.values():
            if video_id in channel.comments_disabled:
                return self._json(YT_COMMENTS_DISABLED, 403)
        items = [
            {
                "kind": "youtube#commentThread",
                "etag": f"etag-ct-{video_id}-{i}",
                "id": f"Ugz{video_id}{i}",
                "snippet": {
                    "channelId": "UCviewer",
                    "videoId": video_id,
                    "topLevelComment": {
                        "kind": "youtube#comment",
                        "etag": f"etag-c-{i}",
                        "id": f"Ugz{video_id}{i}",
                        "snippet": {
                            "channelId": "UCviewer",
                            "videoId": video_id,
                            "textDisplay": text,
                            "textOriginal": text,
                            "authorDisplayName": f"@viewer{i}",
                            "authorProfileImageUrl": "https://yt3.ggpht.com/a.jpg",
                            "authorChannelUrl": f"http://www.youtube.com/@viewer{i}",
                            "authorChannelId": {"value": f"UCviewer{i}"},
                            "canRate": True,
                            "viewerRating": "none",
                            "likeCount": i,
                            "publishedAt": "2026-02-21T09:00:00Z",
                            "updatedAt": "2026-02-21T09:00:00Z",
                        },
                    },
                    "canReply": True,
                    "totalReplyCount": 0,
                    "isPublic": True,
                },
            }
            for i, text in enumerate(["Love this routine!", "太好看了 😍"])
        ]
        return self._json(
            {
                "kind": "youtube#commentThreadListResponse",
                "etag": "etag-ctl",
                "pageInfo": {"totalResults": 2, "resultsPerPage": 20},
                "items": items,
            }
        )

    def _thumbnail(self, request):
        video_id = urlparse(request.url).path.split("/")[2]
        for channel in self.channels.values():
            for video in channel.videos:
                if video.id == video_id:
                    return 200, {"Content-Type": "image/jpeg"}, image_bytes(video.thumbnail_seed)
        return 404, {}, b""


# --- Instagram ---------------------------------------------------------------------------------


def graph_error(code: int, message: str, *, subcode: int | None = None, type_: str = "OAuthException", **extra) -> dict:
    error = {"message": message, "type": type_, "code": code, "fbtrace_id": "AbCdEfGhIjK", **extra}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


IG_TOKEN_EXPIRED = graph_error(
    190,
    "Error validating access token: Session has expired on Friday, 27-Feb-26 10:00:00 PST. "
    "The current time is Sunday, 01-Mar-26 09:00:00 PST.",
    subcode=463,
)
IG_PERMISSION_10 = graph_error(10, "(#10) Application does not have permission for this action")
IG_PERMISSION_200 = graph_error(200, "(#200) Requires instagram_basic permission to manage the object")
IG_USER_NOT_FOUND = graph_error(
    110,
    "Invalid user id",
    subcode=2207013,
    is_transient=False,
    error_user_title="Cannot find User",
    error_user_msg="The user with username: ghost_account cannot be found.",
)
IG_INVALID_PARAM = graph_error(100, "Invalid parameter", error_user_msg="The username is not valid.")
IG_RATE_LIMIT = graph_error(4, "(#4) Application request limit reached", is_transient=True)


@dataclass
class IgMedia:
    id: str
    media_type: str = "IMAGE"
    product: str = "FEED"
    caption: str = "Sunday latte art ☕ #coffee #latteart"
    timestamp: str = "2026-02-25T18:20:00+0000"
    likes: int | None = 1200
    comments: int = 48
    seed: int = 1

    def item(self) -> dict:
        body = {
            "id": self.id,
            "caption": self.caption,
            "media_type": self.media_type,
            "media_product_type": self.product,
            "permalink": f"https://www.instagram.com/p/{self.id[-6:]}/",
            "timestamp": self.timestamp,
            "comments_count": self.comments,
        }
        if self.likes is not None:
            body["like_count"] = self.likes
        if self.media_type == "VIDEO":
            body["media_url"] = f"https://scontent.cdninstagram.com/v/{self.id}.mp4?oe=ABC"
        else:
            body["media_url"] = f"https://scontent.cdninstagram.com/v/t51/{self.id}.jpg?stp=dst-jpg&oe=ABC"
        return body


@dataclass
class IgUser:
    username: str = "bluebottle"
    id: str = "17841401441775531"
    name: str = "Blue Bottle Coffee"
    biography: str = "Coffee roaster · Oakland, CA"
    website: str = "https://bluebottlecoffee.com/"
    followers: int = 267_793
    follows: int = 12
    media_count: int = 1205
    media: list[IgMedia] = field(default_factory=list)


def default_media(n: int = 3, *, seed: int = 100) -> list[IgMedia]:
    return [
        IgMedia(
            id=f"1785884326921{i:04d}",
            timestamp=f"2026-02-{25 - i:02d}T18:20:00+0000",
            likes=1000 + i,
            comments=40 + i,
            seed=seed + i,
        )
        for i in range(n)
    ]


class FakeInstagram:
    """Serves Business Discovery for the registered users (media pages of `page_size` with
    cursors) and the media images on scontent.cdninstagram.com."""

    FIELDS_RE = re.compile(r"^business_discovery\.username\(([^)]+)\)\{(.*)\}$")

    def __init__(self, rsps: responses.RequestsMock, *users: IgUser, page_size: int = 2) -> None:
        self.rsps = rsps
        self.users = {u.username: u for u in users}
        self.page_size = page_size
        rsps.add_callback(responses.GET, f"{GRAPH}/{IG_BUSINESS_ID}", callback=self._discover)
        rsps.add_callback(responses.GET, re.compile(r"https://scontent\.cdninstagram\.com/v/.+"), callback=self._image)

    def _discover(self, request):
        import json

        q = query(request)
        if q.get("access_token") != IG_TOKEN:
            return 400, {}, json.dumps(graph_error(190, "Invalid OAuth access token - Cannot parse access token"))
        match = self.FIELDS_RE.match(q["fields"])
        assert match, q["fields"]
        username, inner = match.groups()
        user = self.users.get(username)
        if user is None:
            return 400, {}, json.dumps(IG_USER_NOT_FOUND)
        cursor = re.search(r"media\.after\(([^)]+)\)", inner)
        start = int(cursor.group(1).removeprefix("QVFIU")) if cursor else 0
        limit = re.search(r"\.limit\((\d+)\)", inner)
        size = min(int(limit.group(1)) if limit else 25, self.page_size)
        page = user.media[start : start + size]
        paging = {"cursors": {"before": f"QVFIU{start}"}}
        if start + size < len(user.media):
            paging["cursors"]["after"] = f"QVFIU{start + size}"
        discovery: dict = {"id": user.id, "media": {"data": [m.item() for m in page], "paging": paging}}
        if not cursor:
            discovery.update(
                username=user.username,
                name=user.name,
                biography=user.biography,
                website=user.website,
                followers_count=user.followers,
                follows_count=user.follows,
                media_count=user.media_count,
                profile_picture_url=f"https://scontent.xx.fbcdn.net/v/t51/{user.id}_n.jpg",
            )
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"business_discovery": discovery, "id": IG_BUSINESS_ID}),
        )

    def _image(self, request):
        path = urlparse(request.url).path
        for user in self.users.values():
            for media in user.media:
                if f"/{media.id}." in path:
                    return 200, {"Content-Type": "image/jpeg"}, image_bytes(media.seed)
        return 404, {}, b""
