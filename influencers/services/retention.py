"""Retention of platform-API data: delete what a platform's terms do not let us keep.

The YouTube API Services policies allow API data to be stored only while it is refreshed at
least every 30 days. A channel Vetted refreshes daily stays current; a channel that stops being
refreshed (untracked, deleted on YouTube, or failing for a month) must have its API data
deleted. `purge_stale_api_data` does that, daily from Celery beat and on demand with
`manage.py purge_stale_api_data`.

What counts as API data: the connector is the only writer that sets `Account.last_refreshed_at`,
so an account with that date came from the API. Rows carry no per-row provenance, so for such an
account every snapshot, post (with its comments), image and audience/follower sample is treated
as API data and deleted, with its computed metrics and vetting report; the profile fields the
connector writes are cleared. The creator, the account's platform, handle and channel id stay (an
identifier is what lets a user re-track it), and `last_refreshed_at` is reset so the account is not
purged twice. Documented in docs/connectors.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.db.models.functions import Length
from django.utils import timezone

from core.services.media import delete_stored_files
from influencers.follow_ups import ImagesDeleted, announce
from influencers.models import (
    Account,
    AccountHistory,
    AccountMetrics,
    AudienceProfile,
    CommentSample,
    FollowerSample,
    MediaAsset,
    Platform,
    Post,
)

logger = logging.getLogger(__name__)

# Days API data of each platform may be kept without a refresh, from the platform's terms.
API_DATA_RETENTION_DAYS: dict[str, int] = {Platform.YOUTUBE: 30}
CHUNK = 200  # accounts purged per transaction
_BYTES_PER_POINT = 8  # a history's dates: one little-endian int64 per point (influencers.history_arrays)


@dataclass
class PurgeResult:
    """What a purge deleted (or, with dry_run, would delete)."""

    dry_run: bool
    account_ids: list[int] = field(default_factory=list)
    deleted: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "accounts": len(self.account_ids), "deleted": dict(self.deleted)}


def stale_api_accounts(*, platform: str, days: int, now: dt.datetime | None = None) -> QuerySet[Account]:
    """Accounts of `platform` whose API data was last refreshed more than `days` days before `now`."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return Account.objects.filter(platform=platform, last_refreshed_at__isnull=False, last_refreshed_at__lt=cutoff)


def _count_or_delete(queryset: QuerySet, dry_run: bool) -> int:
    """Rows of the queryset's own model deleted (or counted); cascades run as Django defines them."""
    if dry_run:
        return queryset.count()
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def _history_points(account_ids: list[int]) -> int:
    """The number of points of the histories of `account_ids`: what the purge reports as
    "snapshots" (a row per point before issue 20; now the points of each account's one row,
    counted from the packed dates' length without reading them)."""
    total = AccountHistory.objects.filter(account_id__in=account_ids).aggregate(size=Sum(Length("dates")))["size"]
    return (total or 0) // _BYTES_PER_POINT


def _purge_accounts(account_ids: list[int], *, dry_run: bool, files: list[str]) -> dict[str, int]:
    deleted: dict[str, int] = {}
    deleted["comments"] = _count_or_delete(CommentSample.objects.filter(post__account_id__in=account_ids), dry_run)
    media = MediaAsset.objects.filter(account_id__in=account_ids)
    if not dry_run:
        files += [name for name in media.exclude(image="").values_list("image", flat=True)]
    deleted["images"] = _count_or_delete(media, dry_run)
    deleted["posts"] = _count_or_delete(Post.objects.filter(account_id__in=account_ids), dry_run)
    deleted["snapshots"] = _history_points(account_ids)
    if not dry_run:
        AccountHistory.objects.filter(account_id__in=account_ids).delete()
    for name, model in (
        ("audience_profiles", AudienceProfile),
        ("follower_samples", FollowerSample),
        ("metrics", AccountMetrics),
    ):
        deleted[name] = _count_or_delete(model.objects.filter(account_id__in=account_ids), dry_run)
    accounts = Account.objects.filter(pk__in=account_ids)
    if not dry_run:
        files += [name for name in accounts.exclude(profile_picture="").values_list("profile_picture", flat=True)]
        accounts.update(
            display_name="",
            bio="",
            external_url="",
            profile_picture="",
            profile_picture_url="",
            last_refreshed_at=None,
            updated_at=timezone.now(),
        )
    return deleted


def purge_stale_api_data(
    *, now: dt.datetime | None = None, dry_run: bool = False, platforms: list[str] | None = None
) -> PurgeResult:
    """Delete the API data of every account not refreshed within its platform's retention period
    (API_DATA_RETENTION_DAYS); with `dry_run`, only count it. Each chunk of accounts is purged in
    one transaction; stored image files are deleted after it commits, and the image index is
    asked to drop the deleted images."""
    result = PurgeResult(dry_run=dry_run)
    for platform, days in API_DATA_RETENTION_DAYS.items():
        if platforms is not None and platform not in platforms:
            continue
        ids = list(
            stale_api_accounts(platform=platform, days=days, now=now).order_by("pk").values_list("pk", flat=True)
        )
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            files: list[str] = []
            with transaction.atomic():
                counts = _purge_accounts(chunk, dry_run=dry_run, files=files)
                if not dry_run:
                    transaction.on_commit(functools.partial(delete_stored_files, tuple(files)))
            for name, count in counts.items():
                result.deleted[name] = result.deleted.get(name, 0) + count
            result.account_ids += chunk
    if result.deleted.get("images") and not dry_run:
        announce(
            ImagesDeleted(count=result.deleted["images"], reason="API data retention deleted images"),
            report=lambda what, exc: logger.warning("%s after the retention purge failed: %s", what, exc),
        )
    if result.account_ids:
        logger.info("API data retention: %s", result.as_dict())
    return result
