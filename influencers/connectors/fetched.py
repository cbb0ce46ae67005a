"""The platform-neutral shape of what a connector fetched: a profile, its recent posts and a
sample of their comments. Connectors build these from API responses; the refresh service
writes them to the catalogue. Nothing here touches the database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from influencers.connectors.errors import MalformedResponse

HASHTAG_RE = re.compile(r"(?<![\w&])#(\w+)", re.UNICODE)
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9._]{1,30})")


@dataclass(frozen=True)
class AccountRef:
    """How to find an account on its platform: the stable platform id when known, else the handle."""

    handle: str = ""
    platform_user_id: str = ""
    # YouTube only: a legacy username (youtube.com/user/NAME), resolved with forUsername.
    legacy_username: str = ""

    def __str__(self) -> str:
        return self.platform_user_id or (f"@{self.handle}" if self.handle else self.legacy_username)


@dataclass(frozen=True)
class FetchedComment:
    """One comment on a post, as the platform returned it."""

    external_id: str
    commenter: str
    text: str
    posted_at: dt.datetime | None = None
    likes: int | None = None


@dataclass(frozen=True)
class FetchedPost:
    """One post (video, image, reel) with its counters at fetch time and the URL of its image."""

    platform_post_id: str
    posted_at: dt.datetime
    post_type: str
    url: str = ""
    caption: str = ""
    likes: int = 0
    comments: int = 0
    views: int | None = None
    image_url: str = ""
    comment_samples: tuple[FetchedComment, ...] = ()

    @property
    def hashtags(self) -> list[str]:
        """Hashtags in the caption, lower-cased, in order, without duplicates."""
        return list(dict.fromkeys(tag.lower() for tag in HASHTAG_RE.findall(self.caption)))

    @property
    def mentions(self) -> list[str]:
        """@mentions in the caption, lower-cased, in order, without duplicates."""
        return list(dict.fromkeys(name.lower().rstrip(".") for name in MENTION_RE.findall(self.caption)))


@dataclass(frozen=True)
class FetchedProfile:
    """The public profile fields and counters of an account. Counters a platform hides are None."""

    platform: str
    platform_user_id: str
    handle: str
    display_name: str = ""
    bio: str = ""
    external_url: str = ""
    profile_picture_url: str = ""
    country: str = ""
    followers: int | None = None
    following: int | None = None
    posts_count: int | None = None


@dataclass(frozen=True)
class FetchedAccount:
    """Everything one fetch returned for one account, with what it cost."""

    profile: FetchedProfile
    posts: tuple[FetchedPost, ...] = ()
    api_calls: int = 0
    quota_units: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


# --- Parsing helpers: every value taken from a response goes through one of these, so a body
# that is valid JSON but not the documented shape fails with the path of the bad field.


def dig(payload: Any, path: str, *, where: str, required: bool = True, default: Any = None) -> Any:
    """payload[a][b]... for path "a.b"; a missing key is a MalformedResponse when required."""
    value = payload
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif required:
            raise MalformedResponse(f"{where}: the response has no '{path}'")
        else:
            return default
    return value


def as_count(value: Any, *, where: str, field_path: str, allow_missing: bool = True) -> int | None:
    """A non-negative integer counter; YouTube sends them as strings ("1234")."""
    if value is None:
        if allow_missing:
            return None
        raise MalformedResponse(f"{where}: '{field_path}' is missing")
    if isinstance(value, bool):
        raise MalformedResponse(f"{where}: '{field_path}' should be a count, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise MalformedResponse(f"{where}: '{field_path}' should be a count, got {value!r}") from exc
    if number < 0:
        raise MalformedResponse(f"{where}: '{field_path}' is negative ({number})")
    return number


def as_datetime(value: Any, *, where: str, field_path: str) -> dt.datetime:
    """An aware datetime from the ISO 8601 forms the APIs use ("2026-03-01T10:00:00Z",
    "2026-03-01T10:00:00+0000")."""
    if not isinstance(value, str) or not value:
        raise MalformedResponse(f"{where}: '{field_path}' should be a date-time, got {value!r}")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif re.search(r"[+-]\d{4}$", text):  # Graph API: +0000 without a colon
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise MalformedResponse(f"{where}: '{field_path}' should be a date-time, got {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def as_text(value: Any, *, where: str, field_path: str) -> str:
    """A string field; absent means empty."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedResponse(f"{where}: '{field_path}' should be text, got {type(value).__name__}")
    return value


def as_list(value: Any, *, where: str, field_path: str) -> list[Any]:
    """A JSON array; absent means empty (YouTube omits 'items' when nothing matched)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{where}: '{field_path}' should be a list, got {type(value).__name__}")
    return value


def as_object(value: Any, *, where: str, field_path: str, required: bool = True) -> dict[str, Any]:
    """A JSON object; absent is an error when required, else empty."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise MalformedResponse(f"{where}: '{field_path}' should be an object, got {type(value).__name__}")
    return value
