"""Discovery answered from columns in memory instead of the database.

Every uncached discovery request ran the one heavy query of `creator_search_queryset` (a join of
creators, accounts and metrics with an anti-join for the representative account): 10-110 ms of
PostgreSQL per request at 100k creators, seconds at 1M, and under 20 concurrent clients the
database was most of the server's CPU. The same answer is a few array operations over one row
per account: the filters as boolean masks (kept per filter value), the representative account
(most followers, then the smallest id) as the first matching row of its creator in one order
computed at the build, and each sort's order of every row computed there too, walked in chunks
until the limit is found (sorting the matching rows per request cost 7-20 ms at 1M accounts).

`discovery_head(filters, limit)` gives what `creator_head` gives for the same cleaned filters of
`CreatorFilterSet`: the first `limit` (creator id, representative account id) in the same order,
or None when the columns cannot answer (they are off, not built for the current data version yet,
or a filter needs the database: keyword search, the brands a creator worked with, sorting by name,
a keyword relevance order, a creator-field sort without account filters). The caller then runs the
query as before, so the answer never depends on which path served it; tests hold the two equal
over random catalogues and filters.

Versioned like the ranking feature snapshot: the columns are labelled with the catalogue's data
version read before the data, and only served while it is current, so no write is ever missed.
They are built per process in the background after the first request that finds none for the
current version (that request, and any until the build is done, read the database). On only where
the data version is shared by every process (DISCOVERY_COLUMNS, default: with CACHE_URL).
Memory: about 80 bytes per account for the values, 50 for the orders, 16 per audience share
entry (≈ 300 MB at 1.1M accounts with 8 entries each), plus the kept filter masks (at most
TERM_MASK_BYTES) and page rows (KEPT_ROWS creators).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from array import array as typed_array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from functools import cached_property, partial
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from core.caching.versions import data_version
from core.pagination import COUNT_CAP
from core.services.background import run_outside_request
from influencers.filters import audience_codes
from influencers.metrics.freshness import stale_after_days, stale_cutoff
from influencers.models import Account, AudienceProfile, Creator
from influencers.risk import INSUFFICIENT, VERDICT_LEVELS
from influencers.selectors.creators import CREATOR_SORTS, DEFAULT_SORT, KeptRows
from influencers.vocabulary import code_for

logger = logging.getLogger(__name__)

STREAM_ROWS = 10_000
# The account-level filters (applied to one account, the representative); the rest are the
# creator's. Without any of them a creator-field sort lists every creator, accounts or not.
ACCOUNT_FILTERS = frozenset(
    {
        "platform",
        "min_followers",
        "max_followers",
        "min_engagement_rate",
        "max_engagement_rate",
        "min_growth_30d",
        "max_growth_30d",
        "verified",
        "stale",
        "max_data_age_days",
        "audience_country",
        "audience_age",
        "audience_gender",
        "audience_language",
    }
)
# Filters the columns answer; a request with any other non-empty filter goes to the database.
ANSWERED = ACCOUNT_FILTERS | {
    "audience_country_min",
    "audience_age_min",
    "audience_gender_min",
    "audience_language_min",
    "country",
    "language",
    "category",
    "has_contact_email",
    "max_fake_risk",
    "risk_level",
    "sort",
}
# filter name → (audience dimension, the `_min` filter, how its codes are cased)
AUDIENCE_FILTERS = {
    "audience_country": ("countries", "audience_country_min", "upper"),
    "audience_age": ("age", "audience_age_min", ""),
    "audience_gender": ("gender", "audience_gender_min", ""),
    "audience_language": ("languages", "audience_language_min", "lower"),
}
NO_DATE = -1  # data_as_of of an account whose metrics carry no date
# The sorts the columns order: all. The creator-field ones only with an account filter (without
# one they list every creator, accounts or not: the database's creator indexes answer that).
COLUMN_SORTS = tuple(CREATOR_SORTS)
CREATOR_FIELD_SORTS = frozenset(sort for sort, (path, _) in CREATOR_SORTS.items() if not path.startswith("metrics__"))
# A walk of the sort order (head_from_columns) reads at least this many rows at a time, and is
# chosen while it reads at most this many times the matching rows (it costs a few times less
# per row than ordering them).
SCAN_FIRST_CHUNK = 1024
SCAN_ADVANTAGE = 4
# Filter masks kept per columns: one byte per account each (≈ 30 at 1M accounts, 300 at 100k).
TERM_MASK_BYTES = 32 * 1024 * 1024
# Discovery rows kept per columns (≈ 1-2 KB each).
KEPT_ROWS = 20_000


@dataclass
class AudienceShares:
    """One audience dimension of every profile of the columns' accounts: entry i gives profile
    `profile[i]` (of the account at row `row[i]`) the share `share[i]` of key `key[i]` (given to
    the constructor; kept only as the key's slice, `starts`)."""

    keys: dict[str, int]
    profile: np.ndarray
    key: InitVar[np.ndarray]  # only ordering the entries: afterwards `starts` says where each key's are
    share: np.ndarray
    row: np.ndarray  # -1: a profile of an account not in the columns (passes no filter: dropped)
    # The entries are kept ordered by key, key code k at [starts[k], starts[k + 1]): a filter reads
    # its keys' entries as slices instead of gathering them from every entry (milliseconds); and
    # within a key by share, so the entries reaching a share are the end of the key's slice.
    starts: np.ndarray = field(init=False)

    def __post_init__(self, key: np.ndarray) -> None:
        kept = np.flatnonzero(self.row >= 0)
        order = kept[np.lexsort((self.share[kept], key[kept]))]
        self.profile, self.share, self.row = self.profile[order], self.share[order], self.row[order]
        self.starts = np.searchsorted(key[order], np.arange(len(self.keys) + 1), side="left")

    def rows_reaching(self, code: int, minimum: float) -> np.ndarray:
        """The account rows of the profiles giving key `code` a share ≥ `minimum` (> 0 without
        one): at 1M accounts a slice, where comparing and gathering every entry took 5-14 ms."""
        lo, hi = self.starts[code], self.starts[code + 1]
        if minimum > 0:
            return self.row[lo + np.searchsorted(self.share[lo:hi], minimum, side="left") : hi]
        return self.row[lo + np.searchsorted(self.share[lo:hi], 0.0, side="right") : hi]

    def entries_of(self, codes: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(profile, share) of the entries of these key codes, key by key in this order."""
        spans = [slice(self.starts[code], self.starts[code + 1]) for code in codes]
        if len(spans) == 1:
            return self.profile[spans[0]], self.share[spans[0]]
        return np.concatenate([self.profile[s] for s in spans]), np.concatenate([self.share[s] for s in spans])


@dataclass
class DiscoveryColumns:
    """One row per account with metrics, ordered by account id; creator-level values repeated on
    each of the creator's rows."""

    version: str
    account_id: np.ndarray
    creator_id: np.ndarray
    platform: np.ndarray  # code into `platforms`
    platforms: list[str]
    followers: np.ndarray
    engagement_rate: np.ndarray  # NaN: unknown
    growth_30d: np.ndarray  # NaN: unknown
    verified: np.ndarray  # int8: 1, 0, -1 unknown
    data_as_of: np.ndarray  # date ordinal, NO_DATE without one
    country: np.ndarray  # code into `countries` (the stored value, exact)
    countries: list[str]
    has_email: np.ndarray
    worst_risk: np.ndarray  # NaN: none
    worst_level: np.ndarray  # code into `levels`
    levels: list[str]
    created_at: np.ndarray  # seconds since the epoch
    # The creator's place among distinct display names in the database's own order (its
    # collation: Python's string order differs), equal names equal.
    name_rank: np.ndarray
    # lower-cased JSON list item → the rows of the creators holding it
    languages: dict[str, np.ndarray]
    categories: dict[str, np.ndarray]
    profile_row: np.ndarray  # each audience profile's account row
    audiences: dict[str, AudienceShares] = field(default_factory=dict)
    # (sort, limit) → the head without filters (head_from_columns)
    unfiltered_heads: dict[tuple[str, int], list[tuple[int, int | None]]] = field(default_factory=dict)
    # Derived per columns (never changed after the build): the rows in each sort's order, and
    # the mask of each filter value asked for lately (`term_mask`), oldest dropped first.
    orders: dict[str, np.ndarray] = field(default_factory=dict)
    term_masks: dict[tuple[Any, ...], np.ndarray] = field(default_factory=dict)
    term_lock: threading.Lock = field(default_factory=threading.Lock)
    # Page rows read at this version (creator_rows), kept while the columns are current.
    kept_rows: KeptRows = field(default_factory=lambda: KeptRows(KEPT_ROWS))

    @cached_property
    def by_creator(self) -> np.ndarray:
        """The rows by creator, then most followers, then account id: representatives come first."""
        return np.lexsort((self.account_id, -self.followers, self.creator_id))

    @cached_property
    def position(self) -> np.ndarray:
        """Each row's place in `by_creator`."""
        position = np.empty(len(self), dtype=np.int32)
        position[self.by_creator] = np.arange(len(self), dtype=np.int32)
        return position

    @cached_property
    def rank_in_creator(self) -> np.ndarray:
        """How many of its creator's rows come before a row in `by_creator` (0: the row with the
        most followers)."""
        creators = self.creator_id[self.by_creator]
        places = np.arange(len(self), dtype=np.int64)
        starts = np.ones(len(self), dtype=bool)
        starts[1:] = creators[1:] != creators[:-1]
        rank = np.empty(len(self), dtype=np.int32)
        rank[self.by_creator] = places - np.maximum.accumulate(np.where(starts, places, 0))
        return rank

    def order(self, sort: str) -> np.ndarray:
        """Every row in the order of `sort` (unknown values last, then by creator id): a
        creator's representative row takes the creator's place in the discovery order."""
        found = self.orders.get(sort)
        if found is None:
            key, unknown = _sort_key(self, sort, slice(None))
            found = self.orders[sort] = np.lexsort((self.creator_id, key, unknown)).astype(np.int32)
        return found

    def prepare(self) -> None:
        """Derive what requests read (in the background build, not in the first requests)."""
        self.position  # noqa: B018
        self.rank_in_creator  # noqa: B018
        for sort in COLUMN_SORTS:
            self.order(sort)

    def term_mask(self, key: tuple[Any, ...], compute: Callable[[], np.ndarray]) -> np.ndarray:
        """The mask of one filter value (`key`), computed once while it is asked for. Read only."""
        found = self.term_masks.get(key)
        if found is not None:
            return found
        found = compute()
        found.flags.writeable = False
        with self.term_lock:
            self.term_masks[key] = found
            while len(self.term_masks) > 1 and len(self.term_masks) * len(self) > TERM_MASK_BYTES:
                del self.term_masks[next(iter(self.term_masks))]
        return found

    def __len__(self) -> int:
        return len(self.account_id)


def columns_enabled() -> bool:
    return bool(getattr(settings, "DISCOVERY_COLUMNS", False))


def discovery_head(filters: Mapping[str, Any], *, limit: int) -> list[tuple[int, int | None]] | None:
    """The first `limit` (creator id, representative account id) of the discovery for these
    cleaned `CreatorFilterSet` filters, as `creator_head` gives them; None when the columns
    cannot answer (module docstring)."""
    answer = discovery_answer(filters, limit=limit)
    return None if answer is None else answer[0]


def discovery_answer(filters: Mapping[str, Any], *, limit: int) -> tuple[list[tuple[int, int | None]], KeptRows] | None:
    """`discovery_head`, with the rows kept for the columns' data version (for `creator_rows`)."""
    given = {name for name, value in filters.items() if value not in (None, "", [], ())}
    sort = filters.get("sort") or DEFAULT_SORT
    if not given <= ANSWERED or sort not in COLUMN_SORTS:
        return None
    if sort in CREATOR_FIELD_SORTS and not given & ACCOUNT_FILTERS:
        return None  # every creator, accounts or not: the creators' own index answers that at once
    columns = current_columns()
    if columns is None:
        return None
    return head_from_columns(columns, filters, sort=sort, limit=limit, today=timezone.localdate()), columns.kept_rows


def kept_creator_rows() -> KeptRows | None:
    """The creator rows kept for the catalogue as it is now (for `creator_rows`: pages listing
    creators found another way, a brand's ranking), or None when the columns are not loaded."""
    columns = current_columns()
    return None if columns is None else columns.kept_rows


def discovery_page_queryset(queryset: QuerySet[Creator], filters: Mapping[str, Any]) -> QuerySet[Creator]:
    """`queryset` (the `creator_list` of these cleaned filters) narrowed to its first COUNT_CAP + 1
    creators when the columns can answer: a count-capped paginator over it (the web UI's
    discovery page) then reads those creators by primary key instead of running the discovery
    query for its count and again for its page. The rows, their order and representative accounts
    are the query's own, only over fewer creators."""
    head = discovery_head(filters, limit=COUNT_CAP + 1)
    if head is None:
        return queryset
    return queryset.filter(pk__in=[creator_id for creator_id, _ in head])


def head_from_columns(
    columns: DiscoveryColumns, filters: Mapping[str, Any], *, sort: str, limit: int, today: dt.date
) -> list[tuple[int, int | None]]:
    """The discovery head over `columns` (the semantics of `creator_search_queryset` and the
    filters of `CreatorFilterSet`)."""
    mask = _filter_mask(columns, filters, today)
    if mask is None:
        # No filter: the head depends on the sort alone, and the columns never change, so it is
        # found once per sort.
        head = columns.unfiltered_heads.get((sort, limit))
        if head is None:
            everything = np.ones(len(columns), dtype=bool)
            head = columns.unfiltered_heads[(sort, limit)] = _scan_head(
                columns, everything, sort=sort, window=(0, len(columns)), matching=len(columns), limit=limit
            )
        return list(head)
    matching = int(np.count_nonzero(mask))
    if not matching:
        return []
    window = _window(columns, filters, sort)
    if _scan_pays(matching, window, limit):
        return _scan_head(columns, mask, sort=sort, window=window, matching=matching, limit=limit)
    rows = np.flatnonzero(mask)
    return _ordered_head(columns, rows[_representing(columns, rows, mask)], sort=sort, limit=limit)


def _scan_pays(matching: int, window: tuple[int, int], limit: int) -> bool:
    """Whether walking the sort order beats ordering every matching row: the walk reads about
    limit × window ÷ matching rows (a gather each, several times cheaper than ordering one), the
    other way orders all `matching`. A very selective filter (or one whose rows the order puts
    last) is ordered directly: walking would read most of a million rows for a few matches."""
    lo, hi = window
    return limit * (hi - lo) <= SCAN_ADVANTAGE * matching * matching


def _scan_head(
    columns: DiscoveryColumns,
    mask: np.ndarray,
    *,
    sort: str,
    window: tuple[int, int],
    matching: int,
    limit: int,
) -> list[tuple[int, int | None]]:
    """The first `limit` creators along the precomputed order of `sort` (rows `window` of it),
    walked in growing chunks: the representatives among each chunk's matching rows, in order,
    until `limit` are found. Ordering every matching row of a million (argsort, partition) cost
    15-20 ms per request; the walk reads a few thousand rows for most filters."""
    order = columns.order(sort)
    lo, hi = window
    step = _first_chunk(limit, hi - lo, matching)
    found: list[np.ndarray] = []
    total = 0
    while lo < hi and total < limit:
        rows = order[lo : min(lo + step, hi)]
        rows = rows[mask[rows]]
        rows = rows[_representing(columns, rows, mask)]
        found.append(rows)
        total += len(rows)
        lo += step
        step *= 2
    chosen = np.concatenate(found)[:limit] if found else np.zeros(0, dtype=np.int64)
    return list(zip(columns.creator_id[chosen].tolist(), columns.account_id[chosen].tolist(), strict=True))


def _first_chunk(limit: int, span: int, matching: int) -> int:
    """Rows to read first: enough for `limit` at the window's density of matches (a creator's
    other matching accounts are no representatives: the 1.25); each next chunk is twice as big."""
    return max(SCAN_FIRST_CHUNK, math.ceil(limit * span / max(matching, 1) * 1.25))


def _representing(columns: DiscoveryColumns, rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Which of these matching rows are their creator's representative among the rows of `mask`:
    no matching row of the same creator comes before it in `DiscoveryColumns.by_creator` (more
    followers, then a smaller account id). A creator has a few accounts, so each row is checked
    against the rows just before it there, one step back at a time."""
    representing = np.ones(len(rows), dtype=bool)
    rank = columns.rank_in_creator[rows]
    pending = np.flatnonzero(rank > 0)  # a creator's first row (most followers) always represents
    if not len(pending):
        return representing
    position = columns.position[rows[pending]].astype(np.int64)
    rank = rank[pending]
    back = 1
    while len(pending):
        beaten = mask[columns.by_creator[position - back]]
        representing[pending[beaten]] = False
        going_on = ~beaten & (rank > back)
        pending, position, rank = pending[going_on], position[going_on], rank[going_on]
        back += 1
    return representing


# The sort's own column: a bound on it cuts the walk to the rows of the order inside the bounds.
_WINDOW_BOUNDS = {
    "metrics__followers": ("min_followers", "max_followers"),
    "metrics__engagement_rate": ("min_engagement_rate", "max_engagement_rate"),
    "metrics__growth_30d": ("min_growth_30d", "max_growth_30d"),
}


def _window(columns: DiscoveryColumns, filters: Mapping[str, Any], sort: str) -> tuple[int, int]:
    """The rows of the order of `sort` that a bound on the sort's own column leaves (a follower
    band sorted by followers, the default): the order holds the known values sorted, unknown
    ones last, so the bounds cut it in two binary searches instead of being read past."""
    path, descending = CREATOR_SORTS[sort]
    window = (0, len(columns))
    names = _WINDOW_BOUNDS.get(path)
    if names is None:
        return window
    low, high = (_bound(name, filters.get(name)) for name in names)
    if low is None and high is None:
        return window
    order = columns.order(sort)
    column = _sort_source(columns, path)

    def first(beyond: Any) -> int:  # the first position along the order where `beyond` holds
        lo, hi = 0, len(order)
        while lo < hi:
            mid = (lo + hi) // 2
            if beyond(float(column[order[mid]])):
                hi = mid
            else:
                lo = mid + 1
        return lo

    # Each test is False on the rows before the cut and True from it on (unknown values, last,
    # compare False, so `not` makes them True).
    start, end = window
    if descending:
        if high is not None:
            start = first(lambda v: not v > high)
        if low is not None:
            end = first(lambda v: not v >= low)
    else:
        if low is not None:
            start = first(lambda v: not v < low)
        if high is not None:
            end = first(lambda v: not v <= high)
    return start, max(start, end)


def _ordered_head(
    columns: DiscoveryColumns, reps: np.ndarray, *, sort: str, limit: int
) -> list[tuple[int, int | None]]:
    """The first `limit` of these representative rows in the order of `sort`, as (creator id,
    account id)."""
    if not len(reps):
        return []
    key, unknown = _sort_key(columns, sort, reps)
    if len(reps) > limit:  # only the rows up to the limit-th key (ties included) need ordering
        kept = key <= np.partition(key, limit - 1)[limit - 1]
        reps, key, unknown = reps[kept], key[kept], unknown[kept]
    order = np.lexsort((columns.creator_id[reps], key, unknown))[:limit]
    chosen = reps[order]
    return list(zip(columns.creator_id[chosen].tolist(), columns.account_id[chosen].tolist(), strict=True))


def _sort_key(columns: DiscoveryColumns, sort: str, rows: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
    """(key, unknown) of these rows for `sort`: ordering by (unknown, key, creator id) is the
    query's order (unknown values last, in either direction)."""
    path, descending = CREATOR_SORTS[sort]
    values = _sort_source(columns, path)[rows].astype(np.float64)
    unknown = np.isnan(values)
    return np.where(unknown, np.inf, -values if descending else values), unknown


def _sort_source(columns: DiscoveryColumns, path: str) -> np.ndarray:
    return {
        "metrics__followers": columns.followers,
        "metrics__engagement_rate": columns.engagement_rate,
        "metrics__growth_30d": columns.growth_30d,
        "metrics__fake_risk": columns.worst_risk,  # risk sorts are creator-level (creators.py)
        "created_at": columns.created_at,
        "display_name": columns.name_rank,
    }[path]


def _among(column: np.ndarray, codes: Iterable[int]) -> np.ndarray:
    """`np.isin(column, codes)` for the few codes a filter names: one comparison per code is
    several times faster than isin's general method over 100k+ rows (a request's CPU counts)."""
    found = np.zeros(len(column), dtype=bool)
    for code in codes:
        found |= column == code
    return found


def _bound(name: str, value: Any) -> float | None:
    """A numeric filter's bound as the query compares it: followers as an integer, rates as
    floats."""
    if value is None:
        return None
    return float(int(value)) if "followers" in name else float(value)


Term = tuple[tuple[Any, ...], Callable[[], np.ndarray]]


def _filter_mask(columns: DiscoveryColumns, filters: Mapping[str, Any], today: dt.date) -> np.ndarray | None:
    """The rows passing every filter (None without a filter: every row). Each filter's own mask
    is kept per columns (`DiscoveryColumns.term_mask`): marketers repeat filter values
    (a platform, a country, a category), and at 1M accounts an audience mask alone is
    milliseconds; combining kept masks is a few AND passes."""
    mask: np.ndarray | None = None
    for key, compute in _terms(columns, filters, today):
        term = columns.term_mask(key, compute)
        mask = term if mask is None else mask & term
    return mask


def _terms(columns: DiscoveryColumns, filters: Mapping[str, Any], today: dt.date) -> Iterable[Term]:
    """(cache key, mask) of each given filter, account-level then creator-level."""
    platforms = filters.get("platform")
    if platforms:
        wanted = set(platforms)
        codes = tuple(i for i, name in enumerate(columns.platforms) if name in wanted)
        yield ("platform", codes), lambda: _among(columns.platform, codes)
    for name, column, above in (
        ("min_followers", columns.followers, True),
        ("max_followers", columns.followers, False),
        ("min_engagement_rate", columns.engagement_rate, True),
        ("max_engagement_rate", columns.engagement_rate, False),
        ("min_growth_30d", columns.growth_30d, True),
        ("max_growth_30d", columns.growth_30d, False),
    ):
        bound = _bound(name, filters.get(name))
        if bound is not None:
            yield (name, bound), partial(_compared, column, bound, above)
    verified = filters.get("verified")
    if verified is not None:
        wanted_verified = 1 if verified else 0
        yield ("verified", wanted_verified), lambda: columns.verified == wanted_verified
    stale = filters.get("stale")
    if stale is not None:
        cutoff = stale_cutoff(today, stale_after_days()).toordinal()
        # NO_DATE is below every cutoff: undated is stale
        yield (
            ("stale", bool(stale), cutoff),
            lambda: (columns.data_as_of < cutoff) if stale else (columns.data_as_of >= cutoff),
        )
    max_age = filters.get("max_data_age_days")
    if max_age is not None:
        oldest = stale_cutoff(today, int(max_age)).toordinal()
        yield ("max_data_age_days", oldest), lambda: columns.data_as_of >= oldest
    for name, (dimension, minimum_name, case) in AUDIENCE_FILTERS.items():
        keys = audience_codes(filters.get(name), case) if case else list(dict.fromkeys(filters.get(name) or []))
        if keys:
            minimum = float(filters.get(minimum_name) or 0)
            yield (
                ("audience", dimension, tuple(keys), minimum),
                partial(_audience_mask, columns, dimension, keys, minimum),
            )
    countries = {str(v).strip().upper() for v in filters.get("country") or [] if str(v).strip()}
    if countries:
        country_codes = tuple(i for i, c in enumerate(columns.countries) if c in countries)
        yield ("country", country_codes), lambda: _among(columns.country, country_codes)
    for name, index in (("language", columns.languages), ("category", columns.categories)):
        value = (filters.get(name) or "").strip()
        if not value:
            continue
        if name == "category":  # by code or by its label in either language, as the filter does
            value = code_for(value)
        item = value.lower()
        yield (name, item), partial(_holding, columns, index.get(item))
    has_email = filters.get("has_contact_email")
    if has_email is not None:
        yield ("has_contact_email", bool(has_email)), lambda: columns.has_email if has_email else ~columns.has_email
    levels = filters.get("risk_level")
    if levels:
        level_codes = tuple(
            i for i, lv in enumerate(columns.levels) if lv in (*VERDICT_LEVELS, INSUFFICIENT) and lv in levels
        )
        yield ("risk_level", level_codes), lambda: _among(columns.worst_level, level_codes)
    max_risk = filters.get("max_fake_risk")
    if max_risk is not None:
        yield ("max_fake_risk", float(max_risk)), lambda: _at_most_risk(columns, float(max_risk))


def _compared(column: np.ndarray, bound: float, above: bool) -> np.ndarray:
    with np.errstate(invalid="ignore"):  # unknown (NaN) never passes
        return column >= bound if above else column <= bound


def _holding(columns: DiscoveryColumns, rows: np.ndarray | None) -> np.ndarray:
    holding = np.zeros(len(columns), dtype=bool)
    if rows is not None:
        holding[rows] = True
    return holding


def _at_most_risk(columns: DiscoveryColumns, max_risk: float) -> np.ndarray:
    verdict = _among(columns.worst_level, [i for i, lv in enumerate(columns.levels) if lv in VERDICT_LEVELS])
    with np.errstate(invalid="ignore"):
        return verdict & (np.isnan(columns.worst_risk) | (columns.worst_risk <= max_risk))


def _audience_mask(columns: DiscoveryColumns, dimension: str, keys: list[str], minimum: float) -> np.ndarray:
    """Accounts with a profile giving the union of `keys` a share ≥ `minimum` (> 0 without one)."""
    shares = columns.audiences[dimension]
    wanted = [shares.keys[k] for k in keys if k in shares.keys]
    passing = np.zeros(len(columns), dtype=bool)
    if not wanted:
        return passing
    if len(wanted) == 1:  # a profile holds a key once: its share is the union
        passing[shares.rows_reaching(wanted[0], minimum)] = True
        return passing
    profiles, weights = shares.entries_of(wanted)
    # The shares add up key by key in the order asked, as the query's sum does.
    union = np.bincount(profiles, weights=weights, minlength=len(columns.profile_row))
    held = np.zeros(len(columns.profile_row), dtype=bool)
    held[profiles] = True
    with np.errstate(invalid="ignore"):
        ok = held & ((union >= minimum) if minimum > 0 else (union > 0))
    rows = columns.profile_row[ok]
    passing[rows[rows >= 0]] = True
    return passing


# --- building and serving -----------------------------------------------------------------------


class _Codes:
    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.codes)
        return found

    @property
    def names(self) -> list[str]:
        return list(self.codes)


def _json_text(queryset: Any, fields: list[str], json_fields: Iterable[str]) -> Any:
    """values_list of `fields` with the JSON ones read as text (parsed with orjson by the caller:
    Django's JSON decoding per value costs more than the rest of a build)."""
    aliases = {name: f"{name}_as_text" for name in json_fields}
    annotated = queryset.annotate(**{alias: Cast(name, TextField()) for name, alias in aliases.items()})
    return annotated.values_list(*[aliases.get(name, name) for name in fields]).iterator(chunk_size=STREAM_ROWS)


def _list_items(text: str | None) -> set[str]:
    if not text:
        return set()
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return set()
    return {item.lower() for item in value if isinstance(item, str)} if isinstance(value, list) else set()


def build_columns(version: str) -> DiscoveryColumns:
    """Read the catalogue into columns labelled `version` (read by the caller before this). Rows
    are streamed into typed arrays (8 bytes a value, not a Python object each): at 1.1M accounts
    lists of tuples peaked at 2.1 GB per building process."""
    platforms, countries, levels = _Codes(), _Codes(), _Codes()
    account_ids, creator_ids = typed_array("q"), typed_array("q")
    platform, verified, as_of = typed_array("h"), typed_array("b"), typed_array("i")
    followers, er, growth = typed_array("d"), typed_array("d"), typed_array("d")
    accounts = Account.objects.filter(metrics__isnull=False).order_by("pk")
    for pk, creator_id, platform_name, is_verified, n, rate, grow, date in accounts.values_list(
        "pk",
        "creator_id",
        "platform",
        "is_verified",
        "metrics__followers",
        "metrics__engagement_rate",
        "metrics__growth_30d",
        "metrics__data_as_of",
    ).iterator(chunk_size=STREAM_ROWS):
        account_ids.append(pk)
        creator_ids.append(creator_id)
        platform.append(platforms.code(platform_name))
        followers.append(n)
        er.append(math.nan if rate is None else rate)
        growth.append(math.nan if grow is None else grow)
        verified.append(-1 if is_verified is None else int(is_verified))
        as_of.append(NO_DATE if date is None else date.toordinal())
    account_column = _array(account_ids, np.int64)
    creator_column = _array(creator_ids, np.int64)

    # Creator-level values by creator (ordered by id), then repeated on each creator's rows.
    c_ids, c_country, c_email = typed_array("q"), typed_array("i"), typed_array("b")
    c_risk, c_level, c_created = typed_array("d"), typed_array("h"), typed_array("d")
    language_holders: dict[str, typed_array] = {}
    category_holders: dict[str, typed_array] = {}
    for creator_position, (pk, country, langs, cats, email, risk, level, created) in enumerate(
        _json_text(
            Creator.objects.order_by("pk"),
            [
                "pk",
                "country",
                "languages",
                "categories",
                "contact_email",
                "worst_fake_risk",
                "worst_risk_level",
                "created_at",
            ],
            ["languages", "categories"],
        )
    ):
        c_ids.append(pk)
        c_country.append(countries.code(country or ""))
        c_email.append(bool(email))
        c_risk.append(math.nan if risk is None else risk)
        c_level.append(levels.code(level or ""))
        c_created.append(created.timestamp())
        for item in _list_items(langs):
            language_holders.setdefault(item, typed_array("q")).append(creator_position)
        for item in _list_items(cats):
            category_holders.setdefault(item, typed_array("q")).append(creator_position)
    creator_ids_sorted = _array(c_ids, np.int64)
    position = np.searchsorted(creator_ids_sorted, creator_column)
    position = np.minimum(position, max(len(creator_ids_sorted) - 1, 0))
    # A creator deleted between the two reads: its rows get empty values (this version is out of
    # date already, the deletion changed it).
    known = (creator_ids_sorted[position] == creator_column) if len(creator_ids_sorted) else np.zeros(0, dtype=bool)

    def per_row(values: typed_array, dtype: Any, missing: Any) -> np.ndarray:
        by_creator = _array(values, dtype)
        return np.where(known, by_creator[position], missing).astype(dtype) if len(by_creator) else by_creator

    def rows_holding(holders: dict[str, typed_array]) -> dict[str, np.ndarray]:
        return {
            item: np.flatnonzero(known & np.isin(position, _array(positions, np.int64)))
            for item, positions in holders.items()
        }

    audiences, profile_row = _audience_shares(account_column)
    return DiscoveryColumns(
        version=version,
        account_id=account_column,
        creator_id=creator_column,
        platform=_array(platform, np.int16),
        platforms=platforms.names,
        followers=_array(followers, np.float64),
        engagement_rate=_array(er, np.float64),
        growth_30d=_array(growth, np.float64),
        verified=_array(verified, np.int8),
        data_as_of=_array(as_of, np.int32),
        country=per_row(c_country, np.int32, countries.code("")),
        countries=countries.names,
        has_email=per_row(c_email, np.int8, 0).astype(bool),
        worst_risk=per_row(c_risk, np.float64, np.nan),
        worst_level=per_row(c_level, np.int16, levels.code("")),
        levels=levels.names,
        created_at=per_row(c_created, np.float64, 0.0),
        name_rank=per_row(_name_ranks(creator_ids_sorted), np.int32, 0),
        languages=rows_holding(language_holders),
        categories=rows_holding(category_holders),
        profile_row=profile_row,
        audiences=audiences,
    )


def _name_ranks(creator_ids: np.ndarray) -> typed_array:
    """Each of these creators' (sorted ids) rank among the distinct display names in the
    database's order of the name sort (0 for a creator added since they were read)."""
    pks, ranks = typed_array("q"), typed_array("i")
    rank, previous = -1, None
    names = Creator.objects.order_by("display_name", "pk").values_list("pk", "display_name")
    for pk, name in names.iterator(chunk_size=STREAM_ROWS):
        if name != previous:
            rank, previous = rank + 1, name
        pks.append(pk)
        ranks.append(rank)
    by_creator = np.zeros(len(creator_ids), dtype=np.int32)
    read = _array(pks, np.int64)
    at = np.minimum(np.searchsorted(creator_ids, read), max(len(creator_ids) - 1, 0))
    found = creator_ids[at] == read if len(creator_ids) else np.zeros(0, dtype=bool)
    by_creator[at[found]] = _array(ranks, np.int32)[found]
    return typed_array("i", by_creator.tobytes())


def _array(values: typed_array, dtype: Any) -> np.ndarray:
    return np.frombuffer(values, dtype=values.typecode).astype(dtype) if len(values) else np.zeros(0, dtype=dtype)


def _audience_shares(account_column: np.ndarray) -> tuple[dict[str, AudienceShares], np.ndarray]:
    """Every audience profile of these accounts, per dimension the numeric shares it holds."""
    dimensions = [dim for dim, _, _ in AUDIENCE_FILTERS.values()]
    keys = {dim: _Codes() for dim in dimensions}
    entries = {dim: (typed_array("q"), typed_array("i"), typed_array("d")) for dim in dimensions}
    profile_accounts = typed_array("q")
    for account_id, *texts in _json_text(
        AudienceProfile.objects.filter(account__metrics__isnull=False).order_by("pk"),
        ["account_id", *dimensions],
        dimensions,
    ):
        profile = len(profile_accounts)
        profile_accounts.append(account_id)
        for dim, text in zip(dimensions, texts, strict=True):
            try:
                shares = orjson.loads(text) if text else {}
            except orjson.JSONDecodeError:
                continue
            if not isinstance(shares, dict):
                continue
            profiles, codes, values = entries[dim]
            for key, share in shares.items():
                # Only numbers take part in a share comparison (a JSON null or text never passes).
                if isinstance(share, (int, float)) and not isinstance(share, bool):
                    profiles.append(profile)
                    codes.append(keys[dim].code(key))
                    values.append(float(share))
    # Each profile's account row; a profile of an account given metrics after the accounts were
    # read keeps row -1 and passes no filter (that write changed the version anyway).
    of_account = _array(profile_accounts, np.int64)
    rows = np.searchsorted(account_column, of_account)
    found = rows < len(account_column)
    found[found] = account_column[rows[found]] == of_account[found]
    profile_row = np.where(found, rows, -1)
    audiences = {
        dim: AudienceShares(
            keys=keys[dim].codes,
            profile=_array(entries[dim][0], np.int32),
            key=_array(entries[dim][1], np.int32),
            share=_array(entries[dim][2], np.float64),
            row=profile_row[_array(entries[dim][0], np.int64)].astype(np.int32),
        )
        for dim in dimensions
    }
    return audiences, profile_row


_loaded: DiscoveryColumns | None = None
_lock = threading.Lock()
_building: str | None = None  # the version this process is building


def current_columns() -> DiscoveryColumns | None:
    """The columns of the catalogue as it is now, or None (off, the version cannot be read, or
    not built yet: then this process starts building them in the background)."""
    global _building
    if not columns_enabled():
        return None
    version = data_version("catalogue")
    if version is None:
        return None
    loaded = _loaded
    if loaded is not None and loaded.version == version:
        return loaded
    with _lock:
        if _building is not None:
            return None
        _building = version
    run_outside_request("discovery-columns", lambda: _build(version))  # inline where threads are off
    loaded = _loaded
    return loaded if loaded is not None and loaded.version == version else None


def _build(version: str) -> None:
    global _loaded, _building
    try:
        started = time.perf_counter()
        columns = build_columns(version)
        columns.prepare()
        with _lock:
            _loaded = columns
        logger.info("discovery columns: %d accounts in %.2f s", len(columns), time.perf_counter() - started)
    finally:
        with _lock:
            _building = None


def forget_columns() -> None:
    """Drop this process's columns (tests)."""
    global _loaded
    with _lock:
        _loaded = None
