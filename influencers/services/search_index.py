"""Keeps the keyword-search text of accounts (AccountSearchText) in step with the catalogue.

Three ways in, one writer (`index_accounts`): bulk writes (imports, connector refreshes) announce
the accounts they changed and the follow-up `search_after_change` re-indexes them; ORM saves of
one row (the admin, editors, the connectors' account rows) re-index through model signals
(`connect_signals`); `index_all` rebuilds everything (migration 0010's backfill, the
`rebuild_search_index` command). The database's own index over the text (FTS5 or pg_trgm)
follows the rows by itself (triggers on SQLite, an expression index on PostgreSQL: migration
0010).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

import orjson
from django.db import connection, transaction
from django.db.models.constants import OnConflict
from django.db.models.signals import post_delete, post_save

from core.services.collector import collector_paused
from core.sql import flat, ids_in, ids_params, quoted_column, quoted_table, upsert_sql
from influencers.follow_ups import AccountsChanged
from influencers.models import Account, AccountSearchText, Creator, Post
from influencers.search_text import MAX_POSTS, only_strings, search_text

CHUNK_SIZE = 2000
# The columns of AccountSearchText as the upsert writes them, the key first.
TEXT_FIELDS = ("account_id", "names", "about", "posts")
_ONLY_LISTS = frozenset({list})


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _post_counts(post_model: Any, account_ids: list[int]) -> dict[int, int]:
    """How many posts each account of `account_ids` has (accounts without posts left out): one
    aggregate over the (account, posted_at) index, far cheaper than the posts' rows."""
    quote = connection.ops.quote_name
    account = quote(post_model._meta.get_field("account").column)
    sql = (
        f"SELECT {account}, COUNT(*) FROM {quote(post_model._meta.db_table)} "
        f"WHERE {ids_in(account, len(account_ids))} GROUP BY {account}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids_params(account_ids))
        return dict(cursor.fetchall())


def _posts_sql(post_model: Any, account_ids: list[int], *, newest_only: bool) -> str:
    """The (account, caption, hashtags) rows of these accounts' posts, by account and newest
    first (ties by id, newest first); `newest_only`: only the newest MAX_POSTS of each, picked
    by a window (ROW_NUMBER per account), which costs a sort of every row read."""
    quote = connection.ops.quote_name
    account, posted_at, pk, caption, hashtags = (
        quote(post_model._meta.get_field(name).column) for name in ("account", "posted_at", "id", "caption", "hashtags")
    )
    table = quote(post_model._meta.db_table)
    where = ids_in(account, len(account_ids))
    if not newest_only:
        return (
            f"SELECT {account}, {caption}, {hashtags} FROM {table} WHERE {where} "
            f"ORDER BY {account}, {posted_at} DESC, {pk} DESC"
        )
    return (
        f"SELECT account, caption, hashtags FROM (SELECT {account} AS account, {caption} AS caption, "
        f"{hashtags} AS hashtags, ROW_NUMBER() OVER (PARTITION BY {account} ORDER BY {posted_at} DESC, {pk} DESC) "
        f"AS rn FROM {table} WHERE {where}) AS numbered WHERE rn <= {MAX_POSTS} ORDER BY account, rn"
    )


def _json_list(stored: Any) -> list[Any]:
    """A JSON column's list as the column reads back (json.loads of its text; not a list: none):
    a post's hashtags, a creator's categories. orjson parses the common case, a list of strings,
    as the standard library would; any other list (numbers: orjson reads integers beyond 64 bits
    differently) and whatever orjson refuses (NaN) is parsed again by the standard library."""
    if not isinstance(stored, str):  # a driver that decodes JSON itself
        return stored if isinstance(stored, list) else []
    try:
        value = orjson.loads(stored)
        if isinstance(value, list) and only_strings(value):
            return value
    except orjson.JSONDecodeError:
        pass
    try:
        value = json.loads(stored)
    except json.JSONDecodeError:  # Django's JSONField reads it back as the text: not a list
        return []
    return value if isinstance(value, list) else []


def _json_lists(stored: list[Any]) -> list[list[Any]]:
    """`_json_list` of each of `stored`. When every value is the text of a list of strings (the
    common case) all are parsed by orjson in one pass and checked in a few passes in C, without a
    Python call per value; otherwise one by one."""
    if only_strings(stored):
        try:
            values = list(map(orjson.loads, stored))
        except orjson.JSONDecodeError:
            values = None
        if (
            values is not None
            and _ONLY_LISTS.issuperset(map(type, values))
            and only_strings(chain.from_iterable(values))
        ):
            return values
    return [_json_list(value) for value in stored]


def _newest_posts(post_model: Any, account_ids: list[int]) -> dict[int, list[tuple[str, list[Any]]]]:
    """(caption, hashtags) of the newest MAX_POSTS posts of each account, newest first.

    Read by plain SQL, the hashtags parsed by `_json_lists`: the ORM's window query and Django's
    JSON decoding of each value cost more than building the texts. Accounts with at most MAX_POSTS
    posts (after an import, nearly all) are read whole by the (account, posted_at) index; only the
    longer histories go through the window."""
    counts = _post_counts(post_model, account_ids)
    short = [account for account in account_ids if 0 < counts.get(account, 0) <= MAX_POSTS]
    long = [account for account in account_ids if counts.get(account, 0) > MAX_POSTS]
    posts: dict[int, list[tuple[str, list[Any]]]] = defaultdict(list)
    with connection.cursor() as cursor:
        for accounts, newest_only in ((short, False), (long, True)):
            if not accounts:
                continue
            cursor.execute(_posts_sql(post_model, accounts, newest_only=newest_only), ids_params(accounts))
            rows = cursor.fetchall()
            for (account_id, caption, _), hashtags in zip(rows, _json_lists([row[2] for row in rows]), strict=True):
                posts[account_id].append((caption, hashtags))
    return posts


def _account_rows(account_model: Any, account_ids: list[int]) -> list[tuple[Any, ...]]:
    """(id, handle, display name, bio, creator's display name, creator's categories) of these
    accounts, by id. Plain SQL: the ORM's filter by a chunk's ids (each id prepared as a lookup
    value) and its JSON decoding of each creator's categories cost a fifth of indexing them."""
    creator_model = account_model._meta.get_field("creator").related_model
    account, creator = quoted_table(account_model), quoted_table(creator_model)
    selected = [
        *(quoted_column(account_model, name, account) for name in ("id", "handle", "display_name", "bio")),
        *(quoted_column(creator_model, name, creator) for name in ("display_name", "categories")),
    ]
    sql = (
        f"SELECT {', '.join(selected)} FROM {account} JOIN {creator} "
        f"ON {quoted_column(creator_model, 'id', creator)} = {quoted_column(account_model, 'creator', account)} "
        f"WHERE {ids_in(selected[0], len(account_ids))} ORDER BY {selected[0]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids_params(account_ids))
        rows = cursor.fetchall()
    return [(*row[:5], categories) for row, categories in zip(rows, _json_lists([row[5] for row in rows]), strict=True)]


def _stored_texts(text_model: Any, account_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """The stored (account, names, about, posts) rows of these accounts, by account."""
    columns = [quoted_column(text_model, name) for name in TEXT_FIELDS]
    sql = f"SELECT {', '.join(columns)} FROM {quoted_table(text_model)} WHERE {ids_in(columns[0], len(account_ids))}"
    with connection.cursor() as cursor:
        cursor.execute(sql, ids_params(account_ids))
        return {row[0]: tuple(row) for row in cursor.fetchall()}


def _upsert_sql(text_model: Any, rows: int) -> str:
    """INSERT … ON CONFLICT DO UPDATE of `rows` search texts (SQLite ≥ 3.24 and PostgreSQL)."""
    fields = [text_model._meta.get_field(name) for name in TEXT_FIELDS]
    return upsert_sql(text_model, fields, update=fields[1:], key=fields[:1], rows=rows)


def _upsert_json_sql(text_model: Any) -> str:
    """SQLite: INSERT … ON CONFLICT DO UPDATE of every search text of one JSON parameter (a list
    of [account, names, about, posts]), read by json_each."""
    fields = [text_model._meta.get_field(name) for name in TEXT_FIELDS]
    columns = ", ".join(quoted_column(text_model, name) for name in TEXT_FIELDS)
    values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(fields)))
    conflict = connection.ops.on_conflict_suffix_sql(
        fields, OnConflict.UPDATE, [str(field.column) for field in fields[1:]], [str(fields[0].column)]
    )
    # WHERE true: without it SQLite would read ON CONFLICT as a join's ON.
    return (
        f"INSERT INTO {quoted_table(text_model)} ({columns}) SELECT {values} FROM json_each(%s) WHERE true {conflict}"
    )


def _json_rows(rows: list[tuple[int, str, str, str]]) -> str | None:
    """The rows as the JSON text `_upsert_json_sql` reads, or None when a text holds a NUL
    character, which SQLite's JSON functions cut the text at (a false alarm, a text holding the
    characters \\u0000, only costs the slower path)."""
    text = orjson.dumps(rows).decode()
    return None if "\\u0000" in text else text


def _store_texts(text_model: Any, rows: list[tuple[int, str, str, str]]) -> None:
    """Upsert these (account, names, about, posts) rows in one transaction. On SQLite by one
    statement, all the rows in one JSON parameter: FTS5 flushes its pending terms into a new
    segment at the end of each statement, and fewer, larger segments cost less to write and to
    merge than one per batch of the parameter limit (249 rows). Elsewhere, and for texts JSON
    cannot carry to SQLite, by as few multi-row statements as the database's parameter limit
    allows: no model instance or per-field preparation per row as with bulk_create, and not one
    statement per row (executemany), which SQLite's FTS5 triggers made nearly twice as slow as
    bulk_create."""
    payload = _json_rows(rows) if connection.vendor == "sqlite" else None
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if payload is not None:
            cursor.execute(_upsert_json_sql(text_model), [payload])
            return
        limit = connection.features.max_query_params
        batch = len(rows) if limit is None else max(1, limit // len(TEXT_FIELDS))
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            cursor.execute(_upsert_sql(text_model, len(part)), flat(part))


def _texts(account_model: Any, post_model: Any, account_ids: list[int]) -> list[tuple[int, str, str, str]]:
    """The (account, names, about, posts) search texts of these accounts."""
    posts = _newest_posts(post_model, account_ids)
    rows = []
    for pk, handle, display_name, bio, creator_name, categories in _account_rows(account_model, account_ids):
        text = search_text(
            handle=handle,
            display_name=display_name,
            creator_name=creator_name,
            bio=bio,
            categories=categories,
            posts=posts.get(pk, ()),
        )
        rows.append((pk, text.names, text.about, text.posts))
    return rows


def _index_chunk(models: tuple[Any, Any, Any], account_ids: list[int]) -> int:
    """`index_accounts` of one chunk of accounts; returns how many exist."""
    account_model, post_model, text_model = models
    rows = _texts(account_model, post_model, account_ids)
    # Only the texts that changed are written: each write re-tokenises the text into the
    # database's trigram index (most of the cost), and a re-import or a metrics refresh
    # leaves most texts as they were. By account: the trigram index's row ids ascending.
    stored = _stored_texts(text_model, account_ids)
    changed = [row for row in rows if stored.get(row[0]) != row]
    if changed:
        _store_texts(text_model, changed)
    return len(rows)


def index_accounts(
    account_ids: Iterable[int],
    *,
    models: tuple[Any, Any, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the search text of these accounts (one upsert per chunk, of the texts that changed);
    returns how many accounts now have their current text.
    `models` (Account, Post, AccountSearchText) lets migration 0010 pass its historical ones;
    `progress(done)` is called after each chunk."""
    ids = sorted({int(a) for a in account_ids})
    written = done = 0
    for chunk in _chunks(ids, CHUNK_SIZE):
        # The cyclic collector paused: a chunk's posts are ~100,000 new tuples and lists (none
        # in a cycle), whose full collections re-walked everything made so far (a third of
        # reading them). They are freed with the call, before it is back on.
        with collector_paused():
            written += _index_chunk(models or (Account, Post, AccountSearchText), chunk)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return written


def index_all() -> int:
    """Rebuild the search text of every account; returns how many."""
    return index_accounts(Account.objects.values_list("pk", flat=True))


def search_after_change(change: AccountsChanged) -> str | None:
    """Follow-up of every catalogue change, also of an import run with --skip-refresh: the text
    is cheap to rebuild and a creator missing from search looks like a lost import."""
    index_accounts(change.account_ids, progress=change.progress)
    return None


def _creator_saved(sender: Any, instance: Creator, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_accounts(instance.accounts.values_list("pk", flat=True))


def _account_saved(sender: Any, instance: Account, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_accounts([instance.pk])


def _post_saved(sender: Any, instance: Post, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        index_accounts([instance.account_id])


def _post_deleted(sender: Any, instance: Post, origin: Any = None, **kwargs: Any) -> None:
    # Posts deleted because their account (or creator) is being deleted take its text with them
    # (cascade): writing it again here would point at an account about to disappear.
    if origin is None or isinstance(origin, Post) or getattr(origin, "model", None) is Post:
        index_accounts([instance.account_id])


def connect_signals() -> None:
    """Re-index on ORM saves of one row (bulk writes announce their accounts instead)."""
    post_save.connect(_creator_saved, sender=Creator, dispatch_uid="search_index_creator")
    post_save.connect(_account_saved, sender=Account, dispatch_uid="search_index_account")
    post_save.connect(_post_saved, sender=Post, dispatch_uid="search_index_post_saved")
    post_delete.connect(_post_deleted, sender=Post, dispatch_uid="search_index_post_deleted")
