"""Keyword search (discovery's `q=`) over the accounts' search text, answered by the database's
own index: SQLite's FTS5 with the trigram tokenizer, PostgreSQL's pg_trgm (migration 0010).

Matching is the same on both engines: an account matches when every word of the query occurs in
its search text (influencers.search_text; case-folded substring, so a partial handle or a Chinese
word inside a sentence is found), or when the query names a niche (`codes_matching`) its creator
is filed under. How each word is looked up:
- three or more characters: the trigram index (FTS5 MATCH of the phrase; LIKE over pg_trgm);
- a two-character Chinese word: the same index, through the space-padded bigrams of the text
  (" 夜市 " is four characters, see `cjk_bigrams`);
- anything shorter (one character, or two Latin ones): a scan of the search text, the one
  case no trigram index can serve (still one table, no joins).

Relevance is the same on both engines too, and can be said in one sentence: every word in the
names (handle, account or creator name) ranks first, every word in the bio and categories
next, the rest (posts, or words spread over several parts) last; ties keep the default order
(most followers first). It is computed only for the accounts that matched, from their own row.
A query of short words only (one character, two Latin letters: no index can say where they
are) is listed by followers instead (`keyword_ranks`).

Discovery's first page and capped count (`creator_head`: COUNT_CAP + 1 rows) never rank every
match: the tiers are read best first (`KeywordTiers`), each in the sort's order and only until
the head is full. A tier the index lists in few accounts is read from that list (SQLite: the
FTS5 table over names and bio alone, migration 0013; PostgreSQL: the GIN indexes over each
part); a larger one is walked by followers, each account's tier checked on its own row, which
stops after a page (`_KeywordTerm` in a clone made by `keyword_tier_queryset`). The full
queryset (exports, tests) still ranks every match, in the same order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Expression, F, IntegerField
from django.db.models.expressions import RawSQL

from influencers.search_text import CATEGORY_MARKER, is_cjk, query_words
from influencers.vocabulary import codes_matching

DOC_TABLE = "influencers_accountsearchtext"
FTS_TABLE = "influencers_accountsearch_fts"
# The same index over the names and the bio/categories only (migration 0013): the relevance tiers.
HEAD_FTS_TABLE = "influencers_accountsearch_head_fts"
# The whole text as PostgreSQL's trigram index (migration 0010) is built over: queries must
# repeat this expression exactly for the planner to use the index.
PG_TEXT = "(names || ' ' || about || ' ' || posts)"
_SCAN_TEXT = "(names || ' ' || about || ' ' || posts)"
# Relevance points of a part holding every word of the query.
NAMES_POINTS, ABOUT_POINTS = 2, 1


def _phrase(text: str) -> str:
    """`text` as one FTS5 phrase (a substring for the trigram tokenizer)."""
    return '"' + text.replace('"', '""') + '"'


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _indexed(word: str) -> str | None:
    """What the trigram index is asked for this word, or None when it cannot serve it."""
    if len(word) >= 3:
        return word
    if len(word) == 2 and is_cjk(word):
        return f" {word} "
    return None


def _markers(query: str) -> list[str]:
    # The marker is followed by a space in the text (search_text), so "sport" is not "sports".
    return [f"{CATEGORY_MARKER}{code} " for code in codes_matching(query)]


def fts_available() -> bool:
    """Whether this database has the FTS5 trigram table (SQLite built without FTS5, or older
    than 3.34, gets none from migration 0010: search then scans the text table)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (%s, %s)", [FTS_TABLE, HEAD_FTS_TABLE]
        )
        (tables,) = cursor.fetchone()
        return tables == 2


def keyword_match(query: str, *, distinct: bool = True) -> RawSQL:
    """SQL for the ids of the accounts matching `query` (use as `account_id__in=...`); with
    `distinct=False` an id may come twice (a word and a niche), but the index stops reading
    at a LIMIT instead of listing every match to remove repeats."""
    words = query_words(query)
    markers = _markers(query)
    if not words and not markers:
        return RawSQL(f"SELECT account_id FROM {DOC_TABLE} WHERE 1 = 0", [])
    if connection.vendor == "postgresql":
        return _pg_match(words, markers)
    return _sqlite_match(words, markers, fts=fts_available(), distinct=distinct)


