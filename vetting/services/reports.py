"""Vetting: load an account's evidence in bulk, run the pure scorers, store the explained report.

`vet_accounts(account_ids)` writes AccountMetrics.fake_risk / risk_level / risk_confidence /
vetting (the full JSON report) for many accounts, a chunk at a time with a fixed number of
queries per chunk (no per-account queries) and one write per chunk that touches only the
vetting columns (the metrics service owns the others). `vetting_report(account_id)` computes
the same report for one account without storing it. `run_scoring_job` is the JobKind.SCORE
handler.

The report: the combined risk with every signal (value, benchmark, weight, risk, contribution,
confidence, evidence), audience quality with its interval and error rates, growth anomalies
with dates, engagement against its benchmark with the posts that stand out, comment
authenticity with the comments and commenters cited, reused images with the other accounts
they appear on, and what data was (not) available.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
import orjson
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.errors import InputError, PermissionDenied
from core.messages import Message
from core.models import Job, JobKind
from core.services.collector import collector_paused
from core.sql import staged_rows, update_staged_sql
from core.stored_json import stored_json
from influencers.follow_ups import AccountsChanged
from influencers.models import (
    Account,
    AccountMetrics,
    Creator,
)
from influencers.services.changes import touch_accounts
from vetting import messages as m
from vetting.scoring import risk as risk_mod
from vetting.scoring.audience_quality import audience_quality
from vetting.scoring.comments import CommentItem, comment_report
from vetting.scoring.engagement import (
    PostStats,
    StoredEngagement,
    engagement_quality_of,
    engagement_report,
    load_benchmarks,
)
from vetting.scoring.follower_calibration import FollowerCalibration
from vetting.scoring.followers import FIELDS, FollowerBatch, FollowerProfile
from vetting.scoring.growth import HistoryFit, anomalies_of, fit_history, growth_summary
from vetting.scoring.growth_chunk import fit_histories
from vetting.scoring.reuse import ImageCopy, ImageRef, reuse_report
from vetting.scoring.text_similarity import term_vector
from vetting.selectors import evidence as evidence_rows
from vetting.selectors.calibrations import catalogue_follower_calibration
from vision.services.reuse import reused_images

logger = logging.getLogger(__name__)

# 2: the evidence rule, the combination, views per follower as its own signal.
# 3: explanations as data: every sentence (a signal's explanation, benchmark, value and evidence
#    lines, anomaly and post reasons, the summary and the combination) is a message
#    {"code", "params"} worded by the faces in the reader's language (core.messages); reports of
#    versions 1–2 hold English strings there, which the faces show as they are.
REPORT_VERSION = 3
CHUNK_SIZE = 200
HISTORY_DAYS = 365  # newest snapshots per account (daily history: one year)
RECENT_POSTS = 30
TEXT_TERMS = 100  # top terms of bio + captions kept for value alignment at ranking time (small rows to load)
VETTING_FIELDS = ["fake_risk", "risk_level", "risk_confidence", "risk_missing", "vetting", "vetting_inputs"]
# The report's parts that SQL reads (ranking's features, matching's term counts), stored again
# in AccountMetrics.vetting_inputs: the report itself is text (core.fields.JSONTextField).
REPORT_INPUTS = ("rank", "text")


SnapshotRow = tuple[dt.date, int, int | None]


class HistoryRows(Sequence[SnapshotRow]):
    """A history read as columns (`evidence_rows.HistoryColumns`) seen as its (date, followers,
    following) rows, each row made when it is read: the scorers read the columns, and the rows of
    a chunk's histories made up front (18,000 tuples for 200 accounts of 90 days) cost more than
    the few reads of them. Equal to the list of its rows."""

    __slots__ = ("_columns",)

    def __init__(self, columns: evidence_rows.HistoryColumns) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns[0])

    @overload
    def __getitem__(self, index: int) -> SnapshotRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[SnapshotRow]: ...

    def __getitem__(self, index: int | slice) -> SnapshotRow | list[SnapshotRow]:
        dates, followers, following = self._columns
        if isinstance(index, slice):
            return list(zip(dates[index], followers[index], following[index]))
        return dates[index], followers[index], following[index]

    def __iter__(self) -> Iterator[SnapshotRow]:
        return zip(*self._columns)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HistoryRows):
            return list(self) == list(other)
        return list(self) == other if isinstance(other, list) else NotImplemented

    def __repr__(self) -> str:
        return repr(list(self))


@dataclass
class AccountEvidence:
    """Everything the scorers read about one account, as plain data."""

    account_id: int
    platform: str
    handle: str
    bio: str
    followers: float | None
    snapshots: Sequence[SnapshotRow] = field(default_factory=list)
    posts: list[Mapping[str, Any]] = field(default_factory=list)
    comments: list[CommentItem] = field(default_factory=list)
    follower_sample: list[FollowerProfile] = field(default_factory=list)
    audience: Mapping[str, Any] | None = None
    creator_languages: list[str] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)
    image_copies: list[ImageCopy] = field(default_factory=list)
    # The stored headline ER (None when the metrics were never computed): the engagement signal
    # compares it, so the report and the pages show one engagement rate.
    engagement: StoredEngagement | None = None
    data_as_of: dt.date | None = None
    # Whether the account had an AccountMetrics row when its evidence was read.
    stored_metrics: bool = False
    # `snapshots` as the columns the scorers read (`_history_columns`), when they were read as
    # columns (`load_evidence`); None: transposed from `snapshots` when needed.
    history: evidence_rows.HistoryColumns | None = None
    # The day numbers `history`'s dates were made from (days since 1970-01-01), when it was
    # read: the chunk's growth fits take them rather than turning the dates back into numbers.
    history_days: np.ndarray | None = None
    # `history`'s followers and following as float arrays (NaN for an unknown count), when it
    # was read: the chunk's growth fits take them rather than converting the lists again.
    history_counts: tuple[np.ndarray, np.ndarray] | None = None


def _benchmarks() -> dict[str, Any]:
    path = getattr(settings, "VETTING_ER_BENCHMARKS", None)
    return load_benchmarks(path) if path else load_benchmarks()


_KEPT = frozenset({str, int, bool, type(None)})  # exactly these types are stored as they are


def _json_safe(value: Any) -> Any:
    """JSON-storable copy: dates as ISO strings, numpy scalars as Python, NaN/inf as None."""
    kind = type(value)
    if kind in _KEPT:  # most of a report's leaves: answered before the isinstance checks
        return value
    # The exact types of most other nodes next (plain dicts, lists and floats), before the
    # isinstance checks that subclasses and numpy scalars need.
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {(k if type(k) is str else str(k)): (v if type(v) in _KEPT else _json_safe(v)) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _KEPT else _json_safe(v) for v in value]
    if isinstance(value, Message):
        # As the dict `Message.as_dict` gives would be (reports keep some messages as they are:
        # `RiskResult.as_report`), an infinite or NaN parameter None.
        return _json_safe(value.as_dict())
    # Kept leaves are taken in place here too (no call per leaf: a report has ~450 of them).
    if isinstance(value, dict):
        return {(k if type(k) is str else str(k)): (v if type(v) in _KEPT else _json_safe(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [v if type(v) in _KEPT else _json_safe(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def load_evidence(account_ids: list[int], *, now: dt.datetime | None = None) -> dict[int, AccountEvidence]:
    """Bulk-load the evidence of `account_ids`: at most 6 statements (one more when some accounts
    have more than RECENT_POSTS posts and others fewer), and at most 6 for the reused images,
    whatever the number of accounts; 3 when no account has a comment, a follower sample, an
    audience profile or an image (`evidence_rows.Samples`: those reads are made for the accounts
    that have some). The accounts, histories, posts, comments and follower samples are read by
    `vetting.selectors.evidence`."""
    now = now or timezone.now()
    out: dict[int, AccountEvidence] = {}
    post_counts: dict[int, int] = {}
    samples: dict[int, evidence_rows.Samples] = {}
    for pk, platform, handle, bio, languages, posts, kinds, stored, *metrics in evidence_rows.account_rows(
        account_ids, until=now
    ):
        post_counts[pk] = posts
        samples[pk] = kinds
        followers, er, formula, posts_used, data_as_of = metrics if stored else (None, None, "", 0, None)
        out[pk] = AccountEvidence(
            pk,
            platform,
            handle,
            bio or "",
            followers,
            creator_languages=list(languages or []),
            # data_as_of is set by every metrics computation over some data; a row without it
            # was never computed (or has no data), and the signal computes the rate itself.
            engagement=StoredEngagement(er, formula, posts_used) if data_as_of is not None else None,
            data_as_of=data_as_of,
            stored_metrics=stored,
        )
    ids = list(out)
    _load_snapshots(out, until=now.date())
    # The RECENT_POSTS newest posts of each account (counted back from its own newest, so an
    # account's age or a catalogue seeded in the past does not matter): all of them by a plain
    # read where there are no more, the others through the window query. Only what the scorers
    # and the report read (no hashtags: a JSON value decoded per row).
    fewer = [account for account, n in post_counts.items() if 0 < n <= RECENT_POSTS]
    more = [account for account, n in post_counts.items() if n > RECENT_POSTS]
    # Each read is by account: its posts taken a run at a time, not an append per post.
    for read in (
        evidence_rows.post_rows(fewer, until=now),
        evidence_rows.recent_post_rows(more, until=now, limit=RECENT_POSTS),
    ):
        for account_id, posts in itertools.groupby(read, _ACCOUNT_ID):
            out[account_id].posts.extend(posts)
    post_account = {p["id"]: pk for pk in ids if samples[pk].comments for p in out[pk].posts}
    for post_id, commenter, text, posted_at in evidence_rows.comment_rows(list(post_account)):
        out[post_account[post_id]].comments.append(CommentItem(post_id, commenter, text, posted_at))
    # FollowerSample stores exactly the scorer's input fields (vetting.scoring.followers.FIELDS).
    sampled = [pk for pk in ids if samples[pk].follower_sample]
    for account_id, *profile in evidence_rows.follower_sample_rows(sampled, FIELDS):
        out[account_id].follower_sample.append(FollowerProfile(**dict(zip(FIELDS, profile))))
    for audience in evidence_rows.audience_rows([pk for pk in ids if samples[pk].audience]):
        evidence = out[audience["account_id"]]
        if evidence.audience is None:
            evidence.audience = audience
    _load_image_reuse(out, [pk for pk in ids if samples[pk].images])
    for evidence in out.values():
        if evidence.followers is None and evidence.snapshots:
            evidence.followers = float(evidence.snapshots[-1][1])
    return out


def _load_snapshots(out: dict[int, AccountEvidence], *, until: dt.date) -> None:
    """The newest HISTORY_DAYS points dated `until` or earlier of each account's history, counted
    back from its own newest; a whole history (no more points than that) is also the growth
    fit's `history` (a longer one is transposed from `snapshots` when needed, as it was when it
    was read by another query)."""
    days: dict[int, np.ndarray] = {}
    counts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for account_id, (columns, points) in evidence_rows.snapshot_histories(
        list(out), until=until, limit=HISTORY_DAYS, days=days, floats=counts
    ).items():
        evidence = out[account_id]
        if points <= HISTORY_DAYS:
            evidence.snapshots = HistoryRows(columns)
            evidence.history = columns
            evidence.history_days = days[account_id]
            evidence.history_counts = counts[account_id]
        else:
            evidence.snapshots = list(zip(*columns))


def _load_image_reuse(out: dict[int, AccountEvidence], account_ids: list[int]) -> None:
    """The images of the accounts `account_ids` of `out` (those that have some) and their copies
    on other creators' accounts (one batch for all)."""
    for account_id, found in reused_images(account_ids).items():
        evidence = out[account_id]
        evidence.images = [ImageRef(i["asset_id"], i["image_url"], i["posted_at"]) for i in found.images]
        evidence.image_copies = [
            ImageCopy(
                asset_id=m["asset_id"],
                other_asset_id=m["other_asset_id"],
                other_account_id=m["other_account_id"],
                other_creator_id=m["other_creator_id"],
                other_platform=m["other_platform"],
                other_handle=m["other_handle"],
                kind=m["kind"],
                hamming_distance=m["hamming_distance"],
                other_image_url=m["other_image_url"],
                other_posted_at=m["other_posted_at"],
            )
            for m in found.matches
        ]


