"""Instagram Graph API connector through Business Discovery.

Business Discovery reads the public profile and media of another *professional* (business or
creator) account, queried through our own professional account
(INSTAGRAM_BUSINESS_ACCOUNT_ID) with a Facebook user access token (INSTAGRAM_ACCESS_TOKEN).
Personal accounts cannot be read, and other accounts' comment texts are not exposed, so this
connector returns no comment sample. Reference:
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/business_discovery
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
    MalformedResponse,
    PlatformError,
)
from influencers.connectors.fetched import (
    AccountRef,
    FetchedAccount,
    FetchedPost,
    FetchedProfile,
    as_count,
    as_datetime,
    as_list,
    as_object,
    as_text,
)
from influencers.models import Platform, PostType

GRAPH_BASE = "https://graph.facebook.com"
DEFAULT_GRAPH_VERSION = "v25.0"
USERNAME_RE = re.compile(r"^[A-Za-z0-9._]{1,30}$")
PROFILE_FIELDS = "id,username,name,biography,website,followers_count,follows_count,media_count,profile_picture_url"
MEDIA_FIELDS = "id,caption,media_type,media_product_type,media_url,permalink,timestamp,like_count,comments_count"

# Graph API error codes (https://developers.facebook.com/docs/graph-api/guides/error-handling).
_TOKEN_CODE = 190
_TOKEN_SUBCODES = {
    458: "the app was removed by the user",
    460: "the user changed their password",
    463: "the token has expired (long-lived tokens last 60 days)",
    464: "the user is not confirmed",
    467: "the user logged out",
    492: "the user lost their role on the Page",
}
_RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002})
_TRANSIENT_CODES = frozenset({1, 2})
_NOT_FOUND_SUBCODE = 2207013  # "Cannot find User": unknown username, or a personal account
_MISSING_OBJECT_SUBCODE = 33  # our INSTAGRAM_BUSINESS_ACCOUNT_ID does not exist / is not visible


def classify_graph_error(status: int, payload: Any, endpoint: str) -> tuple[PlatformError, bool]:
    """The exception for a Graph API error response and whether retrying later may help."""
    error = payload.get("error") if isinstance(payload, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    subcode = error.get("error_subcode")
    message = str(error.get("message", ""))
    detail = f" (code {code}{f'/{subcode}' if subcode else ''}: {message})" if code is not None else f" (HTTP {status})"
    where = f"instagram {endpoint}"
    if code == _TOKEN_CODE:
        why = _TOKEN_SUBCODES.get(subcode, "the token is invalid") if subcode is not None else "the token is invalid"
        return (
            ConnectorAuthError(
                f"{where}: INSTAGRAM_ACCESS_TOKEN was refused: {why}{detail}. Generate a new long-lived token "
                "(see docs/connectors.md)"
            ),
            False,
        )
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return (
            ConnectorAuthError(
                f"{where}: permission denied{detail}. The token needs instagram_basic, instagram_manage_insights "
                "and pages_read_engagement, and the Instagram account must be linked to a Facebook Page"
            ),
            False,
        )
    if (
        code in _RATE_LIMIT_CODES
        or code in _TRANSIENT_CODES
        or error.get("is_transient")
        or status == 429
        or status >= 500
    ):
        return ConnectorUnavailable(f"{where}: temporarily unavailable or rate-limited{detail}"), True
    if code == 110 or subcode == _NOT_FOUND_SUBCODE:
        return (
            AccountNotFound(
                f"{where}: account not found{detail}. Business Discovery only sees existing professional "
                "(business or creator) accounts; a personal, renamed or deleted account looks the same"
            ),
            False,
        )
    if code == 100 and subcode == _MISSING_OBJECT_SUBCODE:
        return (
            ConnectorAuthError(
                f"{where}: INSTAGRAM_BUSINESS_ACCOUNT_ID does not exist or the token cannot read it{detail}"
            ),
            False,
        )
    if code == 100 and "nonexisting field" not in message:
        return AccountNotFound(f"{where}: invalid username or parameter{detail}"), False
    return ConnectorError(f"{where}: request refused{detail}"), False


def parse_username(text: str) -> AccountRef:
    """An Instagram username from "@name", "name" or "https://www.instagram.com/name/"."""
    raw = (text or "").strip()
    if "instagram.com" in raw.lower():
        url = urlparse(raw if "://" in raw else f"https://{raw}")
        parts = [p for p in url.path.split("/") if p]
        if not parts or parts[0] in {"p", "reel", "reels", "stories", "explore"}:
            raise InputError(f"{text!r} is not an Instagram profile URL (expected instagram.com/USERNAME)", field="ref")
        raw = parts[0]
    username = raw.removeprefix("@")
    if not USERNAME_RE.match(username):
        raise InputError(f"{text!r} is not an Instagram username (1-30 letters, digits, '.' or '_')", field="ref")
    return AccountRef(handle=username.lower())


class InstagramConnector(Connector):
    """Followers, follows, media count, biography, website and the recent media (likes,
    comment counts, image URLs) of a professional Instagram account."""

    platform = Platform.INSTAGRAM

    def __init__(
        self,
        *,
        access_token: str | None = None,
        business_account_id: str | None = None,
        graph_version: str | None = None,
        max_posts: int = 25,
        page_size: int = 25,
        sleep: Callable[[float], None] | None = None,
        max_retries: int = 3,
    ) -> None:
        token = settings.INSTAGRAM_ACCESS_TOKEN if access_token is None else access_token
        account_id = settings.INSTAGRAM_BUSINESS_ACCOUNT_ID if business_account_id is None else business_account_id
        missing = [
            name
            for name, value in (("INSTAGRAM_ACCESS_TOKEN", token), ("INSTAGRAM_BUSINESS_ACCOUNT_ID", account_id))
            if not value
        ]
        if missing:
            raise ConnectorNotConfigured(
                f"instagram: {' and '.join(missing)} not set (a Facebook user token and the id of your own "
                "Instagram professional account; see docs/connectors.md)"
            )
        self.access_token = token
        self.business_account_id = str(account_id)
        self.graph_version = (
            graph_version or getattr(settings, "INSTAGRAM_GRAPH_API_VERSION", "") or DEFAULT_GRAPH_VERSION
        )
        self.max_posts = max_posts
        self.page_size = page_size
        client_kwargs: dict[str, Any] = {"max_retries": max_retries}
        if sleep is not None:
            client_kwargs["sleep"] = sleep
        super().__init__(
            client=ApiClient(
                platform="instagram",
                base_url=f"{GRAPH_BASE}/{self.graph_version}",
                classify_error=classify_graph_error,
                secrets=[token],
                **client_kwargs,
            )
        )

    def parse_ref(self, text: str) -> AccountRef:
        return parse_username(text)

    def ref_for(self, *, handle: str, platform_user_id: str = "") -> AccountRef:
        # Business Discovery looks accounts up by username only.
        return AccountRef(handle=handle, platform_user_id=platform_user_id)

    def _discover(self, fields: str) -> dict[str, Any]:
        payload = self.client.get_json(
            self.business_account_id,
            params={"fields": fields, "access_token": self.access_token},
            endpoint="business_discovery",
        )
        return as_object(
            payload.get("business_discovery"), where="instagram business_discovery", field_path="business_discovery"
        )

    def fetch(self, ref: AccountRef) -> FetchedAccount:
        if not ref.handle:
            raise InputError("an Instagram username is needed for Business Discovery", field="handle")
        calls_before, units_before = self.meter.calls, self.meter.units
        username = ref.handle
        where = "instagram business_discovery"
        limit = min(self.page_size, self.max_posts)
        user = self._discover(
            f"business_discovery.username({username}){{{PROFILE_FIELDS},media.limit({limit}){{{MEDIA_FIELDS}}}}}"
        )
        profile = FetchedProfile(
            platform=Platform.INSTAGRAM,
            platform_user_id=as_text(user.get("id"), where=where, field_path="business_discovery.id"),
            handle=(
                as_text(user.get("username"), where=where, field_path="business_discovery.username") or username
            ).lower(),
            display_name=as_text(user.get("name"), where=where, field_path="business_discovery.name"),
            bio=as_text(user.get("biography"), where=where, field_path="business_discovery.biography"),
            external_url=as_text(user.get("website"), where=where, field_path="business_discovery.website"),
            profile_picture_url=as_text(
                user.get("profile_picture_url"), where=where, field_path="business_discovery.profile_picture_url"
            ),
            followers=as_count(
                user.get("followers_count"),
                where=where,
                field_path="business_discovery.followers_count",
                allow_missing=False,
            ),
            following=as_count(user.get("follows_count"), where=where, field_path="business_discovery.follows_count"),
            posts_count=as_count(user.get("media_count"), where=where, field_path="business_discovery.media_count"),
        )
        if not profile.platform_user_id:
            raise MalformedResponse(f"{where}: 'business_discovery.id' is missing")

        posts: list[FetchedPost] = []
        seen: set[str] = set()
        media = as_object(user.get("media"), where=where, field_path="business_discovery.media", required=False)
        page = 0
        while True:
            for index, item in enumerate(
                as_list(media.get("data"), where=where, field_path=f"media.data (page {page + 1})")
            ):
                post = _media_post(item, where=where, at=f"media.data[{index}] (page {page + 1})")
                if post.platform_post_id not in seen and len(posts) < self.max_posts:
                    seen.add(post.platform_post_id)
                    posts.append(post)
            paging = as_object(media.get("paging"), where=where, field_path="media.paging", required=False)
            cursors = as_object(paging.get("cursors"), where=where, field_path="media.paging.cursors", required=False)
            after = as_text(cursors.get("after"), where=where, field_path="media.paging.cursors.after")
            if not after or not media.get("data") or len(posts) >= self.max_posts:
                break
            page += 1
            limit = min(self.page_size, self.max_posts - len(posts))
            user = self._discover(
                f"business_discovery.username({username}){{media.after({after}).limit({limit}){{{MEDIA_FIELDS}}}}}"
            )
            media = as_object(user.get("media"), where=where, field_path="business_discovery.media", required=False)
        return FetchedAccount(
            profile=profile,
            posts=tuple(posts),
            api_calls=self.meter.calls - calls_before,
            quota_units=self.meter.units - units_before,
        )


_MEDIA_TYPES = {"IMAGE": PostType.IMAGE, "CAROUSEL_ALBUM": PostType.CAROUSEL, "VIDEO": PostType.VIDEO}


def _media_post(item: Any, *, where: str, at: str) -> FetchedPost:
    item = as_object(item, where=where, field_path=at)
    media_id = as_text(item.get("id"), where=where, field_path=f"{at}.id")
    if not media_id:
        raise MalformedResponse(f"{where}: '{at}.id' is missing")
    media_type = as_text(item.get("media_type"), where=where, field_path=f"{at}.media_type")
    product = as_text(item.get("media_product_type"), where=where, field_path=f"{at}.media_product_type")
    post_type = PostType.REEL if product == "REELS" else _MEDIA_TYPES.get(media_type, PostType.IMAGE)
    # A video's media_url is the video file; only images and carousels (first image) give a picture.
    image_url = (
        as_text(item.get("media_url"), where=where, field_path=f"{at}.media_url")
        if media_type
        in {
            "IMAGE",
            "CAROUSEL_ALBUM",
        }
        else ""
    )
    return FetchedPost(
        platform_post_id=media_id,
        posted_at=as_datetime(item.get("timestamp"), where=where, field_path=f"{at}.timestamp"),
        post_type=post_type,
        url=as_text(item.get("permalink"), where=where, field_path=f"{at}.permalink"),
        caption=as_text(item.get("caption"), where=where, field_path=f"{at}.caption"),
        # like_count is absent when the owner hides likes: stored as 0.
        likes=as_count(item.get("like_count"), where=where, field_path=f"{at}.like_count") or 0,
        comments=as_count(item.get("comments_count"), where=where, field_path=f"{at}.comments_count") or 0,
        image_url=image_url,
    )