def _pg_match(words: list[str], markers: list[str]) -> RawSQL:
    branches: list[str] = []
    params: list[Any] = []
    if words:
        branches.append("(" + " AND ".join(f"{PG_TEXT} LIKE %s" for _ in words) + ")")
        params += [_like(_indexed(w) or w) for w in words]
    for marker in markers:
        branches.append(f"{PG_TEXT} LIKE %s")
        params.append(_like(marker))
    return RawSQL(f"SELECT account_id FROM {DOC_TABLE} WHERE " + " OR ".join(branches), params)


def _sqlite_match(words: list[str], markers: list[str], *, fts: bool, distinct: bool = True) -> RawSQL:
    indexed = [_indexed(w) for w in words] if fts else [None] * len(words)
    phrases = [_phrase(i) for i in indexed if i is not None]
    scanned = [w for w, i in zip(words, indexed, strict=True) if i is None]
    selects: list[str] = []
    params: list[Any] = []
    if words:
        scan_sql = " AND ".join(f"instr({_SCAN_TEXT}, %s) > 0" for _ in scanned)
        if phrases:
            sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            params.append(" AND ".join(phrases))
            if scanned:
                sql += f" AND rowid IN (SELECT account_id FROM {DOC_TABLE} WHERE {scan_sql})"
        else:
            sql = f"SELECT account_id FROM {DOC_TABLE} WHERE {scan_sql}"
        params += scanned
        selects.append(sql)
    if markers and fts:
        selects.append(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s")
        params.append(" OR ".join(_phrase(m) for m in markers))
    elif markers:
        selects.append(
            f"SELECT account_id FROM {DOC_TABLE} WHERE " + " OR ".join("instr(about, %s) > 0" for _ in markers)
        )
        params += markers
    return RawSQL((" UNION " if distinct else " UNION ALL ").join(selects), params)


def _has(*, pg: bool, part: str) -> str:
    """SQL of "`part` contains the parameter", checked on a row: a plain substring search
    (strpos is a third faster than LIKE on PostgreSQL, and needs no escaping); the index is
    asked with LIKE / MATCH instead."""
    return f"strpos({part}, %s) > 0" if pg else f"instr({part}, %s) > 0"


def _points_sql(words: int, *, pg: bool) -> str:
    """An account's relevance points from its row `kw` (NAMES_POINTS when its names hold every
    word, plus ABOUT_POINTS when its bio does); the words are its parameters, twice."""
    has = _has(pg=pg, part="kw.{part}")

    def all_in(part: str) -> str:
        return " AND ".join(has.format(part=part) for _ in range(words))

    return (
        f"CASE WHEN {all_in('names')} THEN {NAMES_POINTS} ELSE 0 END"
        f" + CASE WHEN {all_in('about')} THEN {ABOUT_POINTS} ELSE 0 END"
    )


def _in_text(words: list[str], *, pg: bool) -> tuple[str, list[Any]]:
    """Every word somewhere in the search text row `kw`, part by part: the same as in the
    whole text (a word holds no space, the parts are joined by one), without building it."""
    has = _has(pg=pg, part="kw.{part}")
    one = "(" + " OR ".join(has.format(part=part) for part in ("names", "about", "posts")) + ")"
    params = [w for w in words for _ in range(3)]
    return "(" + " AND ".join(one for _ in words) + ")", params


class _OwnTextHas(Expression):
    """Whether the account whose id is `ref` matches, read from its own search text row: the
    form for correlated subqueries (discovery's "a better account of the same creator"), where
    an IN over the index would be evaluated again for every outer row."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, words: list[str], markers: list[str], ref: Any) -> None:
        super().__init__()
        self.words, self.markers, self.ref = words, markers, ref

    def get_source_expressions(self) -> list[Any]:
        return [self.ref]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.ref,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        ref_sql, ref_params = compiler.compile(self.ref)
        pg = connection.vendor == "postgresql"
        has = _has(pg=pg, part="{part}")

        branches, params = [], []
        if self.words:
            text_sql, text_params = _in_text(self.words, pg=pg)
            branches.append(text_sql)
            params += text_params
        for marker in self.markers:
            branches.append(has.format(part="kw.about"))
            params.append(marker)
        condition = " OR ".join(branches) or "1 = 0"
        sql = f"EXISTS (SELECT 1 FROM {DOC_TABLE} kw WHERE kw.account_id = {ref_sql} AND ({condition}))"
        return sql, (*ref_params, *params)


def keyword_own_text_has(query: str, account_id: str) -> Expression:
    """The condition "the account at `account_id` (a field path) matches `query`", checked on
    that account's row: the same answer as `account_id IN keyword_match(query)`."""
    return _OwnTextHas(query_words(query), _markers(query), F(account_id))


def _in_ids(ref_sql: str, ids: list[int], *, pg: bool) -> tuple[str, list[Any]]:
    """`ref_sql` is one of `ids`: one array parameter on PostgreSQL (thousands of parameters
    cost more to plan than to run), a list on SQLite."""
    if pg:
        return f"{ref_sql} = ANY(%s::bigint[])", [list(ids)]
    return f"{ref_sql} IN ({', '.join('%s' for _ in ids)})", list(ids)


# The attribute of a Query naming the relevance tier its outer keyword term stands for
# (`keyword_tier_queryset`): (rank, candidate ids or None). Set on one clone; the anti-join's
# subquery is another Query, so it keeps matching the keyword.
_TIER = "keyword_tier"


def _tier_sql(words: list[str], markers: list[str], rank: int, *, pg: bool) -> tuple[str, list[Any]]:
    """The condition, on the search text row `kw`, of holding `rank` for the query."""
    has = _has(pg=pg, part="kw.{part}")

    def all_in(part: str) -> tuple[str, list[Any]]:
        return "(" + " AND ".join(has.format(part=part) for _ in words) + ")", list(words)

    if not words:  # no word to rank by: every match holds rank 0
        if rank:
            return "1 = 0", []
        return "(" + " OR ".join(has.format(part="about") for _ in markers) + ")", list(markers)
    names_sql, names_params = all_in("names")
    about_sql, about_params = all_in("about")
    if rank == NAMES_POINTS + ABOUT_POINTS:
        return f"{names_sql} AND {about_sql}", names_params + about_params
    if rank == NAMES_POINTS:
        return f"{names_sql} AND NOT {about_sql}", names_params + about_params
    if rank == ABOUT_POINTS:
        return f"{about_sql} AND NOT {names_sql}", about_params + names_params
    text_sql, params = _in_text(words, pg=pg)
    branches = [text_sql]
    for marker in markers:
        branches.append(has.format(part="about"))
        params.append(marker)
    match = "(" + " OR ".join(branches) + ")"
    return f"{match} AND NOT {names_sql} AND NOT {about_sql}", params + names_params + about_params


class _KeywordTerm(Expression):
    """Discovery's outer keyword condition on the account at `ref`: "matches the query" (read
    from the index's list when few accounts match, else from the account's own row, so a walk
    by followers can stop after a page); in a clone made by `keyword_tier_queryset`, "holds this
    relevance rank" instead (in the given candidate ids, or checked on its own row)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, query: str, ref: Any) -> None:
        super().__init__()
        self.query, self.ref = query, ref

    def get_source_expressions(self) -> list[Any]:
        return [self.ref]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.ref,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        tier = getattr(compiler.query, _TIER, None)
        if tier is None:
            # Short words only: no index lists them, each account's row is read as it is walked.
            if not keyword_ranks(self.query) or keyword_is_common(self.query):
                return _OwnTextHas(query_words(self.query), _markers(self.query), self.ref).as_sql(compiler, connection)
            ref_sql, ref_params = compiler.compile(self.ref)
            match = keyword_match(self.query)
            return f"{ref_sql} IN ({match.sql})", (*ref_params, *match.params)
        rank, ids = tier
        ref_sql, ref_params = compiler.compile(self.ref)
        words, markers = query_words(self.query), _markers(self.query)
        sql, params = _tier_sql(words, markers, rank, pg=connection.vendor == "postgresql")
        check = f"EXISTS (SELECT 1 FROM {DOC_TABLE} kw WHERE kw.account_id = {ref_sql} AND {sql})"
        if ids is None:
            return check, (*ref_params, *params)
        listed, listed_params = _in_ids(ref_sql, ids, pg=connection.vendor == "postgresql")
        if rank or _exact(words):
            return listed, (*ref_params, *listed_params)  # the list is exactly the tier (KeywordTiers)
        return f"{listed} AND {check}", (*ref_params, *listed_params, *ref_params, *params)


def keyword_term(query: str, account_id: str) -> Expression:
    """Discovery's outer condition "the account at `account_id` (a field path) matches `query`"
    (`_KeywordTerm`); the same accounts as `account_id IN keyword_match(query)`."""
    return _KeywordTerm(query, F(account_id))


def keyword_tier_queryset(queryset: Any, rank: int, ids: list[int] | None) -> Any:
    """`queryset` (a discovery search with a `keyword_term`) narrowed to the accounts holding
    `rank`: those of `ids` (from `keyword_tier`) or, when None, those whose own text says so."""
    tier = queryset.all()
    setattr(tier.query, _TIER, (rank, ids))
    return tier


class _AccountRank(Expression):
    """The relevance of the account whose id is `ref`, read from its own search text."""

    output_field = IntegerField()

    def __init__(self, words: list[str], ref: Any, query: str = "") -> None:
        super().__init__()
        self.words, self.ref, self.query = words, ref, query

    def get_source_expressions(self) -> list[Any]:
        return [self.ref]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.ref,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        ref_sql, ref_params = compiler.compile(self.ref)
        if not self.words:
            return "0", ()
        word_params = list(self.words)
        points = _points_sql(len(self.words), pg=connection.vendor == "postgresql")
        sql = f"COALESCE((SELECT {points} FROM {DOC_TABLE} kw WHERE kw.account_id = {ref_sql}), 0)"
        return sql, (*word_params, *word_params, *ref_params)


def keyword_rank(query: str, account_id: str) -> Expression:
    """The relevance of the account at `account_id` (a field path) to `query` (module
    docstring): 2 when every word is in its names, +1 when every word is in its bio and
    categories, 0 otherwise."""
    return _AccountRank(query_words(query), F(account_id), query)


# Planner settings for the reads of a keyword head (PostgreSQL), set for them only.
_HEAD_SETTINGS = {
    # A few short reads, each stopping after a page: starting a parallel worker costs more than
    # it saves (2-core host under load, 100k creators: the commonest word 85 → 51 ms p50).
    "max_parallel_workers_per_gather": "0",
    # The lists and walks look rows up by key in cached tables: at the default 4 the planner
    # hash-joins a 1,400-id list against a scan of every account's metrics (elralo4: 92 → 71 ms).
    "random_page_cost": "1.1",
}


@contextmanager
def keyword_head_reads() -> Iterator[None]:
    """Around the reads of a keyword head: on PostgreSQL with `_HEAD_SETTINGS`, restored
    afterwards (also inside a caller's transaction)."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(_HEAD_SETTINGS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [p for name in names for p in (name, name, _HEAD_SETTINGS[name])],
        )
        before = cursor.fetchone()[::2]
        yield
        # (After an error the atomic block's rollback undoes the local settings by itself.)
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
            [p for name, value in zip(names, before, strict=True) for p in (name, value)],
        )