def build_report(
    evidence: AccountEvidence,
    *,
    now: dt.datetime | None = None,
    benchmarks: dict[str, Any] | None = None,
    calibration: FollowerCalibration | None = None,
) -> dict[str, Any]:
    """The full explained vetting report of one account (pure given its evidence and the
    follower scorer's calibration: the default one when None)."""
    return _json_safe(_report_values(evidence, now=now, benchmarks=benchmarks, calibration=calibration))


def _history_columns(evidence: AccountEvidence) -> tuple[list[dt.date], list[int], list[int | None]]:
    """The history as columns: dates, followers, following (one transposition rather than a
    pass per column), or those it was read as."""
    if evidence.history is not None:
        return evidence.history
    if not evidence.snapshots:
        return [], [], []
    dates, followers, following = (list(column) for column in zip(*evidence.snapshots))
    return dates, followers, following


# A post's PostStats fields, in their order, read from its row in one C call (a comprehension
# subscripting each row eight times cost twice as much making the 12 stats of an account).
_POST_STATS = operator.itemgetter("id", "posted_at", "likes", "comments", "shares", "saves", "views", "is_sponsored")
_CAPTION = operator.itemgetter("caption")
_ACCOUNT_ID = operator.itemgetter("account_id")


def _rates_posts(evidence: AccountEvidence) -> bool:
    """Whether `engagement_report` reads the history: to compute the rate when none is stored,
    and to rate each post when there are posts and a stored rate (it stops before otherwise)."""
    stored = evidence.engagement
    return stored is None or (bool(evidence.posts) and stored.value is not None)


