"""The validated, normalised content of an import file, ready for the writer.

Values are tuples aligned with the `Table` specs below; None in a value position means "not
given in the file": a new row gets the model default, an existing row keeps its value.
Child rows (audience profiles, follower samples, comments) are plain tuples of key columns
followed by value columns, because a large file holds millions of them; an account's history
points (`AccountIn.snapshots`) are tuples (date, followers, following, posts), written as the
account's one `AccountHistory` row (writer `_histories`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models

from influencers import sponsorship
from influencers.models import (
    Account,
    AudienceProfile,
    CommentSample,
    Creator,
    FollowerSample,
    MediaAsset,
    Post,
)


@dataclass(frozen=True)
class Table:
    """How the importer writes one model: the parent foreign key, the natural key columns that
    identify a row under its parent, and the value columns an import may set."""

    model: type[models.Model]
    parent: str | None
    keys: tuple[str, ...]
    values: tuple[str, ...]
    label: str
    # Columns computed from the others (never from the file): applied to the row as it will be
    # stored, after the file's values are merged with the current ones.
    derive: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None
    derive_from: tuple[str, ...] = ()  # the value columns `derive` reads
    # `derive` of many rows given as their value columns (the writer's new rows): the same values,
    # without a row tuple built and taken apart again per row.
    derive_columns: Callable[[list[Sequence[Any]]], list[Sequence[Any]]] | None = None

    @property
    def key_length(self) -> int:
        return len(self.keys)

    @property
    def parent_column(self) -> str:
        """`parent`, of a table that has one (every table but creators')."""
        if self.parent is None:
            raise ValueError(f"the {self.label} table has no parent")
        return self.parent


CREATORS = Table(
    Creator, None, (), ("display_name", "country", "languages", "categories", "contact_email", "notes"), "creators"
)
ACCOUNTS = Table(
    Account,
    "creator_id",
    ("platform", "handle"),
    (
        "platform_user_id",
        "display_name",
        "bio",
        "external_url",
        "is_verified",
        "is_private",
        "profile_picture_url",
        "tracked",
    ),
    "accounts",
)
AUDIENCES = Table(
    AudienceProfile,
    "account_id",
    ("source", "as_of"),
    ("age", "gender", "countries", "languages", "interests"),
    "audience_profiles",
)
FOLLOWERS = Table(
    FollowerSample,
    "account_id",
    ("username",),
    (
        "full_name",
        "biography",
        "followers_count",
        "following_count",
        "media_count",
        "has_profile_pic",
        "is_private",
        "is_verified",
        "external_url",
        "sampled_at",
    ),
    "follower_samples",
)
POSTS = Table(
    Post,
    "account_id",
    ("platform_post_id",),
    (
        "posted_at",
        "post_type",
        "url",
        "caption",
        "hashtags",
        "mentions",
        "likes",
        "comments",
        "shares",
        "saves",
        "views",
        "paid_partnership",
        "sponsor",
        "is_sponsored",
        "sponsorship_source",
        "sponsorship_marker",
    ),
    "posts",
)
_CAPTION, _HASHTAGS, _FLAG, _SPONSOR, _SPONSORED = (
    POSTS.values.index(name) for name in ("caption", "hashtags", "paid_partnership", "sponsor", "is_sponsored")
)


def derive_post(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A post row with is_sponsored, sponsorship_source and sponsorship_marker decided from its
    flag, sponsor and caption (`influencers.sponsorship`); they are the last three columns."""
    decided = sponsorship.decide(
        flag=values[_FLAG], sponsor=values[_SPONSOR] or "", caption=values[_CAPTION] or "", hashtags=values[_HASHTAGS]
    )
    return (*values[:_SPONSORED], decided.is_sponsored, decided.source, decided.marker)


def derive_post_columns(columns: list[Sequence[Any]]) -> list[Sequence[Any]]:
    """`derive_post` of many posts given as their value columns (`sponsorship.decide_columns`)."""
    decided = sponsorship.decide_columns(columns[_FLAG], columns[_SPONSOR], columns[_CAPTION], columns[_HASHTAGS])
    return [*columns[:_SPONSORED], *decided]


POSTS = Table(
    POSTS.model,
    POSTS.parent,
    POSTS.keys,
    POSTS.values,
    POSTS.label,
    derive=derive_post,
    derive_from=("caption", "hashtags", "paid_partnership", "sponsor"),
    derive_columns=derive_post_columns,
)
COMMENTS = Table(CommentSample, "post_id", ("external_id",), ("commenter", "text", "posted_at", "likes"), "comments")
MEDIA = Table(MediaAsset, "account_id", ("sha256",), ("post_id", "source_url"), "media")

TABLES = (CREATORS, ACCOUNTS, AUDIENCES, FOLLOWERS, POSTS, COMMENTS, MEDIA)
# Labels of the counts an import reports: the tables', and the history points' (one
# `AccountHistory` row per account, counted per point as the file gives them).
HISTORY_LABEL = "snapshots"
# In the order the result reports them (named here, not taken from TABLES' order).
COUNTED = (
    CREATORS.label,
    ACCOUNTS.label,
    HISTORY_LABEL,
    AUDIENCES.label,
    FOLLOWERS.label,
    POSTS.label,
    COMMENTS.label,
    MEDIA.label,
)


@dataclass(slots=True, eq=False)
class ImageIn:
    """A checked local image file; its bytes are read again when written (not kept in memory)."""

    location: str
    path: Path
    sha256: str
    width: int
    height: int
    phash: str
    extension: str
    source_url: str | None


@dataclass(slots=True, eq=False)
class PostIn:
    location: str
    key: str  # platform_post_id
    values: tuple[Any, ...]
    # Empty tuples unless given: most posts have neither, and a large file holds millions of posts
    # (two empty lists each, made and kept until the write).
    images: Sequence[ImageIn] = ()
    comments: Sequence[tuple[Any, ...]] = ()
    id: int | None = None


@dataclass(slots=True, eq=False)
class AccountIn:
    location: str
    platform: str
    handle: str
    values: tuple[Any, ...]
    snapshots: list[tuple[Any, ...]] = field(default_factory=list)
    audiences: list[tuple[Any, ...]] = field(default_factory=list)
    followers: list[tuple[Any, ...]] = field(default_factory=list)
    posts: list[PostIn] = field(default_factory=list)
    images: list[ImageIn] = field(default_factory=list)
    # Filled when resolved against the database:
    id: int | None = None
    creator_id: int | None = None
    current: tuple[Any, ...] | None = None

    @property
    def label(self) -> str:
        return f"{self.platform}:@{self.handle}"


@dataclass(slots=True, eq=False)
class CreatorIn:
    location: str
    values: tuple[Any, ...]
    fallback_name: str  # display name for a new creator whose file record names none
    accounts: list[AccountIn] = field(default_factory=list)
    id: int | None = None


@dataclass
class ImportBatch:
    """Everything a file holds, validated."""

    source: str
    creators: list[CreatorIn]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def accounts(self) -> list[AccountIn]:
        return [account for creator in self.creators for account in creator.accounts]

    @property
    def account_count(self) -> int:
        return sum(len(creator.accounts) for creator in self.creators)
