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

    def __init__(self, words: list[str], ref: Any) -> None:
        super().__init__()
        self.words, self.ref = words, ref

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
    return _AccountRank(query_words(query), F(account_id))