def _report_values(
    evidence: AccountEvidence,
    *,
    now: dt.datetime | None = None,
    benchmarks: dict[str, Any] | None = None,
    calibration: FollowerCalibration | None = None,
    growth_fit: HistoryFit | None = None,
    history: tuple[list[dt.date], list[int], list[int | None]] | None = None,
) -> dict[str, Any]:
    """`build_report`'s report as the scorers made it: numpy scalars, dates, NaN and messages
    not yet made JSON (`_json_safe` or `stored_json` does that). `growth_fit`: the account's
    history fitted with its chunk (`fit_histories`); fitted here when None. `history`: its
    `_history_columns` when the caller has them (read, not changed)."""
    now = now or timezone.now()
    benchmarks = benchmarks or _benchmarks()

    # Follower sample → audience quality (fake share with interval) and audience types.
    quality = None
    if evidence.follower_sample:
        batch = FollowerBatch.from_profiles(evidence.follower_sample)
        quality = audience_quality(batch, calibration)

    dates, follower_counts, following_counts = history or _history_columns(evidence)

    # Recent posts → engagement against the platform/tier benchmark.
    followers = float(evidence.followers or 0)
    stats = list(itertools.starmap(PostStats, map(_POST_STATS, evidence.posts)))
    engagement = engagement_report(
        platform=evidence.platform,
        followers=followers,
        posts=stats,
        table=benchmarks,
        # The history as the columns it was read as (sorted by date), not a SnapshotPoint a day.
        history=(dates, follower_counts) if _rates_posts(evidence) else None,
        stored=evidence.engagement,
    )

    # Snapshot history → growth anomalies; a jump right after a post's engagement spike is
    # marked as possibly organic.
    viral_dates = [dt.date.fromisoformat(c.date) for c in engagement.changes if c.kind == "spike"]
    fit = growth_fit or fit_history(dates, follower_counts, following_counts)
    growth = anomalies_of(fit, viral_dates=viral_dates)

    # Comment sample → authenticity (languages compared with the declared audience).
    audience_languages = (evidence.audience or {}).get("languages") or None
    comments = comment_report(
        evidence.comments, audience_languages=audience_languages, creator_languages=evidence.creator_languages
    )

    # Catalogue images → the share first posted by other creators.
    reuse = reuse_report(evidence.images, evidence.image_copies)

    signals = (
        risk_mod.audience_signals(quality)
        + risk_mod.growth_signals(growth)
        + risk_mod.engagement_signals(engagement)
        + risk_mod.reach_signals(engagement)
        + risk_mod.comment_signals(comments)
        + risk_mod.reuse_signals(reuse)
    )
    result = risk_mod.combine(signals)

    referenced = {c.post_id for c in engagement.changes}
    if comments.pod:
        referenced.update(comments.pod.post_ids)
    for group in comments.duplicates:
        referenced.update(group["post_ids"])
    post_refs = (
        {
            str(p["id"]): {"platform_post_id": p["platform_post_id"], "posted_at": p["posted_at"], "url": p["url"]}
            for p in evidence.posts
            if p["id"] in referenced
        }
        if referenced  # most accounts cite no post (78 % of the bench's): their posts not walked
        else {}
    )
    bench_median = (engagement.benchmark or {}).get("median")
    quality_value = None
    if engagement.engagement_rate is not None and bench_median:
        quality_value = engagement_quality_of(engagement.engagement_rate, bench_median)
    audience = evidence.audience
    report = {
        "version": REPORT_VERSION,
        "computed_at": now,
        "account": {
            "id": evidence.account_id,
            "platform": evidence.platform,
            "handle": evidence.handle,
            "followers": evidence.followers,
        },
        "risk": result.as_report(),
        "audience_quality": quality.as_dict() if quality else None,
        # The summary as a Message, as the risk's messages: written as its `as_dict()` there.
        "growth": {**growth.as_report(), "summary": growth_summary(growth)},
        "engagement": engagement.as_report(),
        "comments": comments.as_dict(),
        "reused_images": reuse.as_dict(),
        "post_refs": post_refs,
        "data": {
            "snapshots": len(evidence.snapshots),
            "posts": len(evidence.posts),
            "comments": len(evidence.comments),
            "follower_sample": len(evidence.follower_sample),
            "images": len(evidence.images),
            "data_as_of": evidence.data_as_of,
            "audience_as_of": audience["as_of"] if audience else None,
            "audience_source": audience["source"] if audience else None,
        },
        # Compact inputs of the brand ranking (read back with values("vetting_inputs__rank")).
        "rank": {
            "engagement_rate": engagement.engagement_rate,
            "benchmark_median": bench_median,
            "engagement_quality": quality_value,
        },
        "text": {
            "terms": term_vector([evidence.bio, *map(_CAPTION, evidence.posts)], limit=TEXT_TERMS),
            "posts": len(evidence.posts),
        },
    }
    return report


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass(frozen=True)
class _Vetted:
    """One account's vetting columns, its report and the report's REPORT_INPUTS already JSON
    text (`stored_json`)."""

    account_id: int
    followers: int
    fake_risk: float | None
    risk_level: str
    risk_confidence: float | None
    risk_missing: Any
    report_json: str
    inputs_json: str


