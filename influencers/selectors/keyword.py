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
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import BooleanField, Expression, F, IntegerField
from django.db.models.expressions import RawSQL

from influencers.search_text import CATEGORY_MARKER, is_cjk, query_words
from influencers.vocabulary import codes_matching

DOC_TABLE = "influencers_accountsearchtext"
FTS_TABLE = "influencers_accountsearch_fts"
# The whole text as PostgreSQL's trigram index (migration 0010) is built over: queries must
# repeat this expression exactly for the planner to use the index.
PG_TEXT = "(names || ' ' || about || ' ' || posts)"
_SCAN_TEXT = "(names || ' ' || about || ' ' || posts)"
_KW_TEXT = "(kw.names || ' ' || kw.about || ' ' || kw.posts)"
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
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
        return cursor.fetchone() is not None


def keyword_match(query: str) -> RawSQL:
    """SQL for the ids of the accounts matching `query` (use as `account_id__in=...`)."""
    words = query_words(query)
    markers = _markers(query)
    if not words and not markers:
        return RawSQL(f"SELECT account_id FROM {DOC_TABLE} WHERE 1 = 0", [])
    if connection.vendor == "postgresql":
        return _pg_match(words, markers)
    return _sqlite_match(words, markers, fts=fts_available())


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


def _sqlite_match(words: list[str], markers: list[str], *, fts: bool) -> RawSQL:
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
    return RawSQL(" UNION ".join(selects), params)


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
        has = "{part} LIKE %s" if pg else "instr({part}, %s) > 0"

        def wrap(text: str) -> str:
            return _like(text) if pg else text

        branches, params = [], []
        if self.words:
            branches.append("(" + " AND ".join(has.format(part=_KW_TEXT) for _ in self.words) + ")")
            params += [wrap(w) for w in self.words]
        for marker in self.markers:
            branches.append(has.format(part="kw.about"))
            params.append(wrap(marker))
        condition = " OR ".join(branches) or "1 = 0"
        sql = f"EXISTS (SELECT 1 FROM {DOC_TABLE} kw WHERE kw.account_id = {ref_sql} AND ({condition}))"
        return sql, (*ref_params, *params)


def keyword_own_text_has(query: str, account_id: str) -> Expression:
    """The condition "the account at `account_id` (a field path) matches `query`", checked on
    that account's row: the same answer as `account_id IN keyword_match(query)`."""
    return _OwnTextHas(query_words(query), _markers(query), F(account_id))


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
        if connection.vendor == "postgresql":
            has = "kw.{part} LIKE %s"
            word_params = [_like(w) for w in self.words]
        else:
            has = "instr(kw.{part}, %s) > 0"
            word_params = list(self.words)

        def all_in(part: str) -> str:
            return " AND ".join(has.format(part=part) for _ in self.words)

        sql = (
            f"COALESCE((SELECT CASE WHEN {all_in('names')} THEN {NAMES_POINTS} ELSE 0 END"
            f" + CASE WHEN {all_in('about')} THEN {ABOUT_POINTS} ELSE 0 END"
            f" FROM {DOC_TABLE} kw WHERE kw.account_id = {ref_sql}), 0)"
        )
        return sql, (*word_params, *word_params, *ref_params)


def keyword_rank(query: str, account_id: str) -> Expression:
    """The relevance of the account at `account_id` (a field path) to `query` (module
    docstring): 2 when every word is in its names, +1 when every word is in its bio and
    categories, 0 otherwise."""
    return _AccountRank(query_words(query), F(account_id), query)


def keyword_rank_query(expression: Any) -> str | None:
    """The query of a `keyword_rank` expression (None for anything else): how discovery's head
    recognises a relevance-ordered keyword search (influencers.selectors.creators.creator_head)."""
    return expression.query if isinstance(expression, _AccountRank) else None


# Above this many matching accounts (or candidates of one relevance tier) an index lookup costs
# more than walking the accounts by followers and checking each one's own text: a page of 500
# rows is found after ~500 / density accounts. Below it the index's list is read whole.
WALK_THRESHOLD = 3000


def _count_at_most(sql: str, params: list[Any], cap: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(cap)}) capped", params)
        (count,) = cursor.fetchone()
    return int(count)


def keyword_is_common(query: str) -> bool:
    """Whether at least WALK_THRESHOLD accounts match `query` (the index stops counting there)."""
    match = keyword_match(query)
    return _count_at_most(f"SELECT * FROM ({match.sql}) matched", list(match.params), WALK_THRESHOLD) >= WALK_THRESHOLD