def keyword_rank_query(expression: Any) -> str | None:
    """The query of a `keyword_rank` expression (None for anything else): how discovery's head
    recognises a relevance-ordered keyword search (influencers.selectors.creators.creator_head)."""
    return expression.query if isinstance(expression, _AccountRank) else None


# Discovery's outer keyword term reads the index's list of matches when fewer than this many
# accounts match, else checks each account's own row as it walks them by followers.
COMMON_MATCHES = 3000
# The head's tiers (KeywordTiers) read at most this many ids from the index; a longer tier is
# walked. A shorter one is walked too when the walk is the cheaper: it finds `need` rows after
# ~need × accounts / len(tier) accounts, each costing WALK_COST of a listed one (measured at
# 100k creators: a listed account is read from the index, looked up, anti-joined and sorted, a
# walked one mostly just read; PostgreSQL also rechecks each listed row on the table, a random
# read, and the index's false positives with it), where the list costs len(tier).
WALK_THRESHOLD = 5000
WALK_COST = {"sqlite": 0.5, "postgresql": 0.25}
PG_ESTIMATE_MARGIN = 1.5


def _count_at_most(sql: str, params: list[Any], cap: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(cap)}) capped", params)
        (count,) = cursor.fetchone()
    return int(count)


def keyword_is_common(query: str) -> bool:
    """Whether at least COMMON_MATCHES accounts match `query` (the index stops counting there)."""
    match = keyword_match(query, distinct=False)
    matched = _count_at_most(f"SELECT * FROM ({match.sql}) matched", list(match.params), COMMON_MATCHES)
    return matched >= COMMON_MATCHES


