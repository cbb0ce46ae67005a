"""Brand safety of a ranking: a brand's excluded keywords and topics, and its competitors'
sponsorships, found in the creators' recent posts (the database narrows with substring search,
the pure matcher `vetting.scoring.value_alignment` decides), as penalties per creator with the
hits as evidence.

Catalogue-wide (every creator: a ranking on the feature snapshot) the hits are kept beside the
snapshot, one file per brand rules and day (`stored_safety`), so the host's other processes map
them instead of searching; after a follow-up's incremental snapshot they are carried over from
the previous version for the creators not rewritten (`_carried_safety`); and the follow-up and a
midnight beat store them before anyone asks
(`warm_brand_safety`), as does a brand's rules edit for that brand (`warm_brand_safety_after_commit`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from django.conf import settings
from django.db import connections, transaction
from django.db.models import BooleanField, CharField, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from core.services.background import queue_after_commit
from core.services.collector import collector_paused
from influencers.follow_ups import AccountsChanged
from influencers.models import Post
from vetting.features.snapshot import (
    FeatureSnapshot,
    current_snapshot,
)
from vetting.features.stored_safety import FORMAT as STORED_SAFETY_FORMAT
from vetting.features.stored_safety import StoredSafety, carried_arrays, packed_arrays
from vetting.models import Brand
from vetting.scoring.value_alignment import (
    COMPETITOR_PENALTY,
    KEYWORD_PENALTY,
    MAX_PENALTY,
    SafetyHit,
    charged_penalties,
    safety_matches,
    topic_terms,
)

logger = logging.getLogger(__name__)

SAFETY_DAYS = 180  # "recent posts" for brand safety
SAFETY_MATCHER_VERSION = 1  # bump when the matcher's hits change: hits kept with the snapshot are then not read


class _PostDay(Func):
    """A post's day (YYYY-MM-DD) computed by the database exactly as `_date` computes it from the
    datetime Django reads (the date in the connection's time zone: UTC unless DATABASES sets
    one), so that brand safety reads a short string instead of parsing a timestamptz per post."""

    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char(({sql}) AT TIME ZONE %s, 'YYYY-MM-DD')", (*params, connection.timezone_name)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        # Django keeps a datetime on SQLite as text in the connection's time zone
        # ("YYYY-MM-DD HH:MM:SS[.ffffff]"): its day is the first ten characters.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"substr({sql}, 1, 10)", tuple(params)


# A pg_trgm index serves `UPPER(col) LIKE '%term%'` only when the term yields a trigram, that is
# a run of 3 letters or digits; for a shorter term (e.g. "赌博") the planner either scans every post
# or, worse, reads the whole index (1.2 s at 100k creators instead of 0.3).
_TRIGRAM = re.compile(r"[^\W_]{3}")
# The Han characters, as influencers migration 0015's `influencers_han_bigrams` has them (its regex ranges).
_HAN = r"[\u4e00-\u9fff\u3400-\u4dbf]"
_HAN_ONLY = re.compile(_HAN + "+")
_HAN_RUN = re.compile(_HAN + "{2,}")


def _indexable(term: str) -> bool:
    """Whether `icontains` of `term` can use the pg_trgm indexes of influencers migration 0014."""
    return bool(_TRIGRAM.search(term))


def _han_bigrams(term: str) -> list[str]:
    """The Han character bigrams of `term` as influencers migration 0015 indexes a caption's
    (every two adjacent Han characters), each once, in order: a caption containing the term
    contains each of them."""
    found = [run[i : i + 2] for run in _HAN_RUN.findall(term) for i in range(len(run) - 1)]
    return list(dict.fromkeys(found))


class _HanBigramsContain(Func):
    """`influencers_han_bigrams(caption) @> ARRAY[bigrams]` (PostgreSQL, influencers migration
    0015): true for the captions holding every one of these Han bigrams, served by that GIN
    index; a prefilter, the substring test stays beside it."""

    output_field = BooleanField()

    def __init__(self, expression: Any, bigrams: list[str]) -> None:
        super().__init__(expression)
        self.bigrams = bigrams

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        array = ", ".join(["%s"] * len(self.bigrams))
        return f"influencers_han_bigrams({sql}) @> ARRAY[{array}]::text[]", (*params, *self.bigrams)


def _scanned_contains(field_name: str, term: str) -> Q:
    """`field__icontains=term` as a PostgreSQL expression no trigram index is tried for
    (`strpos`: the same substring test as Django's `UPPER(col) LIKE UPPER('%term%')`, whose
    pattern is escaped to a literal). A term of Han characters only skips the UPPER of every
    caption (most of the scan's cost): UPPER maps no character to or from a Han one, so the
    upper-cased caption contains the term exactly where the caption does."""
    column = Cast(field_name, TextField())
    if _HAN_ONLY.fullmatch(term):
        return Q(GreaterThan(StrIndex(column, Value(term)), 0))
    return Q(GreaterThan(StrIndex(Upper(column), Upper(Value(term))), 0))


def _safety_query(creators: QuerySet[Any] | Collection[int] | None, brand: Brand) -> QuerySet[Any] | None:
    """The search of `_safety_posts` as a queryset of its rows' values (None: the brand has no
    exclusion or competitor): an OR of each term's substring search of the caption and each
    competitor's of a sponsored post's sponsor and caption. On PostgreSQL a term too short for
    a trigram is searched with `_scanned_contains` (an OR with such an arm scans the posts
    anyway; the planner otherwise read the whole caption index for it) and, when it has adjacent
    Han characters, the containment of their bigrams beside it (influencers migration 0015's index
    serves that: no scan), and a sponsored-only arm
    tests is_sponsored first, so that a scan upper-cases a caption once per term, not once more
    per competitor (the sponsored posts are one in ten). Two searches instead (the indexed arms
    through the indexes, a scan for the others) took as long at 100k creators and 25% longer at
    1M, where the planner scans for the indexed arms too (their heap recheck there costs more
    than the scan)."""
    terms = [str(k).strip() for k in brand.excluded_keywords or [] if str(k).strip()]
    for topic in brand.excluded_topics or []:
        terms.extend(topic_terms(str(topic)))
    rivals = [str(c).strip() for c in brand.competitors or [] if str(c).strip()]
    if not terms and not rivals:
        return None
    postgresql = connections[Post.objects.db].vendor == "postgresql"
    # Arms whose term has Han bigrams but no trigram go last: a bitmap scan's recheck tests the
    # arms in order, so only a post no other arm accepts computes its caption's bigrams.
    bigram_arms: list[Q] = []

    def contains(field_name: str, term: str, *, sponsored: bool = False) -> Q | None:
        if not postgresql or _indexable(term):
            arm = Q(**{f"{field_name}__icontains": term})
        else:
            arm = _scanned_contains(field_name, term)
            bigrams = _han_bigrams(term) if field_name == "caption" else []
            if bigrams:
                # The substring test first: in a scan's filter PostgreSQL tests an AND's parts
                # in order, so the bigrams are computed only for captions holding the term.
                arm &= Q(_HanBigramsContain("caption", bigrams))
                bigram_arms.append(Q(is_sponsored=True) & arm if sponsored else arm)
                return None
        return Q(is_sponsored=True) & arm if sponsored else arm

    arms = [contains("caption", term) for term in terms]
    for rival in rivals:
        arms.append(contains("sponsor", rival, sponsored=True))
        arms.append(contains("caption", rival, sponsored=True))
    query = Q()
    for arm in [*(a for a in arms if a is not None), *bigram_arms]:
        query |= arm
    since = timezone.now() - dt.timedelta(days=SAFETY_DAYS)
    posts = Post.objects.filter(posted_at__gte=since)
    if creators is not None:
        posts = posts.filter(account__creator_id__in=creators if isinstance(creators, QuerySet) else list(creators))
    posts = posts.annotate(day=_PostDay("posted_at"), hashtags_text=Cast("hashtags", TextField()))
    columns: tuple[str, ...] = ("id", "account_id", "account__creator_id", "day", "caption", "hashtags_text")
    columns = (*columns, "is_sponsored", "sponsor", "url")
    return posts.filter(query).order_by("account__creator_id", "-posted_at", "id").values_list(*columns)


def _safety_posts(creators: QuerySet[Any] | Collection[int] | None, brand: Brand) -> list[tuple[Any, ...]]:
    """Recent posts of these creators (a queryset of creator ids, the ids, or None: every
    creator) — on any of their accounts, as brand safety is about the creator — that may hit the
    brand's exclusions or be sponsored by a competitor (the database narrows with substring
    search of the caption and sponsor, the pure matcher decides), ordered by creator, newest
    first, as rows (post id, account id, creator id, day as `_date` gives it, caption, hashtags
    as JSON text, is_sponsored, sponsor, url); a post's place is its own URL when it
    was imported, else "", and its account. Read with a plain cursor: Django's row conversion,
    the timestamptz parsing and the JSON decoding of every row were most of the search's time."""
    posts = _safety_query(creators, brand)
    if posts is None:
        return []
    sql, params = posts.query.get_compiler(using=posts.db).as_sql()
    with _search_settings(posts.db) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The search's PostgreSQL settings, for its own transaction only. At 1M creators a common term