# Relevance tiers, best first (module docstring): the rank an account holds in each.
RANKS = (NAMES_POINTS + ABOUT_POINTS, NAMES_POINTS, ABOUT_POINTS, 0)


def keyword_tier_candidates(query: str, rank: int) -> RawSQL | None:
    """SQL for the ids of accounts that may hold `rank` for `query`, from the index: exactly
    those when every word is indexed, more when some are scanned (the caller checks the rank on
    each row); None when the index cannot narrow the tier (every word scanned: a walk)."""
    words = query_words(query)
    markers = _markers(query)
    if connection.vendor == "postgresql":
        return _pg_tier(words, markers, rank)
    if not fts_available():
        return None
    return _fts_tier(words, markers, rank)


def _fts_tier(words: list[str], markers: list[str], rank: int) -> RawSQL | None:
    indexed = [i for i in (_indexed(w) for w in words) if i is not None]
    exact = len(indexed) == len(words)

    def all_in(column: str) -> str:
        return "(" + " AND ".join(f"{column} : {_phrase(i)}" for i in indexed) + ")"

    if rank and not indexed:
        return None
    if rank == NAMES_POINTS + ABOUT_POINTS:
        expr = f"{all_in('names')} AND {all_in('about')}"
    elif rank in (NAMES_POINTS, ABOUT_POINTS):
        mine, other = ("names", "about") if rank == NAMES_POINTS else ("about", "names")
        expr = f"{all_in(mine)} NOT {all_in(other)}" if exact else all_in(mine)
    else:
        branches = []
        if words:
            if not indexed:
                return None
            branches.append("(" + " AND ".join(_phrase(i) for i in indexed) + ")")
        branches += [_phrase(m) for m in markers]
        if not branches:
            return None
        expr = "(" + " OR ".join(branches) + ")"
        if words and exact:
            expr += f" NOT {all_in('names')} NOT {all_in('about')}"
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expr])


def _pg_tier(words: list[str], markers: list[str], rank: int) -> RawSQL | None:
    indexed = [i for i in (_indexed(w) for w in words) if i is not None]
    exact = len(indexed) == len(words)

    def all_in(part: str) -> tuple[str, list[Any]]:
        return "(" + " AND ".join(f"{part} LIKE %s" for _ in indexed) + ")", [_like(i) for i in indexed]

    if rank and not indexed:
        return None
    names_sql, names_params = all_in("names")
    about_sql, about_params = all_in("about")
    if rank == NAMES_POINTS + ABOUT_POINTS:
        sql, params = f"{names_sql} AND {about_sql}", names_params + about_params
    elif rank == NAMES_POINTS:
        sql, params = names_sql, names_params
        if exact:
            sql, params = f"{names_sql} AND NOT {about_sql}", names_params + about_params
    elif rank == ABOUT_POINTS:
        sql, params = about_sql, about_params
        if exact:
            sql, params = f"{about_sql} AND NOT {names_sql}", about_params + names_params
    else:
        branches: list[str] = []
        params = []
        if words:
            if not indexed:
                return None
            text_sql = "(" + " AND ".join(f"{PG_TEXT} LIKE %s" for _ in indexed) + ")"
            branches.append(text_sql)
            params += [_like(i) for i in indexed]
        for marker in markers:
            branches.append(f"{PG_TEXT} LIKE %s")
            params.append(_like(marker))
        if not branches:
            return None
        sql = "(" + " OR ".join(branches) + ")"
        if words and exact:
            sql += f" AND NOT {names_sql} AND NOT {about_sql}"
            params += names_params + about_params
    return RawSQL(f"SELECT account_id FROM {DOC_TABLE} WHERE {sql}", params)


def keyword_tier(query: str, rank: int) -> tuple[bool, RawSQL | None]:
    """How discovery reads the accounts holding `rank` for `query`: (empty, candidates), where
    `candidates` is the index's list of them when it is short (under WALK_THRESHOLD) and None
    when the tier is better walked (large, or not narrowed by the index); `empty` says the index
    knows it holds nobody."""
    candidates = keyword_tier_candidates(query, rank)
    if candidates is None:
        return False, None
    found = _count_at_most(candidates.sql, list(candidates.params), WALK_THRESHOLD)
    return found == 0, (candidates if found < WALK_THRESHOLD else None)
