"""Engagement and growth metrics per account, computed from history and stored with formulas.

`refresh_metrics(account_ids)` reads posts and snapshots in bulk per chunk of accounts, runs
the pure functions of `influencers.metrics`, and upserts AccountMetrics in one statement per
chunk. The vetting fields of AccountMetrics (fake_risk, risk_level, risk_confidence, vetting)
belong to the vetting service and are never touched here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.models import Job
from influencers.follow_ups import AccountsChanged
from influencers.metrics import PostPoint, SnapshotPoint, compute_account_metrics
from influencers.metrics.account import GROWTH_HORIZONS
from influencers.metrics.engagement import DEFAULT_POSTS, DEFAULT_WINDOW_DAYS
from influencers.models import Account, AccountMetrics, AccountSnapshot, Post

CHUNK_SIZE = 500
# Snapshots older than this before `as_of` are not read for fresh accounts: growth needs the
# longest horizon plus its allowed gap (half the horizon), ER needs the post window.
SNAPSHOT_LOOKBACK_DAYS = max(GROWTH_HORIZONS) * 3 // 2 + 5
# An account whose newest snapshot is older than this is "stale": its whole history is read.
FRESH_DAYS = 5

METRIC_FIELDS = (
    "followers",
    "following",
    "posts_count",
    "engagement_rate",
    "er_formula",
    "er_by_followers",
    "er_by_views",
    "er_xiaohongshu",
    "er_posts_used",
    "avg_likes",
    "avg_comments",
    "avg_views",
    "growth_7d",
    "growth_30d",
    "growth_90d",
    "posts_per_week",
    "last_post_at",
    "details",
)


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _snapshots_by_account(ids: list[int], as_of: dt.datetime) -> dict[int, list[SnapshotPoint]]:
    """Recent snapshots of every account in `ids` (two queries at most, however many accounts)."""
    cutoff = as_of.date() - dt.timedelta(days=SNAPSHOT_LOOKBACK_DAYS)
    fields = ("account_id", "date", "followers", "following", "posts")
    by_account: dict[int, list[SnapshotPoint]] = defaultdict(list)
    rows = (
        AccountSnapshot.objects.filter(account_id__in=ids, date__gte=cutoff, date__lte=as_of.date())
        .order_by("account_id", "date")
        .values_list(*fields)
    )
    for account_id, date, followers, following, posts in rows:
        by_account[account_id].append(SnapshotPoint(date, followers, following, posts))
    fresh_since = as_of.date() - dt.timedelta(days=FRESH_DAYS)
    stale = [i for i in ids if not by_account.get(i) or by_account[i][-1].date < fresh_since]
    if stale:
        # Accounts not refreshed lately: growth is measured back from their own latest snapshot.
        rows = (
            AccountSnapshot.objects.filter(account_id__in=stale, date__lte=as_of.date())
            .order_by("account_id", "date")
            .values_list(*fields)
        )
        for account_id in stale:
            by_account.pop(account_id, None)
        for account_id, date, followers, following, posts in rows:
            by_account[account_id].append(SnapshotPoint(date, followers, following, posts))
    return by_account


def _posts_by_account(ids: list[int], as_of: dt.datetime, window_days: int) -> dict[int, list[PostPoint]]:
    start = as_of - dt.timedelta(days=window_days)
    by_account: dict[int, list[PostPoint]] = defaultdict(list)
    rows = Post.objects.filter(account_id__in=ids, posted_at__gt=start, posted_at__lte=as_of).values_list(
        "account_id", "posted_at", "likes", "comments", "saves", "views"
    )
    for account_id, posted_at, likes, comments, saves, views in rows:
        by_account[account_id].append(PostPoint(posted_at, likes, comments, saves, views))
    return by_account


def _json_safe(value: Any) -> Any:
    """details must be JSON: drop NaN/inf (not valid JSON) that a corrupt counter could produce."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def refresh_metrics(
    account_ids: Iterable[int],
    *,
    as_of: dt.datetime | None = None,
    n_posts: int = DEFAULT_POSTS,
    window_days: int = DEFAULT_WINDOW_DAYS,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute AccountMetrics for `account_ids`; returns the number of accounts updated.

    Per chunk of `chunk_size` accounts: one query for the accounts, one or two for snapshots,
    one for recent posts, one for the last post date, and one upsert — no per-account queries.
    `as_of` (default now) is the reference time of the windows; `progress(done)` is called
    after each chunk with the number of accounts processed so far. Unknown ids are ignored.
    """
    as_of = as_of or timezone.now()
    ids = sorted({int(i) for i in account_ids})
    written = 0
    done = 0
    for chunk in _chunks(ids, chunk_size):
        platforms = dict(Account.objects.filter(pk__in=chunk).values_list("pk", "platform"))
        present = [i for i in chunk if i in platforms]
        snapshots = _snapshots_by_account(present, as_of)
        posts = _posts_by_account(present, as_of, window_days)
        last_posts = dict(
            Post.objects.filter(account_id__in=present, posted_at__lte=as_of)
            .values("account_id")
            .annotate(last=Max("posted_at"))
            .values_list("account_id", "last")
        )
        rows = []
        for account_id in present:
            result = compute_account_metrics(
                platform=platforms[account_id],
                posts=posts.get(account_id, []),
                snapshots=snapshots.get(account_id, []),
                as_of=as_of,
                last_post_at=last_posts.get(account_id),
                n_posts=n_posts,
                window_days=window_days,
            )
            values = {name: getattr(result, name) for name in METRIC_FIELDS}
            values["details"] = _json_safe(values["details"])
            rows.append(AccountMetrics(account_id=account_id, **values))
        with transaction.atomic():
            # One INSERT … ON CONFLICT DO UPDATE per batch (SQLite ≥ 3.24 and PostgreSQL); only
            # the metric columns are updated, so vetting results survive a refresh.
            AccountMetrics.objects.bulk_create(
                rows,
                batch_size=250,
                update_conflicts=True,
                unique_fields=["account"],
                update_fields=[*METRIC_FIELDS, "computed_at"],
            )
        written += len(rows)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return written


def run_metrics_job(job: Job) -> dict[str, Any]:
    """JobKind.METRICS handler: refresh `job.params["account_ids"]`, or every account."""
    from core.services.jobs import job_log, job_set_total, progress_reporter

    requested = job.params.get("account_ids")
    if requested is None:
        ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    else:
        if not isinstance(requested, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in requested
        ):
            from core.errors import InputError

            raise InputError("must be a list of account ids (integers)", source=f"job {job.pk}", field="account_ids")
        ids = requested
    job_set_total(job=job, total=len(ids))
    count = refresh_metrics(ids, progress=progress_reporter(job, every=CHUNK_SIZE))
    job_log(job=job, message=f"metrics refreshed for {count} account(s)")
    return {"accounts": count}


def metrics_after_change(change: AccountsChanged) -> None:
    """Follow-up of a catalogue change: recompute the changed accounts' metrics (as of the
    change's reference time), unless the change defers recomputing."""
    if change.recompute:
        if change.as_of is None:
            refresh_metrics(change.account_ids)
        else:
            refresh_metrics(change.account_ids, as_of=change.as_of)