# ("gambling" in one caption in ten: 550k posts) made the caption bitmap lossy under the default
# 4 MB of work_mem, and the recheck of every row of a lossy page computed the Han bigrams of its
# caption: 7-9 s instead of 1.6 s; 32 MB keeps that bitmap exact (~41k pages) and the sort in
# memory. JIT compiled the query for ~1 s (its estimated cost is past jit_inline_above_cost) to
# save nothing on a query that runs once per brand and day.
SEARCH_SETTINGS = {"work_mem": "32MB", "jit": "off"}


@contextmanager
def _search_settings(using: str) -> Iterator[Any]:
    """A cursor for the search where SEARCH_SETTINGS hold on PostgreSQL (`set_config(…,
    is_local)`): outside a transaction the search gets its own, so they end with it; inside the
    caller's they last until that one ends (a savepoint would not end them: RELEASE keeps SET
    LOCAL) — planner and memory settings only. Other engines: a plain cursor."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        names = list(SEARCH_SETTINGS)
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [value for name in names for value in (name, SEARCH_SETTINGS[name])],
        )
        yield cursor


def _row_matches(rows: list[tuple[Any, ...]], brand: Brand) -> list[tuple[int, str, str, str]]:
    """`safety_matches` over `_safety_posts` rows: (row, kind, term, snippet) of every hit, in
    the rows' order. Hashtags are decoded only for the posts that have some."""
    loads = orjson.loads
    return safety_matches(
        ((row[4], loads(row[5]) if row[5] != "[]" else None, row[6], row[7]) for row in rows),
        excluded_keywords=brand.excluded_keywords or [],
        excluded_topics=brand.excluded_topics or [],
        competitors=brand.competitors or [],
    )


