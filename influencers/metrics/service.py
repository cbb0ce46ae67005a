"""Engagement and growth metrics per account, computed from history and stored with formulas.

`refresh_metrics(account_ids)` reads posts and snapshots in bulk per chunk of accounts as arrays,
computes the figures over the whole chunk (`influencers.metrics.chunk`, equal to the per-account
`compute_account_metrics`), and upserts AccountMetrics (per chunk: executemany of one statement on
SQLite, one multi-row statement on PostgreSQL). The vetting fields of AccountMetrics (fake_risk, risk_level,
risk_confidence, vetting) belong to the vetting service and are never touched here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from core.models import Job
from core.services.collector import collector_paused
from core.sql import staged_rows, upsert_sql, upsert_staged_sql
from core.stored_json import stored_json
from influencers.follow_ups import AccountsChanged
from influencers.messages import METRICS_REFRESHED
from influencers.metrics import AccountMetricsResult
from influencers.metrics.chunk import MICROS_PER_DAY, HistoryArrays, chunk_metrics
from influencers.metrics.engagement import DEFAULT_POSTS, DEFAULT_WINDOW_DAYS
from influencers.models import Account, AccountMetrics
from influencers.selectors.history import accounts_newest_posts, post_arrays_since, snapshot_arrays
from influencers.services.changes import touch_accounts

CHUNK_SIZE = 500
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


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _offsets(ids: list[int], owners: np.ndarray) -> np.ndarray:
    """Where each of `ids`' rows start in a table ordered by account (`owners`: its account ids)."""
    return np.searchsorted(owners, np.array([*ids, np.iinfo(np.int64).max], dtype=np.int64), side="left")


def _read_history(ids: list[int], newest_posts: dict[int, int], cutoff: dt.datetime, window_days: int) -> HistoryArrays:
    """The snapshots (dated `cutoff`'s day or earlier) and the posts of the windows (ending at
    each account's newest post no later than `cutoff`) of `ids`, as the chunk computation takes
    them: two queries. `newest_posts`: each account's newest post (µs since 1970-01-01 UTC,
    `accounts_newest_posts`; accounts without one have no post to read); its posts are read from
    `window_days` before it, and the window's posts chosen in numpy (the SQL window expression
    it replaces called a Python function per post on SQLite)."""
    snapshots = snapshot_arrays(ids, until=cutoff.date())
    if newest_posts:
        window = window_days * MICROS_PER_DAY
        post_micros, posts = post_arrays_since(
            {account: newest - window for account, newest in newest_posts.items()}, until=cutoff
        )
    else:
        post_micros, posts = np.zeros(0, dtype=np.int64), np.zeros((0, 6), dtype=np.int64)
    return HistoryArrays(
        snap_offsets=_offsets(ids, snapshots[:, 0]),
        snap_day=snapshots[:, 1],
        snap_followers=snapshots[:, 2],
        snap_following=snapshots[:, 3],
        snap_posts=snapshots[:, 4],
        post_offsets=_offsets(ids, posts[:, 0]),
        post_micros=post_micros,
        post_likes=posts[:, 1],
        post_comments=posts[:, 2],
        post_saves=posts[:, 3],
        post_views=posts[:, 4],
        post_shares=posts[:, 5],
    )


def _upsert_sql(rows: int = 1) -> str:
    """INSERT … ON CONFLICT DO UPDATE of every AccountMetrics column for `rows` rows (SQLite ≥
    3.24 and PostgreSQL): a conflicting row gets only its metric columns and computed_at, so
    vetting results survive a refresh."""
    fields, update, key = _upsert_fields()
    return upsert_sql(AccountMetrics, fields, update=update, key=key, rows=rows)


def _upsert_fields() -> tuple[list[Field], list[Field], list[Field]]:
    """Every column; those a conflicting row gets (its metrics and computed_at); the key."""
    by_name = {field.name: field for field in AccountMetrics._meta.concrete_fields}
    return list(by_name.values()), [by_name[name] for name in (*METRIC_FIELDS, "computed_at")], [by_name["account"]]