@functools.cache
def _vetting_fields() -> tuple[list[Any], Any, Any, Any]:
    """AccountMetrics' vetting fields but the report and its inputs; its report field, its
    inputs field and its key."""
    by_name = {field.name: field for field in AccountMetrics._meta.concrete_fields}
    reports = ("vetting", "vetting_inputs")
    fields = [by_name[name] for name in VETTING_FIELDS if name not in reports]
    return fields, by_name["vetting"], by_name["vetting_inputs"], by_name["account"]


def _update_params(rows: list[_Vetted]) -> list[list[Any]]:
    """The parameters of `_write_vetting`'s narrow UPDATE of `rows`: the vetting fields, the
    report and its inputs (the JSON texts they already are) and the account."""
    prepared = _prepared_vetting(_vetting_fields()[0])
    return [[*prepared(row), row.report_json, row.inputs_json, row.account_id] for row in rows]


def _write_vetting(rows: list[_Vetted], update_params: list[list[Any]] | None) -> None:
    """Store the vetting columns of `rows` (inside the caller's transaction). With
    `update_params` (`_update_params(rows)`: every row already exists, as the metrics follow-up
    ran first after every import), one narrow UPDATE of those six columns (sent with
    executemany on SQLite, as one statement on PostgreSQL: `update_staged_sql`); the
    caller makes them before its transaction, which on SQLite holds the write lock a split
    follow-up's other worker waits for. Without, one upsert that writes only them on conflict.
    The upsert of existing rows cost about twice as much: it binds and assembles every column
    of the model for each row."""
    if update_params is None:
        AccountMetrics.objects.bulk_create(
            [
                AccountMetrics(
                    account_id=row.account_id,
                    followers=row.followers,
                    fake_risk=row.fake_risk,
                    risk_level=row.risk_level,
                    risk_confidence=row.risk_confidence,
                    risk_missing=row.risk_missing,
                    vetting=orjson.loads(row.report_json),
                    vetting_inputs=orjson.loads(row.inputs_json),
                )
                for row in rows
            ],
            batch_size=100,
            update_conflicts=True,
            unique_fields=["account"],
            update_fields=VETTING_FIELDS,
        )
        return
    fields, report, inputs, key = _vetting_fields()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and update_params:
            # One statement from a staged copy: the creator-level risk triggers (influencers 0011)
            # are statement-level there, and under executemany they ran once per row (~1.5 ms of
            # the server's time per account); staged, not a VALUES list: psycopg quoted each
            # 10-12 KB report as an SQL literal in Python.
            columns = [*fields, report, inputs, key]
            staged = staged_rows(cursor, AccountMetrics, columns, update_params)
            cursor.execute(update_staged_sql(AccountMetrics, columns[:-1], key=key, staged=staged))
        else:
            # The vetting fields and the key have no db_column: their columns are their attnames.
            sql = "UPDATE {} SET {}, {} = %s, {} = %s WHERE {} = %s".format(
                quote(AccountMetrics._meta.db_table),
                ", ".join(f"{quote(field.attname)} = %s" for field in fields),
                quote(report.attname),
                quote(inputs.attname),
                quote(key.attname),
            )
            cursor.executemany(sql, update_params)