@dataclass
class Safety:
    """The brand-safety hits of recent posts by creator id, where each post is (at least each
    post with a hit: a page links those), and the penalties: the charged creators (ascending)
    and each one's penalty (its hits', capped at MAX_PENALTY), as the search summed them."""

    hits_by_creator: Mapping[int, list[SafetyHit]]
    post_places: Mapping[int, dict[str, Any]]
    penalties: tuple[np.ndarray, np.ndarray]

    def penalties_of(self, creator: np.ndarray) -> np.ndarray:
        """The penalty of each of `creator` (creator ids; 0 for a creator without hits)."""
        penalty = np.zeros(len(creator))
        if self.hits_by_creator:
            charged, amounts = self.penalties
            at = np.minimum(np.searchsorted(charged, creator), len(charged) - 1)
            hit = charged[at] == creator
            penalty[hit] = amounts[at[hit]]
        return penalty

    def snapshot_penalties(self, snapshot: FeatureSnapshot) -> np.ndarray:
        """`penalties_of` every account of the snapshot this Safety was memoised with, computed
        once (a search of 100k creators costs ~2 ms): rankings take their rows' penalties."""
        found = self.__dict__.get("_snapshot_penalties")
        if found is None:
            found = self.penalties_of(snapshot["creator_id"])
            found.setflags(write=False)
            self.__dict__["_snapshot_penalties"] = found
        return found


def brand_safety(creators: QuerySet[Any] | Collection[int] | None, brand: Brand) -> Safety:
    """The brand's hits in the recent posts of these creators (None: every creator) and the
    places of the posts with hits: the search whose arrays are stored beside the snapshot
    (`_safety_search`), read as those are (`_safety_from_payload`), so every path groups the
    matcher's hits one way."""
    return _safety_from_payload(_safety_search(brand, creators))


def _safety_search(brand: Brand, creators: QuerySet[Any] | Collection[int] | None = None) -> dict[str, np.ndarray]:
    """The brand's Safety (catalogue-wide, or of these creators) as the arrays stored beside the
    snapshot (`packed_arrays`), made straight from the matcher's hits (no SafetyHit, no dict per
    post: the rows are ordered by creator, so each creator's hits are consecutive)."""
    with collector_paused():
        return _searched_arrays(brand, creators)