# Relevance tiers, best first (module docstring): the rank an account holds in each.
RANKS = (NAMES_POINTS + ABOUT_POINTS, NAMES_POINTS, ABOUT_POINTS, 0)


def keyword_ranks(query: str) -> bool:
    """Whether discovery ranks `query` by relevance: when the index can list its best tiers (a
    word of three or more characters, or a two-character Chinese one). A query of short words
    only (one character, two Latin letters) is listed by followers: ranking it means reading
    every account's text (2 s at 100k creators), as no index can say where a character is."""
    words = query_words(query)
    return any(_indexed(w) is not None for w in words)


def _exact(words: list[str]) -> bool:
    """Whether the index alone decides the match (no word is scanned)."""
    return all(_indexed(w) is not None for w in words) and (connection.vendor == "postgresql" or fts_available())


def _pg_rows(sql: str, params: list[Any]) -> float:
    """PostgreSQL's estimate of the rows `sql` returns (from the statistics of the trigram
    indexes' expressions: close enough to choose between a list and a walk)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def _read_ids(sql: str, params: list[Any], *, bound: float | None = None) -> list[int] | None:
    """The ids `sql` lists, or None when there are WALK_THRESHOLD or more (read no further).
    PostgreSQL rechecks every row the trigram index proposes on the table (a random read each):
    when its estimate is above `bound` nothing is read."""
    limit = WALK_THRESHOLD
    if bound is not None:
        # The estimate spares reading a list that is too long (it can be off by 3×: elralo4's
        # rest, 4,435 estimated for 1,420); the read stops at the bound anyway.
        if connection.vendor == "postgresql" and _pg_rows(sql, params) > PG_ESTIMATE_MARGIN * bound:
            return None
        limit = min(limit, int(bound) + 1)  # a longer list would be walked anyway: stop there
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {int(limit)}", params)
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) < limit else None


class KeywordTiers:
    """The accounts holding each relevance rank for a query, read from the index once and only
    as far as discovery's head needs (`candidates`)."""

    def __init__(self, query: str) -> None:
        self.query, self.words, self.markers = query, query_words(query), _markers(query)
        self.pg = connection.vendor == "postgresql"
        self._best: dict[int, list[int]] | None = None
        self._best_read = False
        self._by_part: dict[int, list[int] | None] = {}
        self._total: int | None = None
        self._bound: float | None = None  # the longest list worth reading for this tier

    def candidates(self, rank: int, *, need: int) -> list[int] | None:
        """The ids of the accounts holding `rank` (for rank 0, a few more when a word is scanned:
        `_KeywordTerm` checks those rows), or None when the tier is better walked to find the
        first `need` rows (WALK_COST)."""
        cost = WALK_COST.get(connection.vendor, 0.5)
        self._bound = min(float(WALK_THRESHOLD), math.sqrt(cost * need * self._accounts()))
        ids = self._candidates(rank)
        if ids and len(ids) > self._bound:
            return None
        return ids

    def _accounts(self) -> int:
        """About how many accounts have a search text (the size of a walk)."""
        if self._total is None:
            with connection.cursor() as cursor:
                if self.pg:
                    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [DOC_TABLE])
                    row = cursor.fetchone()
                    estimate = int(row[0]) if row and row[0] and row[0] > 0 else 0
                    if not estimate:  # never analysed
                        cursor.execute(f"SELECT count(*) FROM {DOC_TABLE}")
                        estimate = int(cursor.fetchone()[0])
                else:  # ids are dense enough: the largest one, read from the primary key
                    cursor.execute(f"SELECT max(account_id) FROM {DOC_TABLE}")
                    estimate = int(cursor.fetchone()[0] or 0)
            self._total = estimate
        return self._total

    def _candidates(self, rank: int) -> list[int] | None:
        if not rank:
            return self._rest()
        best = self._best_tiers()
        if best is not None:
            return best.get(rank, [])
        if not self._usable():
            return None
        # Too many accounts have the words in their names or bio to rank them all: this tier
        # alone may still be few (every word in both parts, say).
        if rank in self._by_part:
            return self._by_part[rank]
        sql, params = self._tier_sql(rank)
        ids = _read_ids(sql, params, bound=self._bound)
        if ids is None:
            if rank == ABOUT_POINTS:
                return None
            # Many names hold the words: rank 2 is walked, but rank 3 (the words in both
            # parts) may still be few, and walking a sparse tier reads every account.
            self._by_part = {NAMES_POINTS: None}
            sql, params = self._tier_sql(rank, both=True)
            ids = _read_ids(sql, params, bound=self._bound)
            self._by_part[NAMES_POINTS + ABOUT_POINTS] = None if ids is None else self._ranked(ids).get(rank, [])
            return self._by_part[rank]
        ranked = self._ranked(ids)
        if rank != ABOUT_POINTS:  # the names' list holds both ranks with every word in them
            self._by_part = {r: ranked.get(r, []) for r in (NAMES_POINTS + ABOUT_POINTS, NAMES_POINTS)}
        return ranked.get(rank, [])

    def _indexed(self) -> list[str]:
        return [i for i in (_indexed(w) for w in self.words) if i is not None]

    def _usable(self) -> bool:
        return bool(self.words) and bool(self._indexed()) and (self.pg or fts_available())

    def _best_tiers(self) -> dict[int, list[int]] | None:
        """{rank: ids} of ranks 1-3: the accounts with every word in their names or bio (one
        read of the index over those two parts), ranked on their own rows; None when they are
        WALK_THRESHOLD or more, or the index cannot list them."""
        if self._best_read:
            return self._best
        self._best_read = True
        # PostgreSQL reads each part's own index (names first: the shorter list, and two
        # ranks): a combined read rechecks the union of both on the table.
        if self.pg or not self._usable():
            return None
        indexed = self._indexed()
        if self.pg:
            sql = f"SELECT account_id FROM {DOC_TABLE} WHERE " + " AND ".join(
                "(names LIKE %s OR about LIKE %s)" for _ in indexed
            )
            ids = _read_ids(sql, [_like(i) for i in indexed for _ in range(2)])
        else:
            sql = f"SELECT rowid FROM {HEAD_FTS_TABLE} WHERE {HEAD_FTS_TABLE} MATCH %s"
            ids = _read_ids(sql, [" AND ".join(_phrase(i) for i in indexed)])
        self._best = None if ids is None else self._ranked(ids)
        return self._best

    def _tier_sql(self, rank: int, *, both: bool = False) -> tuple[str, list[Any]]:
        """SQL for the ids of the accounts that may hold `rank` (1-3), from the index: ranks 3
        and 2 read the accounts with every word in their names (both ranks at once), or with
        `both`, in their names and their bio (rank 3 alone)."""
        indexed = self._indexed()
        exact = _exact(self.words)
        mine, other = {NAMES_POINTS + ABOUT_POINTS: ("names", "about"), NAMES_POINTS: ("names", "about")}.get(
            rank, ("about", "names")
        )
        if self.pg:

            def all_in(part: str) -> str:
                return "(" + " AND ".join(f"{part} LIKE %s" for _ in indexed) + ")"

            likes = [_like(i) for i in indexed]
            sql, params = all_in(mine), list(likes)
            if (rank == ABOUT_POINTS and exact) or both:
                sql, params = f"{sql} AND {'' if both else 'NOT '}{all_in(other)}", likes + likes
            return f"SELECT account_id FROM {DOC_TABLE} WHERE {sql}", params

        def in_part(part: str) -> str:
            return "(" + " AND ".join(f"{part} : {_phrase(i)}" for i in indexed) + ")"

        expr = in_part(mine)
        if rank == ABOUT_POINTS and exact:
            expr += f" NOT {in_part(other)}"
        elif both:
            expr += f" AND {in_part(other)}"
        return f"SELECT rowid FROM {HEAD_FTS_TABLE} WHERE {HEAD_FTS_TABLE} MATCH %s", [expr]

    def _ranked(self, ids: list[int]) -> dict[int, list[int]]:
        """{rank: ids} of these accounts, read from their own rows."""
        ranked: dict[int, list[int]] = {}
        if not ids:
            return ranked
        wrapped = list(self.words)
        sql = (
            f"SELECT kw.account_id, {_points_sql(len(self.words), pg=self.pg)}"
            f" FROM {DOC_TABLE} kw WHERE {_in_ids('kw.account_id', ids, pg=self.pg)[0]}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*wrapped, *wrapped, *_in_ids("", ids, pg=self.pg)[1]])
            for account_id, rank in cursor.fetchall():
                ranked.setdefault(rank, []).append(account_id)
        return ranked

    def _rest(self) -> list[int] | None:
        """Rank 0: the matches with the words in neither the names nor the bio alone."""
        indexed = self._indexed()
        if self.words and not indexed:
            return None
        exact = _exact(self.words)
        if self._best is not None and exact:
            # The better ranks are known: the rest is every match but them (one plain read of
            # the index, where excluding the parts in the query reads its lists three times).
            better = {i for rank, ids in self._best.items() if rank for i in ids}
            match = keyword_match(self.query, distinct=False)
            # Read up to the bound past the better ranks' ids (they come back too).
            bound = None if self._bound is None else self._bound + len(better)
            ids = _read_ids(f"SELECT * FROM ({match.sql}) matched", list(match.params), bound=bound)
            return None if ids is None else [i for i in dict.fromkeys(ids) if i not in better]
        if self.pg:
            branches, params = [], []
            if self.words:
                branches.append("(" + " AND ".join(f"{PG_TEXT} LIKE %s" for _ in indexed) + ")")
                params += [_like(i) for i in indexed]
            for marker in self.markers:
                branches.append(f"{PG_TEXT} LIKE %s")
                params.append(_like(marker))
            if not branches:
                return []
            sql = f"SELECT account_id FROM {DOC_TABLE} WHERE (" + " OR ".join(branches) + ")"
            if self.words and exact:
                for part in ("names", "about"):
                    sql += " AND NOT (" + " AND ".join(f"{part} LIKE %s" for _ in indexed) + ")"
                    params += [_like(i) for i in indexed]
            return _read_ids(sql, params, bound=self._bound)
        if not fts_available():
            return None
        branches = []
        if self.words:
            branches.append("(" + " AND ".join(_phrase(i) for i in indexed) + ")")
        branches += [_phrase(m) for m in self.markers]
        if not branches:
            return []
        expr = "(" + " OR ".join(branches) + ")"
        if self.words and exact:
            for part in ("names", "about"):
                expr += " NOT (" + " AND ".join(f"{part} : {_phrase(i)}" for i in indexed) + ")"
        return _read_ids(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expr], bound=self._bound)
