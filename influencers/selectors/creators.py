"""Creator discovery and detail reads.

Discovery lists creators, each once, through its *representative account*: the account with
the most followers among the creator's accounts that satisfy every account-level filter
(platform, followers, engagement, growth, risk, audience, keyword). All account-level filters
apply to the same account (a creator with a big Instagram and a small TikTok does not match
"TikTok with ≥ 1M followers"), and sorting by a metric sorts by the representative account's
value. The SQL is one join Creator ⋈ Account ⋈ AccountMetrics plus an anti-join ("no better
matching account of the same creator"), which PostgreSQL answers from the metric indexes.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import orjson
from django.db import connection
from django.db.models import Exists, F, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import RowNumber
from django.http import QueryDict

from core.errors import InputError
from core.pagination import COUNT_CAP
from core.selectors.lookup import get_or_not_found
from influencers.models import Account, AccountMetrics, AudienceProfile, Creator, MediaAsset, Post
from influencers.risk import INSUFFICIENT, VERDICT_LEVELS, CreatorRisk, account_risk, creator_risk, creator_risk_of
from influencers.selectors.history import HISTORY_FIELDS, account_histories
from influencers.selectors.keyword import (
    RANKS,
    KeywordTiers,
    keyword_head_reads,
    keyword_rank_query,
    keyword_tier_queryset,
)

# An account-level condition, written once and applied in two places: on the outer query
# (field paths prefixed with "accounts__", the account's own id at "accounts__id") and inside
# the anti-join subquery on Account (no prefix, id at "pk").
AccountTerm = Callable[[str, str], Q]

# sort name → (metric path below the account, descending?) or a creator field.
CREATOR_SORTS: dict[str, tuple[str, bool]] = {
    "-followers": ("metrics__followers", True),
    "followers": ("metrics__followers", False),
    "-engagement_rate": ("metrics__engagement_rate", True),
    "engagement_rate": ("metrics__engagement_rate", False),
    "-growth_30d": ("metrics__growth_30d", True),
    "growth_30d": ("metrics__growth_30d", False),
    "fake_risk": ("metrics__fake_risk", False),
    "-fake_risk": ("metrics__fake_risk", True),
    "name": ("display_name", False),
    "-name": ("display_name", True),
    "-created": ("created_at", True),
}
DEFAULT_SORT = "-followers"
_CREATOR_FIELD_SORTS = {"name", "-name", "-created"}
# Risk sorts order creators by their creator-level risk (the worst vetted account's, see
# influencers/risk.py), not by the representative account's: a clean big account must not sort
# a creator with a fraudulent one among the safest.
_CREATOR_RISK_SORTS = {"fake_risk", "-fake_risk"}
_NOT_NULL_SORTS = {"metrics__followers", "display_name", "created_at"}


def creator_list_prefetches() -> list[Prefetch]:
    """What a list row shows: every account with its metrics (two queries per page in all)."""
    return [Prefetch("accounts", queryset=Account.objects.select_related("metrics").order_by("platform", "handle"))]


def creator_search_queryset(
    queryset: QuerySet[Creator] | None = None, *, account_terms: Iterable[AccountTerm] = (), sort: str = DEFAULT_SORT
) -> QuerySet[Creator]:
    """Creators of `queryset` having an account that meets every term, one row per creator,
    annotated with the representative account (`rep_account_id`, `rep_platform`,
    `rep_followers`, `rep_engagement_rate`, `rep_fake_risk`, `rep_data_as_of`) and ordered by
    `sort`."""
    if sort not in CREATOR_SORTS:
        raise InputError(f"unknown sort {sort!r} (choose from {', '.join(CREATOR_SORTS)})", field="sort")
    queryset = Creator.objects.all() if queryset is None else queryset
    terms = list(account_terms)
    path, descending = CREATOR_SORTS[sort]
    if not terms and sort in _CREATOR_FIELD_SORTS:
        order = F(path).desc() if descending else F(path).asc()
        return queryset.order_by(order, "id")

    outer = Q()
    inner = Q()
    for term in terms:
        outer &= term("accounts__", "accounts__id")
        inner &= term("", "pk")
    # "A better matching account of the same creator exists": more followers, or as many and a
    # smaller id. Accounts without metrics rows take no part in metric-driven discovery.
    # The terms come last: the followers comparison rules out most accounts (a creator's only
    # one, itself) before a costlier term (the keyword's text) is read.
    better = (
        Account.objects.filter(creator_id=OuterRef("accounts__creator_id"), metrics__isnull=False)
        .filter(
            Q(metrics__followers__gt=OuterRef("accounts__metrics__followers"))
            | Q(metrics__followers=OuterRef("accounts__metrics__followers"), pk__lt=OuterRef("accounts__id"))
        )
        .filter(inner)
    )
    queryset = queryset.filter(outer, ~Exists(better), accounts__metrics__isnull=False).annotate(
        rep_account_id=F("accounts__id"),
        rep_platform=F("accounts__platform"),
        rep_handle=F("accounts__handle"),
        rep_followers=F("accounts__metrics__followers"),
        rep_engagement_rate=F("accounts__metrics__engagement_rate"),
        rep_growth_30d=F("accounts__metrics__growth_30d"),
        rep_fake_risk=F("accounts__metrics__fake_risk"),
        rep_data_as_of=F("accounts__metrics__data_as_of"),
    )
    full_path = path if sort in _CREATOR_FIELD_SORTS else f"accounts__{path}"
    if sort in _CREATOR_RISK_SORTS:
        # The stored creator-level risk (Creator.worst_fake_risk, kept by database triggers: the
        # value of `creator_worst_risk()`), so PostgreSQL walks its index instead of computing
        # that subquery for every creator (2.5 s at 100k creators).
        full_path = "worst_fake_risk"
    if path in _NOT_NULL_SORTS:
        # No NULLs to place: a plain ORDER BY lets PostgreSQL walk the column's index.
        order = F(full_path).desc() if descending else F(full_path).asc()
    else:
        order = F(full_path).desc(nulls_last=True) if descending else F(full_path).asc(nulls_last=True)
    return queryset.order_by(order, "id")


def creator_risk_level_q(levels: Iterable[str]) -> Q:
    """Creators whose creator-level risk (influencers/risk.py) is one of `levels` (low, medium,
    high, insufficient): the worst account with a verdict decides, so a creator is "low" only
    when no account of it is medium or high, and "insufficient" only when none has a verdict.
    Read from Creator.worst_risk_level, which database triggers keep (influencers 0011)."""
    return Q(worst_risk_level__in=[level for level in levels if level in (*VERDICT_LEVELS, INSUFFICIENT)])


def creator_max_risk_q(limit: float) -> Q:
    """Creators with a verdict whose worst vetted account's risk is at most `limit`: accounts
    without enough evidence are never read as clean (a creator none of whose accounts has a
    verdict does not pass; ask for `risk_level=insufficient` to see those). Read from the stored
    creator-level level and risk (Creator.worst_risk_level, worst_fake_risk)."""
    return Q(worst_risk_level__in=VERDICT_LEVELS) & (Q(worst_fake_risk__isnull=True) | Q(worst_fake_risk__lte=limit))


def creator_worst_risk() -> Subquery:
    """The creator-level risk as an SQL expression: the highest risk among its accounts with a
    verdict (NULL when none has one). Stored as Creator.worst_fake_risk, which discovery sorts on."""
    return Subquery(
        AccountMetrics.objects.filter(account__creator_id=OuterRef("pk"), risk_level__in=VERDICT_LEVELS)
        .order_by(F("fake_risk").desc(nulls_last=True))
        .values("fake_risk")[:1]
    )


def creator_risks(*, creators: QuerySet[Any] | Iterable[int]) -> dict[int, CreatorRisk]:
    """{creator id: its creator-level verdict} over every account of these creators (a queryset
    of creator ids, e.g. `accounts.values("creator_id")`, or the ids): one query."""
    scope = creators if isinstance(creators, QuerySet) else list(creators)
    by_creator: dict[int, list[Any]] = {}
    for creator_id, *row in (
        # By creator first: under Account's default order (platform, handle) a server-side
        # cursor (`iterator`) is planned to start fast along that index, walking every account
        # (~45 ms at 100k) once more than ~100 creators are asked for; by creator it reads only
        # theirs. Each creator's accounts keep their (platform, handle) order.
        Account.objects.filter(creator_id__in=scope)
        .order_by("creator_id", "platform", "handle")
        .values_list(
            "creator_id",
            "pk",
            "platform",
            "handle",
            "metrics__risk_level",
            "metrics__fake_risk",
            "metrics__risk_confidence",
            "metrics__risk_missing",
        )
        .iterator(chunk_size=10_000)
    ):  # streamed: the feature snapshot asks for every creator
        by_creator.setdefault(creator_id, []).append(account_risk(*row))
    return {creator_id: creator_risk(accounts) for creator_id, accounts in by_creator.items()}


def creator_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Creator]:
    """Discovery: creators matching `filters` (the CreatorFilterSet's query parameters), sorted,
    with accounts and metrics prefetched. Invalid filters raise InputError naming the field."""
    from influencers.filters import CreatorFilterSet

    filterset = CreatorFilterSet(data=_as_query_dict(filters), queryset=Creator.objects.all())
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        raise InputError("; ".join(str(m) for m in messages), field=field)
    return filterset.qs.prefetch_related(*creator_list_prefetches())


def _as_query_dict(filters: Mapping[str, Any] | None) -> QueryDict:
    """Filters as the FilterSet reads them: a QueryDict as it is; a plain mapping with lists for
    repeated parameters (`{"platform": ["tiktok", "douyin"]}`) and booleans as true/false."""
    if isinstance(filters, QueryDict):
        return filters
    data = QueryDict(mutable=True)
    for key, value in (filters or {}).items():
        if isinstance(value, (list, tuple)):
            data.setlist(key, ["true" if v is True else "false" if v is False else str(v) for v in value])
        elif isinstance(value, bool):
            data[key] = "true" if value else "false"
        elif value is not None:
            data[key] = str(value)
    return data


# What a discovery row shows (api.serializers.creators.CreatorListSerializer) and nothing else:
# the metrics' `details` and `vetting` reports are large JSON documents a list never shows.
ROW_CREATOR_FIELDS = ("id", "display_name", "country", "languages", "categories", "contact_email")
ROW_ACCOUNT_FIELDS = ("id", "creator_id", "platform", "handle", "display_name", "is_verified", "profile_picture_url")
ROW_METRICS_FIELDS = (
    "followers",
    "engagement_rate",
    "er_formula",
    "growth_30d",
    "fake_risk",
    "risk_level",
    "data_as_of",
    "risk_confidence",
    "risk_missing",
)


def creator_head(queryset: QuerySet[Creator], *, limit: int) -> list[tuple[int, int | None]]:
    """The first `limit` rows of a `creator_search_queryset` as (creator id, representative
    account id or None), in its order: the one heavy discovery query, serving the capped count
    and every page (`creator_rows` loads a page's creators by primary key)."""
    if "rep_account_id" in queryset.query.annotations:
        keyword = keyword_rank_query(queryset.query.annotations.get("keyword_rank"))
        if keyword is not None:
            return _keyword_head(queryset, keyword, limit=limit)
        # The plugin checks names against Creator's fields; rep_account_id is an annotation of
        # creator_search_queryset, invisible in the QuerySet[Creator] type.
        return list(queryset.values_list("pk", "rep_account_id")[:limit])  # type: ignore[misc]
    return [(pk, None) for pk in queryset.values_list("pk", flat=True)[:limit]]


WALK_LIMIT = 150


def creator_page_queryset(queryset: QuerySet[Creator]) -> QuerySet[Creator]:
    """`queryset` (a `creator_list`) for a count-capped paginator: a search ordered by keyword
    relevance is narrowed to its first COUNT_CAP + 1 creators (`creator_head`, all such a
    paginator reads), so its pages and count rank a few hundred creators instead of every match;
    other searches are returned as they are (their order walks an index and stops by itself)."""
    keyword = keyword_rank_query(queryset.query.annotations.get("keyword_rank"))
    if keyword is None:
        return queryset
    head = _keyword_head(queryset, keyword, limit=COUNT_CAP + 1)
    return queryset.filter(pk__in=[creator_id for creator_id, _ in head])


def _keyword_head(queryset: QuerySet[Creator], keyword: str, *, limit: int) -> list[tuple[int, int | None]]:
    """`creator_head` of a search ordered by keyword relevance (the filter set's `keyword_rank`
    first, then its sort), one relevance tier at a time, best first, each in the sort's order and
    cut where the head is full: the same rows as ranking every match, but a common word fills
    the head from its best tiers (or from the most followed accounts) without ranking the
    tens of thousands of accounts that hold it. A tier the index lists in few accounts is read
    from that list; a larger one is walked by the sort's index, each account's rank checked
    on its own row."""
    with keyword_head_reads():
        return _keyword_tiers_head(queryset, keyword, limit=limit)


def _keyword_tiers_head(queryset: QuerySet[Creator], keyword: str, *, limit: int) -> list[tuple[int, int | None]]:
    order = queryset.query.order_by[1:]  # the sort after the relevance (filter_queryset)
    rows: list[tuple[int, int | None]] = []
    tiers = KeywordTiers(keyword)
    for rank in RANKS:
        need = limit - len(rows)
        if need <= 0:
            break
        candidates = tiers.candidates(rank, need=need)
        if candidates == []:
            continue
        tier = keyword_tier_queryset(queryset, rank, candidates)
        # SQLite walks the followers index for a LIMIT of 120 or more, but plans a few rows
        # as a scan of every creator (measured: 23 rows of a 2 %-dense tier, 210 ms instead
        # of 50 ms): its walk asks for at least WALK_LIMIT rows and keeps what it needs.
        walks_few = candidates is None and connection.vendor == "sqlite"
        asked = max(need, WALK_LIMIT) if walks_few else need
        rows += list(tier.order_by(*order).values_list("pk", "rep_account_id")[:asked])[:need]
    return rows


@dataclass(slots=True)
class RowMetrics:
    """The metrics a discovery row shows (ROW_METRICS_FIELDS of AccountMetrics)."""

    followers: int | None
    engagement_rate: float | None
    er_formula: str
    growth_30d: float | None
    fake_risk: float | None
    risk_level: str
    data_as_of: dt.date | None
    risk_confidence: float | None
    risk_missing: list[str] | None


@dataclass(slots=True)
class RowAccount:
    """An account of a discovery row, read as an Account is (`pk`, `metrics` None without a
    metrics row)."""

    pk: int
    platform: str
    handle: str
    display_name: str
    is_verified: bool
    profile_picture_url: str
    metrics: RowMetrics | None


@dataclass(slots=True)
class CreatorRow:
    """A discovery row, read as a Creator of `creator_search_queryset` is: the creator's fields,
    its accounts (`row_accounts`) and the representative account's `rep_*` values (None when
    there is none)."""

    pk: int
    display_name: str
    country: str
    languages: list[str]
    categories: list[str]
    contact_email: str
    row_accounts: list[RowAccount] = dataclass_field(default_factory=list)
    rep_account_id: int | None = None
    rep_platform: str | None = None
    rep_handle: str | None = None
    rep_followers: int | None = None
    rep_engagement_rate: float | None = None
    rep_growth_30d: float | None = None
    rep_fake_risk: float | None = None
    rep_data_as_of: dt.date | None = None
    # The creator-level verdict of `row_accounts` (influencers.risk), worked out once per read
    # rows (a kept row serves many pages); None: not worked out.
    risk: CreatorRisk | None = None


_ROW_COLUMNS = (
    *(f"creator__{f}" for f in ROW_CREATOR_FIELDS),
    *(f for f in ROW_ACCOUNT_FIELDS if f != "creator_id"),
    "metrics__pk",
    *(f"metrics__{f}" for f in ROW_METRICS_FIELDS),
)
_CREATOR_WIDTH = len(ROW_CREATOR_FIELDS)


@dataclass(frozen=True, slots=True)
class _CompiledRows:
    """The rows query of `creator_rows` for one number of creators, as SQL with the value
    converters of its columns."""

    sql: str
    converters: list[tuple[int, list[Callable[..., Any]], Any]]


# (database vendor, number of creators) → the query compiled: building and compiling it with the
# ORM took half of creator_rows (≈ 0.7 ms of a 4 ms discovery request), and its SQL only
# depends on how many ids it lists (a page holds 1-100).
_compiled_rows: dict[tuple[str, int], _CompiledRows] = {}


# A digit in a JSON text: orjson reads numbers beyond 64 bits as floats (json.loads: ints), so
# texts with numbers are left to json.loads; the rows' JSON (languages, categories, the kinds of
# missing evidence) is lists of words.
_HAS_DIGIT = re.compile(r"[0-9]").search


def _fast_json(convert: Callable[..., Any], expression: Any) -> Callable[..., Any]:
    """`convert` itself, or for a JSONField's own column (no custom decoder) the same value read
    by orjson: Django's json.loads of the languages, categories and risk_missing of each row was a
    third of reading the rows. A text with a digit, and what orjson refuses (a lone surrogate, a
    value that is not text), go to Django's converter, which reads them as before."""
    field = getattr(convert, "__self__", None)
    if (
        getattr(convert, "__func__", None) is not JSONField.from_db_value
        or not isinstance(field, JSONField)
        or field.decoder is not None
        or isinstance(expression, KeyTransform)
    ):
        return convert

    def from_db_value(value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        if type(value) is str and not _HAS_DIGIT(value):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return convert(value, expression, connection)

    return from_db_value


def _rows_queryset(ids: list[int]) -> QuerySet[Account, tuple[Any, ...]]:
    return Account.objects.filter(creator_id__in=ids).order_by("platform", "handle").values_list(*_ROW_COLUMNS)


def _row_values(ids: list[int]) -> list[list[Any]]:
    """The values of `_rows_queryset(ids)`, as the ORM reads them (the same converters)."""
    if not ids:
        return []
    key = (connection.vendor, len(ids))
    compiled = _compiled_rows.get(key)
    if compiled is None:
        compiler = _rows_queryset(ids).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if list(params) != ids:  # the ids are not the only parameters: not reusable
            return [list(values) for values in _rows_queryset(ids)]
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = [
            (i, [_fast_json(convert, expr) for convert in convs], expr)
            for i, (convs, expr) in compiler.get_converters(fields).items()
        ]
        compiled = _compiled_rows[key] = _CompiledRows(sql, converters)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, ids)
        found = [list(values) for values in cursor.fetchall()]
    for values in found:
        for i, convs, expression in compiled.converters:
            value = values[i]
            for convert in convs:
                value = convert(value, expression, connection)
            values[i] = value
    return found


class KeptRows:
    """Discovery rows (the creators' own fields and accounts, no representative) kept between
    requests for one catalogue version (DiscoveryColumns.kept_rows): the biggest creators head
    most filtered pages, and reading their rows again was a database round trip and a quarter
    of a request's Python. At most `capacity` rows, the oldest dropped first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._rows: dict[int, CreatorRow] = {}
        self._lock = threading.Lock()

    def get(self, creator_id: int) -> CreatorRow | None:
        return self._rows.get(creator_id)

    def keep(self, rows: Iterable[CreatorRow]) -> None:
        with self._lock:
            for row in rows:
                self._rows[row.pk] = row
            while len(self._rows) > self.capacity:
                del self._rows[next(iter(self._rows))]

    def __len__(self) -> int:
        return len(self._rows)


def creator_rows(rows: Iterable[tuple[int, int | None]], *, kept: KeptRows | None = None) -> list[CreatorRow]:
    """The creators of `rows` ((creator id, representative account id)) in that order, each
    with `row_accounts` (its accounts with metrics, by platform and handle) and the `rep_*`
    values of `creator_search_queryset` set from the representative account.

    One query of plain values (creators, accounts and metrics joined), a second only for
    creators without accounts: model instances and Django's prefetching cost more than the
    query for a 25-row page, and discovery serves many pages. Creators found in `kept` (rows
    read at the current data version) are not read again; the ones read are kept there."""
    rows = list(rows)
    creators: dict[int, CreatorRow] = {}
    if kept is not None:
        for creator_id, _ in rows:
            found = kept.get(creator_id)
            if found is not None:
                creators[creator_id] = found
    ids = [creator_id for creator_id, _ in rows if creator_id not in creators]
    read = _read_rows(ids) if ids else {}
    if kept is not None:
        kept.keep(read.values())
    creators.update(read)
    out = []
    for creator_id, account_id in rows:
        base = creators.get(creator_id)
        if base is None:  # deleted since the head was read
            continue
        # A fresh row per request: the representative depends on the request's filters.
        row = CreatorRow(
            base.pk,
            base.display_name,
            base.country,
            base.languages,
            base.categories,
            base.contact_email,
            base.row_accounts,
            risk=base.risk,
        )
        rep = None
        for account in row.row_accounts:  # (a loop: a generator given up early is closed by an exception)
            if account.pk == account_id:
                rep = account
                break
        metrics = rep.metrics if rep is not None else None
        if rep is not None and metrics is not None:  # else no matched account (or it changed since the head was read)
            row.rep_account_id = rep.pk
            row.rep_platform = rep.platform
            row.rep_handle = rep.handle
            row.rep_followers = metrics.followers
            row.rep_engagement_rate = metrics.engagement_rate
            row.rep_growth_30d = metrics.growth_30d
            row.rep_fake_risk = metrics.fake_risk
            row.rep_data_as_of = metrics.data_as_of
        out.append(row)
    return out


def _read_rows(ids: list[int]) -> dict[int, CreatorRow]:
    """The rows of these creators (without representative), read from the database."""
    creators: dict[int, CreatorRow] = {}
    for values in _row_values(ids):
        creator_id = values[0]
        creator = creators.get(creator_id)
        if creator is None:
            creator = creators[creator_id] = CreatorRow(*values[:_CREATOR_WIDTH])
        account_id, platform, handle, display_name, is_verified, picture, metrics_pk, *figures = values[_CREATOR_WIDTH:]
        creator.row_accounts.append(
            RowAccount(
                account_id,
                platform,
                handle,
                display_name,
                is_verified,
                picture,
                None if metrics_pk is None else RowMetrics(*figures),  # None: no metrics row yet
            )
        )
    missing = [pk for pk in ids if pk not in creators]
    if missing:  # creators without accounts (a creator-field sort lists every creator)
        for fields in Creator.objects.filter(pk__in=missing).values_list(*ROW_CREATOR_FIELDS):
            creators[fields[0]] = CreatorRow(*fields)
    for creator in creators.values():
        creator.risk = creator_risk_of(creator.row_accounts)
    return creators


def creators_by_ids(ids: Iterable[int]) -> dict[int, Creator]:
    """Creators by id with accounts and metrics prefetched (for ranked results and exports)."""
    creators = Creator.objects.filter(pk__in=list(ids)).prefetch_related(*creator_list_prefetches())
    return {c.pk: c for c in creators}


def creator_detail(*, creator_id: int) -> Creator:
    """A creator with everything its profile page shows: accounts with metrics and their newest
    audience profile, prefetched. 404 when unknown."""
    accounts = Account.objects.select_related("metrics").prefetch_related(
        Prefetch("audience_profiles", queryset=AudienceProfile.objects.order_by("account_id", "-as_of", "-id"))
    )

    return get_or_not_found(
        Creator.objects.prefetch_related(Prefetch("accounts", queryset=accounts)), creator_id, what="creator"
    )


def creator_growth_series(*, creator: Creator, limit_days: int = 730) -> dict[int, list[dict[str, Any]]]:
    """Follower history per account id: [{date, followers, following, posts}] oldest first,
    at most the last `limit_days` snapshots of each account."""
    account_ids = [account.pk for account in creator.accounts.all()]
    histories = account_histories(account_ids)
    series: dict[int, list[dict[str, Any]]] = {}
    for account_id in account_ids:
        points = histories.get(account_id, [])[-limit_days:]
        series[account_id] = [dict(zip(HISTORY_FIELDS, point, strict=True)) for point in points]
    return series


def creator_top_posts(*, creator: Creator, per_account: int = 6) -> dict[int, list[Post]]:
    """The most engaging posts of each account (likes + comments + shares + saves), with their images."""
    result: dict[int, list[Post]] = {}
    for account in creator.accounts.all():
        posts = (
            Post.objects.filter(account=account)
            .annotate(engagement=F("likes") + F("comments") + _coalesce_zero("shares") + _coalesce_zero("saves"))
            .prefetch_related(Prefetch("media", queryset=MediaAsset.objects.order_by("id")))
            .order_by("-engagement", "-posted_at")[:per_account]
        )
        result[account.pk] = list(posts)
    return result


def creator_images(*, creator: Creator, limit: int = 24) -> list[MediaAsset]:
    """The creator's newest images across accounts."""
    return list(MediaAsset.objects.filter(account__creator=creator).order_by("-created_at", "-id")[:limit])


def creator_sponsored_posts(*, creator: Creator, limit: int = 20) -> list[Post]:
    """The creator's sponsored posts, newest first, with their account and images."""
    return list(
        Post.objects.filter(account__creator=creator, is_sponsored=True)
        .select_related("account")
        .prefetch_related(Prefetch("media", queryset=MediaAsset.objects.order_by("id")))
        .order_by("-posted_at", "-id")[:limit]
    )


def creator_post(*, creator: Creator, post_id: Any) -> Post | None:
    """One post of the creator (with its account and images) by id, or None when the id is not
    a number or not one of the creator's posts."""
    try:
        post_id = int(post_id)
    except (TypeError, ValueError):
        return None
    return (
        Post.objects.filter(account__creator=creator, pk=post_id)
        .select_related("account")
        .prefetch_related(Prefetch("media", queryset=MediaAsset.objects.order_by("id")))
        .first()
    )


def account_recent_post_counters(*, account: Account, limit: int = 30) -> list[Mapping[str, Any]]:
    """The account's `limit` newest posts, oldest first, as their public counters."""
    posts = (
        Post.objects.filter(account=account)
        .order_by("-posted_at", "-id")
        .values("posted_at", "likes", "comments", "views", "saves", "is_sponsored")[:limit]
    )
    return list(reversed(list(posts)))


def accounts_filtered(
    *,
    platforms: Iterable[str] | None = None,
    min_followers: int | None = None,
    max_followers: int | None = None,
    countries: Iterable[str] | None = None,
    creator_ids: Iterable[int] | None = None,
) -> QuerySet[Account]:
    """Accounts on these platforms, within the follower range (their metrics), of creators from
    these countries (ISO codes, any case) or among these creators; a filter left None is off."""
    accounts = Account.objects.all()
    if creator_ids is not None:
        accounts = accounts.filter(creator_id__in=list(creator_ids))
    if platforms:
        accounts = accounts.filter(platform__in=list(platforms))
    if countries:
        accounts = accounts.filter(creator__country__in=[str(c).upper() for c in countries])
    if min_followers is not None:
        accounts = accounts.filter(metrics__followers__gte=min_followers)
    if max_followers is not None:
        accounts = accounts.filter(metrics__followers__lte=max_followers)
    return accounts


def newest_audience_profiles_of(accounts: QuerySet[Account] | Iterable[int]) -> QuerySet[AudienceProfile]:
    """The newest audience profile (latest `as_of`, then latest id) of each of the accounts (a
    queryset of accounts or their ids), chosen in the database: older profiles are not loaded."""
    scope = accounts.values_list("pk", flat=True) if isinstance(accounts, QuerySet) else list(accounts)
    newest = Window(RowNumber(), partition_by=F("account_id"), order_by=[F("as_of").desc(), F("id").desc()])
    return AudienceProfile.objects.filter(account_id__in=scope).annotate(rn=newest).filter(rn=1)


def newest_audience_profiles(*, account_ids: Iterable[int]) -> dict[int, AudienceProfile]:
    """{account_id: its newest AudienceProfile} for the accounts that have one (one query)."""
    return {profile.account_id: profile for profile in newest_audience_profiles_of(account_ids)}


def _coalesce_zero(field: str):  # noqa: ANN202
    from django.db.models import Value
    from django.db.models.functions import Coalesce

    return Coalesce(F(field), Value(0))


def account_has_metrics(account: Account) -> bool:
    """Whether the account has its metrics row (a fresh account has none until they are computed)."""
    try:
        return account.metrics is not None
    except AccountMetrics.DoesNotExist:
        return False