def _searched_arrays(brand: Brand, creators: QuerySet[Any] | Collection[int] | None = None) -> dict[str, np.ndarray]:
    """`_safety_search`, the collector left as it is. The matcher's hits are charged and grouped
    by column, not hit by hit: each row is its own post, so `charged_penalties` takes the rows'
    positions as the posts' keys; the rows are ordered by creator, so a creator's hits (and
    its posts' places) are one run of consecutive ones. Hits and places are tuples (orjson
    writes a tuple as it writes a list)."""
    rows = _safety_posts(creators, brand)
    found = _row_matches(rows, brand)
    if not found:
        return packed_arrays(np.zeros(0, dtype=np.int64), np.zeros(0), [])
    at, kinds, terms, snippets = zip(*found, strict=True)
    hit_rows = [rows[i] for i in at]
    row_of = np.array(at, dtype=np.int64)
    penalties = charged_penalties(row_of, np.array([kind == "competitor_sponsored" for kind in kinds], dtype=bool))
    penalty_list = penalties.tolist()
    hits = list(
        zip(
            kinds,
            terms,
            [row[0] for row in hit_rows],
            [row[3] for row in hit_rows],
            snippets,
            penalty_list,
            strict=True,
        )
    )
    creator = np.array([row[2] for row in hit_rows], dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, creator[1:] != creator[:-1]])  # each charged creator's first hit
    ends = np.r_[starts[1:], len(found)]
    new_row = np.r_[True, row_of[1:] != row_of[:-1]]  # a post's hits are consecutive
    places = [(row[0], row[8] or "", row[1]) for row in (rows[i] for i in row_of[new_row].tolist())]
    place_starts = np.cumsum(np.r_[0, new_row])[starts]  # places before each creator's first hit
    place_ends = np.r_[place_starts[1:], len(places)]
    segments: list[Any] = [  # (hits, places) per creator, as tuples: packed_arrays dumps them as lists
        (hits[s:e], places[ps:pe])
        for s, e, ps, pe in zip(starts.tolist(), ends.tolist(), place_starts.tolist(), place_ends.tolist(), strict=True)
    ]
    # A creator's penalty sums its hits' in order, as `sum` did (one hit: the hit's own).
    amounts = penalties[starts]
    for k in np.flatnonzero(ends - starts > 1).tolist():
        amounts[k] = sum(penalty_list[starts[k] : ends[k]])
    return packed_arrays(creator[starts], np.minimum(MAX_PENALTY, amounts), segments)


def safety_key(rules: tuple[tuple[Any, ...], ...], today: dt.date) -> list[Any]:
    """What a catalogue-wide `brand_safety` depends on besides the catalogue (the snapshot's
    version): the brand's rules, the day, the recent-post window, the matcher
    (SAFETY_MATCHER_VERSION) and its penalties, and the file's layout."""
    return [
        "brand safety",
        SAFETY_MATCHER_VERSION,
        STORED_SAFETY_FORMAT,
        json.loads(json.dumps(rules, default=str)),
        today.isoformat(),
        SAFETY_DAYS,
        KEYWORD_PENALTY,
        COMPETITOR_PENALTY,
    ]


def _safety_from_payload(arrays: Mapping[str, np.ndarray]) -> Safety:
    """The Safety of a search's arrays (`_safety_search`, stored or made now): the same penalties
    (the floats computed by the process that searched), the same hits in the same order; each
    creator's hits are decoded when a page first shows it, and `post_places` holds the posts with
    hits (those a page links)."""
    stored = StoredSafety(arrays)
    return Safety(stored.hits_by_creator, stored.post_places, (stored.charged, stored.amounts))


def _carried_safety(snapshot: FeatureSnapshot, brand: Brand, key: list[Any]) -> dict[str, np.ndarray] | None:
    """The brand's stored Safety for a snapshot made from an older one by rewriting some
    creators' rows (an import's or refresh's follow-up), from the older one's stored Safety: its
    other creators' hits carried over, the rewritten creators' posts searched again (a search of
    a few creators instead of the catalogue's recent posts). None without such a base or when the
    base holds no Safety under `key` (the same rules and day): then the catalogue is searched.
    The posts of a creator no account of which was rewritten are the base's, as the snapshot's
    own rows are (`incremental_snapshot`: what the follow-ups announced, and what Django saved
    since the base was read)."""
    base = snapshot.base_stored_arrays(key)
    if base is None:
        return None
    rewritten = np.array(snapshot.meta["rewrote_creators"], dtype=np.int64)
    if not len(rewritten):
        return carried_arrays(base, rewritten, packed_arrays(rewritten, np.zeros(0), []))
    with collector_paused():
        return carried_arrays(base, rewritten, _searched_arrays(brand, rewritten.tolist()))


