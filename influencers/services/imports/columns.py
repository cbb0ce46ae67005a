"""The columns of the flat (CSV/XLSX) import format: one account per row."""

from __future__ import annotations

import re

from influencers.models.audience import DISTRIBUTION_FIELDS

CREATOR_COLUMNS = (
    "creator_key",
    "creator_name",
    "country",
    "languages",
    "categories",
    "contact_email",
    "creator_notes",
)
ACCOUNT_COLUMNS = (
    "platform",
    "handle",
    "platform_user_id",
    "display_name",
    "bio",
    "external_url",
    "is_verified",
    "is_private",
    "profile_picture_url",
    "tracked",
)
SNAPSHOT_COLUMNS = ("snapshot_date", "followers", "following", "posts")
AUDIENCE_COLUMNS = ("audience_source", "audience_date")
REQUIRED_COLUMNS = ("platform", "handle")
FIXED_COLUMNS = frozenset(CREATOR_COLUMNS + ACCOUNT_COLUMNS + SNAPSHOT_COLUMNS + AUDIENCE_COLUMNS)
# One column per share: audience_age.18-24, audience_gender.female, audience_countries.CN, ...
AUDIENCE_SHARE = re.compile(r"audience_(" + "|".join(DISTRIBUTION_FIELDS) + r")\.(.+)")


def is_column(name: str) -> bool:
    """Whether `name` is a column of the flat format."""
    return name in FIXED_COLUMNS or AUDIENCE_SHARE.fullmatch(name) is not None


def canonical_name(header: str) -> str:
    """Headers match case-insensitively and ignore surrounding spaces; share keys keep their case."""
    text = header.strip()
    match = re.fullmatch(r"(?i)(audience_[a-z]+)\.(.+)", text)
    if match:
        return f"{match.group(1).lower()}.{match.group(2).strip()}"
    return text.lower()