def _row_params(account_ids: list[int], results: list[AccountMetricsResult], now: dt.datetime) -> list[list[Any]]:
    """The upsert's parameters, one list per account in the columns' order, as bulk_create would
    send them (a new row's vetting columns at their defaults, computed_at `now`): made per
    column kind rather than by each field's get_db_prep_save, which cost half of storing a chunk."""
    ops = connection.ops
    fields = AccountMetrics._meta.concrete_fields
    names = [field.name for field in fields]
    template = [
        ops.adapt_datetimefield_value(now)
        if field.name == "computed_at"
        else field.get_db_prep_save(field.get_default(), connection)
        for field in fields
    ]
    metric_columns = [(names.index(name), name) for name in METRIC_FIELDS]
    adapt_time = _time_adapter()
    account, details = names.index("account"), names.index("details")
    last_post_at, data_as_of = names.index("last_post_at"), names.index("data_as_of")
    rows = []
    for account_id, result in zip(account_ids, results, strict=True):
        row = template.copy()
        for column, name in metric_columns:
            row[column] = getattr(result, name)
        row[account] = account_id
        row[details] = stored_json(result.details)
        row[last_post_at] = adapt_time(result.last_post_at)
        row[data_as_of] = ops.adapt_datefield_value(result.data_as_of)
        rows.append(row)
    return rows


def _time_adapter() -> Callable[[dt.datetime | None], Any]:
    """The connection's adaptation of a time for a DateTimeField parameter. On SQLite storing UTC
    (the default), a time in UTC is written as Django writes it, its naive text, without
    Django's per-value checks and conversion (most of the cost of the value)."""
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor != "sqlite" or connection.timezone is None or connection.timezone_name != "UTC":
        return adapt

    def adapt_utc(value: dt.datetime | None) -> Any:
        if value is not None and value.tzinfo is dt.UTC:
            return str(value.replace(tzinfo=None))
        return adapt(value)

    return adapt_utc


def _store_rows(one_row_sql: str, rows: list[list[Any]]) -> None:
    """Send the upsert of a chunk's rows. SQLite: the one-row statement with executemany (a
    multi-row VALUES measured slower there). PostgreSQL: the rows by COPY into a temporary table,
    then one upsert from it (core.sql.staged_rows): one statement, since the creator-level risk
    triggers (influencers 0011) fire once per statement there and ran once per row under
    executemany (~1.7 ms of the server's time per account), and not a VALUES list, whose
    thousands of markers psycopg rewrote in Python (~0.3 ms per account)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields, update, key = _upsert_fields()
            staged = staged_rows(cursor, AccountMetrics, fields, rows)
            cursor.execute(upsert_staged_sql(AccountMetrics, fields, update=update, key=key, staged=staged))
        else:
            cursor.executemany(one_row_sql, rows)


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

    Per chunk of `chunk_size` accounts: one query for the accounts, two for their snapshots
    and posts read as arrays (`_read_history`), the figures computed over the whole chunk
    (`chunk_metrics`, equal to `compute_account_metrics` per account), and one upsert
    (`_store_rows`) — no per-account queries.
    `progress(done)` is called after each chunk with the number of accounts processed so far.
    Unknown ids are ignored.
    """
    cutoff = as_of or timezone.now()
    ids = sorted({int(i) for i in account_ids})
    sql = _upsert_sql()
    written = 0
    done = 0
    for chunk in _chunks(ids, chunk_size):
        # The cyclic collector paused: a chunk's figures are ~60,000 new dicts, lists and tuples
        # (none in a cycle), whose full collections re-walked everything made so far (a third
        # of computing them). They are freed with the call, before it is back on.
        with collector_paused():
            written += _refresh_chunk(chunk, sql, cutoff=cutoff, n_posts=n_posts, window_days=window_days)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return written


def _refresh_chunk(chunk: list[int], sql: str, *, cutoff: dt.datetime, n_posts: int, window_days: int) -> int:
    """`refresh_metrics` of one chunk of accounts (upsert statement `sql` on SQLite); returns
    how many of them exist."""
    platforms, newest_posts = accounts_newest_posts(chunk, until=cutoff)
    present = [i for i in chunk if i in platforms]
    results = chunk_metrics(
        [platforms[i] for i in present],
        _read_history(present, newest_posts, cutoff, window_days),
        as_of=cutoff,
        n_posts=n_posts,
        window_days=window_days,
    )
    # The rows made (their details dumped to JSON) before the transaction: on SQLite it takes
    # the write lock when it begins, and a split follow-up's other workers wait for that lock.
    params = _row_params(present, results, timezone.now()) if present else []
    with transaction.atomic():
        if params:
            _store_rows(sql, params)
        touch_accounts(present)
    return len(present)


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