def _prepared_vetting(fields: list[Any]) -> Callable[[_Vetted], list[Any]]:
    """The query parameters of a row's `fields` (fake_risk, risk_level, risk_confidence,
    risk_missing), as `get_db_prep_save` makes them: the values a float and a text field keep as
    they are (a float, None, a str) without its calls, and each distinct list of missing kinds
    (a few per chunk) adapted once (`get_db_prep_save` four times a row was a fifth of the write)."""
    assert [field.name for field in fields] == ["fake_risk", "risk_level", "risk_confidence", "risk_missing"]
    fake_risk, risk_level, risk_confidence, risk_missing = fields
    missing: dict[tuple[str, ...], Any] = {}

    def number(field: Any, value: Any) -> Any:
        return value if value is None or type(value) is float else field.get_db_prep_save(value, connection)

    def prepared(row: _Vetted) -> list[Any]:
        kinds = row.risk_missing
        if type(kinds) is list and all(type(kind) is str for kind in kinds):
            key = tuple(kinds)
            if key not in missing:
                missing[key] = risk_missing.get_db_prep_save(kinds, connection)
            adapted = missing[key]
        else:
            adapted = risk_missing.get_db_prep_save(kinds, connection)
        level = row.risk_level
        return [
            number(fake_risk, row.fake_risk),
            level if type(level) is str else risk_level.get_db_prep_save(level, connection),
            number(risk_confidence, row.risk_confidence),
            adapted,
        ]

    return prepared