def stored_safety(
    snapshot: FeatureSnapshot, brand: Brand, rules: tuple[tuple[Any, ...], ...], today: dt.date
) -> Safety:
    """The brand's catalogue-wide Safety for the snapshot's catalogue, searched by the host's
    first process to ask and mapped by the others from the snapshot's folder, with every
    account's penalty (`Safety.snapshot_penalties`: at 1M accounts looking each account's
    creator up among the charged costs ~25 ms per process and brand). The process that searched
    reads its arrays as the others do (a page decodes its creators' hits only)."""

    key = safety_key(rules, today)

    def compute() -> dict[str, np.ndarray]:
        arrays = _carried_safety(snapshot, brand, key)
        if arrays is None:
            arrays = _safety_search(brand)
        return {**arrays, "account_penalty": _safety_from_payload(arrays).snapshot_penalties(snapshot)}

    arrays = snapshot.stored_arrays(key, compute)
    safety = _safety_from_payload(arrays)
    safety.__dict__["_snapshot_penalties"] = arrays["account_penalty"]  # what snapshot_penalties keeps
    return safety


def safety_rules(brand: Brand) -> tuple[tuple[Any, ...], ...]:
    """What of the brand its brand safety depends on: its excluded keywords and topics, and its
    competitors (the stored hits' key, `safety_key`)."""
    return (
        tuple(brand.excluded_keywords or ()),
        tuple(brand.excluded_topics or ()),
        tuple(brand.competitors or ()),
    )


def warm_brand_safety(*, max_brands: int | None = None) -> int:
    """Search the recent posts for the exclusion rules of the brands (the most recently edited
    first, at most `max_brands`, default settings.SAFETY_WARM_MAX_BRANDS) and store the hits
    beside the current feature snapshot, as a brand's first ranking on the host would: run after
    a catalogue change (a follow-up) and after midnight (the hits' window moves with the day),
    so that no marketer's first ranking waits for the search. Returns how many brands with rules
    have their hits stored for today (searched now or before); 0 without a feature snapshot."""
    snapshot = current_snapshot(wait=True)
    if snapshot is None:
        return 0
    limit = settings.SAFETY_WARM_MAX_BRANDS if max_brands is None else max_brands
    today = timezone.localdate()
    ready = 0
    for brand in Brand.objects.order_by("-updated_at", "-pk").iterator():
        if ready >= limit:
            break
        rules = safety_rules(brand)
        if any(rules):
            stored_safety(snapshot, brand, rules, today)
            ready += 1
    return ready


def warm_brand_safety_of(brand_id: int) -> bool:
    """Search the recent posts for this brand's exclusion rules as they are now and store the hits
    for today beside the host's current feature snapshot, as its first ranking would (already
    stored: read, not searched again). Nothing when the brand is gone or has no rules, or no
    snapshot of the current catalogue is on the host (none is built for this: the next ranking
    starts that build, and so do the follow-ups). Returns whether the hits are stored."""
    brand = Brand.objects.filter(pk=brand_id).first()
    if brand is None:  # deleted before the task ran
        return False
    rules = safety_rules(brand)
    if not any(rules):
        return False
    snapshot = current_snapshot(build=False)
    if snapshot is None:
        return False
    stored_safety(snapshot, brand, rules, timezone.localdate())
    return True


def warm_brand_safety_after_commit(brand: Brand) -> None:
    """Once the transaction that gave the brand new rules commits, store its hits
    (`warm_brand_safety_of`): a Celery task, or without a worker a background thread, so the
    edit is not held up by the search (0.25-0.3 s at 100k creators, ~3 s at 1M) and the
    marketer's first ranking after it reads the hits instead of searching."""
    from vetting.tasks import warm_brand_safety_of_task

    brand_id = brand.pk
    queue_after_commit(
        "brand-safety", warm_brand_safety_of_task, brand_id, eager=lambda: warm_brand_safety_of(brand_id)
    )


def safety_after_change(change: AccountsChanged) -> str | None:
    """Catalogue follow-up, after the feature snapshot's: the brands' hits in the changed
    catalogue's recent posts, searched now (`warm_brand_safety`)."""
    if not change.recompute:
        return None
    ready = warm_brand_safety()
    return f"brand-safety hits of {ready} brand(s) ready" if ready else None
