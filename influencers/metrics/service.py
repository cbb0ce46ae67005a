"""Engagement and growth metrics per account, computed from history and stored with formulas.

`refresh_metrics(account_ids)` reads posts and snapshots in bulk per chunk of accounts, runs
the pure functions of `influencers.metrics`, and upserts AccountMetrics with one statement per
chunk (sent with executemany). The vetting fields of AccountMetrics (fake_risk, risk_level,
risk_confidence, vetting) belong to the vetting service and are never touched here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max, Window
from django.db.models.constants import OnConflict
from django.utils import timezone

from core.models import Job
from core.stored_json import stored_json
from influencers.follow_ups import AccountsChanged
from influencers.messages import METRICS_REFRESHED
from influencers.metrics import PostPoint, SnapshotPoint, compute_account_metrics
from influencers.metrics.account import GROWTH_HORIZONS
from influencers.metrics.engagement import DEFAULT_POSTS, DEFAULT_WINDOW_DAYS
from influencers.models import Account, AccountMetrics, AccountSnapshot, Post
from influencers.selectors.history import newest_snapshots, snapshot_count
from influencers.services.changes import touch_accounts

CHUNK_SIZE = 500
# Snapshots are read back from each account's own newest one: growth needs the longest horizon
# plus its allowed gap (half the horizon), and a snapshot is at most one a day, so this many
# newest rows cover at least that many days.
SNAPSHOT_LOOKBACK_DAYS = max(GROWTH_HORIZONS) * 3 // 2 + 5

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
    "data_as_of",
    "details",
)
_SNAPSHOT_FIELDS = ("account_id", "date", "followers", "following", "posts")


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _posts_by_account(ids: list[int], cutoff: dt.datetime, window_days: int) -> dict[int, list[PostPoint]]:
    """The posts of the `window_days` ending at each account's own newest post (no later than
    `cutoff`): one query, the window chosen in the database per account."""
    newest = Window(Max("posted_at"), partition_by=F("account_id"))
    rows = (
        Post.objects.filter(account_id__in=ids, posted_at__lte=cutoff)
        .annotate(newest=newest)
        .filter(posted_at__gt=F("newest") - dt.timedelta(days=window_days))
        .order_by()
        .values_list("account_id", "posted_at", "likes", "comments", "saves", "views", "shares")
    )
    by_account: dict[int, list[PostPoint]] = defaultdict(list)
    for account_id, posted_at, likes, comments, saves, views, shares in rows:
        by_account[account_id].append(PostPoint(posted_at, likes, comments, saves, views, shares))
    return by_account


def _snapshots_by_account(
    counts: Mapping[int, int | None], cutoff: dt.date, posts: dict[int, list[PostPoint]]
) -> dict[int, list[SnapshotPoint]]:
    """Each account's newest snapshots up to `cutoff` (growth), and its whole history up to
    `cutoff` when its posts are older than those (followers at posting time): three queries at
    most, however many accounts. `counts`: each account's number of snapshots up to `cutoff`
    (`snapshot_count`)."""
    ids = list(counts)
    rows = newest_snapshots(counts, until=cutoff, limit=SNAPSHOT_LOOKBACK_DAYS + 1, fields=_SNAPSHOT_FIELDS)
    by_account: dict[int, list[SnapshotPoint]] = defaultdict(list)
    for account_id, date, followers, following, count in rows:
        by_account[account_id].append(SnapshotPoint(date, followers, following, count))
    # A post older than the first snapshot read may be nearer an older, unread one (posts that
    # stopped long before the snapshots did): read those accounts' whole history.
    older = [
        i
        for i in ids
        if len(by_account.get(i, ())) > SNAPSHOT_LOOKBACK_DAYS
        and posts.get(i)
        and min(p.posted_at for p in posts[i]).date() < by_account[i][0].date
    ]
    if older:
        for account_id in older:
            by_account.pop(account_id)
        for account_id, date, followers, following, count in (
            AccountSnapshot.objects.filter(account_id__in=older, date__lte=cutoff)
            .order_by("account_id", "date")
            .values_list(*_SNAPSHOT_FIELDS)
        ):
            by_account[account_id].append(SnapshotPoint(date, followers, following, count))
    return by_account


def _upsert_metrics(rows: list[AccountMetrics]) -> None:
    """Store `rows` (inside the caller's transaction): one INSERT … ON CONFLICT DO UPDATE
    (SQLite ≥ 3.24 and PostgreSQL) sent with executemany. A new row gets every column as
    bulk_create would give it (the vetting ones at their defaults); an existing one only its
    metric columns and computed_at, so vetting results survive a refresh. bulk_create's
    statement assembly per batch cost half again as much as this (and under DEBUG its query
    log quoted every value)."""
    if not rows:
        return
    opts = AccountMetrics._meta
    fields = list(opts.concrete_fields)
    columns = {field.name: str(field.column) for field in fields}
    quote = connection.ops.quote_name
    conflict = connection.ops.on_conflict_suffix_sql(
        fields,
        OnConflict.UPDATE,
        [columns[name] for name in (*METRIC_FIELDS, "computed_at")],
        [columns[opts.pk.name]],
    )
    sql = "INSERT INTO {} ({}) VALUES ({}) {}".format(
        quote(opts.db_table),
        ", ".join(quote(column) for column in columns.values()),
        ", ".join(["%s"] * len(fields)),
        conflict,
    )
    # pre_save as bulk_create calls it (computed_at is auto_now); get_db_prep_save encodes the
    # other JSON columns, which hold their defaults or nothing.
    params = [
        [
            stored_json(row.details)
            if field.name == "details"
            else field.get_db_prep_save(field.pre_save(row, True), connection)
            for field in fields
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


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

    Every window ends at the account's own newest data (`compute_account_metrics`), never at
    today: engagement and cadence at its newest post, growth at its newest snapshot, and
    `data_as_of` records that date. `as_of` is only a cut-off — data dated after it is ignored,
    as if not collected yet (the demo seed passes its end date, a refresh filed under a past
    day the end of that day); by default, now (a post dated in the future is a clock error, not
    data).

    Per chunk of `chunk_size` accounts: one query for the accounts (with their snapshot counts),
    one for the posts of their windows, one to three for snapshots (`_snapshots_by_account`),
    and one upsert — no per-account queries.
    `progress(done)` is called after each chunk with the number of accounts processed so far.
    Unknown ids are ignored.
    """
    cutoff = as_of or timezone.now()
    ids = sorted({int(i) for i in account_ids})
    written = 0
    done = 0
    for chunk in _chunks(ids, chunk_size):
        platforms: dict[int, str] = {}
        counts: dict[int, int | None] = {}
        for pk, platform, count in (
            Account.objects.filter(pk__in=chunk)
            .annotate(snapshot_rows=snapshot_count(cutoff.date()))
            .values_list("pk", "platform", "snapshot_rows")
        ):
            platforms[pk], counts[pk] = platform, count
        present = [i for i in chunk if i in platforms]
        posts = _posts_by_account(present, cutoff, window_days)
        snapshots = _snapshots_by_account({i: counts[i] for i in present}, cutoff.date(), posts)
        rows = []
        for account_id in present:
            result = compute_account_metrics(
                platform=platforms[account_id],
                posts=posts.get(account_id, []),
                snapshots=snapshots.get(account_id, []),
                as_of=cutoff,
                n_posts=n_posts,
                window_days=window_days,
            )
            values = {name: getattr(result, name) for name in METRIC_FIELDS}
            rows.append(AccountMetrics(account_id=account_id, **values))
        with transaction.atomic():
            _upsert_metrics(rows)
            touch_accounts(present)
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
    job_log(job=job, message=METRICS_REFRESHED(n=count))
    return {"accounts": count}


def metrics_after_change(change: AccountsChanged) -> None:
    """Follow-up of a catalogue change: recompute the changed accounts' metrics (ignoring data
    after the change's cut-off, if it has one), unless the change defers recomputing."""
    if change.recompute:
        if change.as_of is None:
            refresh_metrics(change.account_ids, progress=change.progress)
        else:
            refresh_metrics(change.account_ids, as_of=change.as_of, progress=change.progress)