def vet_accounts(
    account_ids: Iterable[int], *, chunk_size: int = CHUNK_SIZE, progress: Callable[[int], None] | None = None
) -> int:
    """Vet `account_ids` and store the results on AccountMetrics; returns how many were written.

    Unknown ids are ignored. Per chunk: the evidence queries of `load_evidence` and one write
    of the vetting columns only: an UPDATE when every account of the chunk has its
    metrics row, else an upsert (INSERT … ON CONFLICT DO UPDATE)."""
    return _vet(account_ids, chunk_size=chunk_size, progress=progress)[0]


def _vet(
    account_ids: Iterable[int], *, chunk_size: int = CHUNK_SIZE, progress: Callable[[int], None] | None = None
) -> tuple[int, dict[str, int]]:
    ids = sorted({int(i) for i in account_ids})
    now = timezone.now()
    benchmarks = _benchmarks()
    calibration = catalogue_follower_calibration()
    written = done = 0
    levels: dict[str, int] = defaultdict(int)
    for chunk in _chunks(ids, chunk_size):
        # A chunk's evidence and reports are ~200k objects and no cycles: with the cyclic
        # collector on, its collections walked them again and again (a tenth of vetting).
        with collector_paused():
            evidence = load_evidence(chunk, now=now)
            rows = _vetted_rows(evidence, now=now, benchmarks=benchmarks, calibration=calibration)
            # A metrics row deleted since the evidence was read is one an account deletion took
            # with it: the UPDATE then skips it, as the upsert's insert would have failed.
            update_params = _update_params(rows) if all(ev.stored_metrics for ev in evidence.values()) else None
            with transaction.atomic():
                _write_vetting(rows, update_params)
                touch_accounts([row.account_id for row in rows])
        for row in rows:
            levels[row.risk_level] += 1
        written += len(rows)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return written, dict(levels)


def _vetted_rows(
    evidence: dict[int, AccountEvidence],
    *,
    now: dt.datetime,
    benchmarks: dict[str, Any],
    calibration: FollowerCalibration | None,
) -> list[_Vetted]:
    """The vetting columns of each account of `evidence` (a chunk's, its histories fitted together)."""
    histories = [_history_columns(ev) for ev in evidence.values()]
    days = [ev.history_days if ev.history is not None else None for ev in evidence.values()]
    counts = [ev.history_counts if ev.history is not None else None for ev in evidence.values()]
    fits = fit_histories(histories, days=days, counts=counts)
    rows = []
    for (account_id, ev), fit, history in zip(evidence.items(), fits, histories, strict=True):
        report = _report_values(
            ev, now=now, benchmarks=benchmarks, calibration=calibration, growth_fit=fit, history=history
        )
        risk = _json_safe({name: report["risk"][name] for name in ("risk", "level", "confidence", "missing")})
        rows.append(
            _Vetted(
                account_id,
                int(ev.followers or 0),
                risk["risk"],
                risk["level"],
                risk["confidence"],
                risk["missing"],
                stored_json(report),
                stored_json({key: report[key] for key in REPORT_INPUTS}),
            )
        )
    return rows


def vetting_report(account_id: int) -> dict[str, Any]:
    """The full explained vetting report of one account, computed now (not stored)."""
    try:
        account_id = int(account_id)
    except (TypeError, ValueError) as exc:
        raise InputError(f"not an account id: {account_id!r}", field="account_id") from exc
    evidence = load_evidence([account_id])
    if account_id not in evidence:
        raise InputError(f"account {account_id} does not exist", field="account_id")
    return build_report(evidence[account_id], calibration=catalogue_follower_calibration())


MAX_IDS = 10_000  # accounts or creators named in one request; more: vet the whole catalogue


@dataclass(frozen=True)
class VettingTargets:
    """What a SCORE job vets: the job's params and the account ids they resolve to now."""

    params: dict[str, Any]
    account_ids: list[int]


def _id_list(values: Any, *, field: str) -> list[int]:
    """A list of positive integer ids (not booleans, not strings), or InputError naming the item."""
    if not isinstance(values, (list, tuple)):
        raise InputError("must be a list of ids (integers)", field=field)
    if len(values) > MAX_IDS:
        raise InputError(f"at most {MAX_IDS:,} ids per request; vet the whole catalogue instead", field=field)
    out = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"not an id: {value!r}", field=f"{field}[{index}]")
        out.append(value)
    return list(dict.fromkeys(out))


def vetting_targets(*, account_ids: Any = None, creator_ids: Any = None, all_accounts: bool = False) -> VettingTargets:
    """Check a request to re-run vetting — some accounts, the accounts of some creators, or the
    whole catalogue (exactly one of them) — and resolve it to account ids. An id that does not
    exist is an InputError naming it (`accounts[1]`: "no account with id 999")."""
    given = [name for name, value in (("accounts", account_ids), ("creators", creator_ids)) if value is not None]
    if all_accounts:
        given.append("all")
    if len(given) != 1:
        raise InputError("give exactly one of: accounts (ids), creators (ids), all (true)", field="accounts")
    if all_accounts:
        return VettingTargets({"all": True}, list(Account.objects.order_by("pk").values_list("pk", flat=True)))
    if account_ids is not None:
        ids = _id_list(account_ids, field="accounts")
        if not ids:
            raise InputError("name at least one account", field="accounts")
        found = set(Account.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for index, account_id in enumerate(ids):
            if account_id not in found:
                raise InputError(f"no account with id {account_id}", field=f"accounts[{index}]")
        return VettingTargets({"account_ids": ids}, ids)
    ids = _id_list(creator_ids, field="creators")
    if not ids:
        raise InputError("name at least one creator", field="creators")
    accounts: dict[int, list[int]] = defaultdict(list)
    for creator_id, account_id in Account.objects.filter(creator_id__in=ids).values_list("creator_id", "pk"):
        accounts[creator_id].append(account_id)
    known = set(Creator.objects.filter(pk__in=ids).values_list("pk", flat=True))
    for index, creator_id in enumerate(ids):
        if creator_id not in known:
            raise InputError(f"no creator with id {creator_id}", field=f"creators[{index}]")
    return VettingTargets({"creator_ids": ids}, sorted(a for c in ids for a in accounts[c]))


def vetting_run_submit(
    *,
    account_ids: Any = None,
    creator_ids: Any = None,
    all_accounts: bool = False,
    may_vet_catalogue: bool = False,
    organization: Any = None,
    user: Any = None,
) -> Job:
    """Queue a SCORE job re-running the vetting of some accounts, some creators' accounts or
    (catalogue editors only: `may_vet_catalogue`) every account. Returns the PENDING job."""
    from core.services.jobs import job_submit

    if all_accounts and not may_vet_catalogue:
        raise PermissionDenied(
            "only editors of the catalogue admin organisation may re-run the vetting of every account"
        )
    targets = vetting_targets(account_ids=account_ids, creator_ids=creator_ids, all_accounts=all_accounts)
    return job_submit(
        kind=JobKind.SCORE,
        params=targets.params,
        organization=organization,
        user=user,
        total=len(targets.account_ids),
    )


def scoring_job_accounts(params: dict[str, Any]) -> list[int]:
    """The account ids a SCORE job's params name, resolved when it runs: `account_ids`, the
    accounts of `creator_ids` (as they are now), or every account (`all`, or no params at all,
    as jobs queued before the params existed). Ids deleted since are skipped."""
    if params.get("creator_ids") is not None:
        creator_ids = _id_list(params["creator_ids"], field="creator_ids")
        return list(Account.objects.filter(creator_id__in=creator_ids).order_by("pk").values_list("pk", flat=True))
    if params.get("account_ids") is not None:
        return _id_list(params["account_ids"], field="account_ids")
    return list(Account.objects.order_by("pk").values_list("pk", flat=True))


def run_scoring_job(job: Job, *, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """JobKind.SCORE handler: vet the accounts its params name (`scoring_job_accounts`);
    `progress(done)` is called after each chunk besides the job's own progress (the CLI's bar)."""
    from core.services.jobs import job_log, job_set_total, progress_reporter

    try:
        ids = scoring_job_accounts(job.params or {})
    except InputError as exc:
        raise InputError(exc.reason, source=f"job {job.pk}", field=exc.field) from exc
    job_set_total(job=job, total=len(ids))
    report = progress_reporter(job, every=CHUNK_SIZE)

    def both(done: int) -> None:
        report(done)
        if progress is not None:
            progress(done)

    count, levels = _vet(ids, progress=both)
    job_log(
        job=job,
        message=m.VETTED_COUNT(n=count, levels=[m.LEVEL_COUNT(level=k, n=v) for k, v in sorted(levels.items())]),
    )
    return {"accounts": count, "levels": levels}


def vetting_after_change(change: AccountsChanged) -> None:
    """Follow-up of a catalogue change: vet the changed accounts again (after their metrics)."""
    if change.recompute:
        vet_accounts(change.account_ids, progress=change.progress)
